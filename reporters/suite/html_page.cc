#include "reporters/suite/html_page.h"

#include "reporters/suite/verdict_text.h"

namespace servebench::reporters {
namespace {

constexpr const char* kStyle = R"(
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --grid: #d1d9e0; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --grid: #3d444d; }
}
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 24px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; } h3 { font-size: 14px; }
table { border-collapse: collapse; } td, th { padding: 4px 8px; border-bottom: 1px solid var(--grid); text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); } .warning { border-left: 4px solid #d29922; padding-left: 8px; }
.verdict { font-weight: 600; padding: 1px 6px; border-radius: 4px; color: #fff; background: #59636e; }
.v-FAIL, .v-INVALID { background: #cf222e; } .v-PASS, .v-IMPROVED { background: #1a7f37; }
.v-INCONCLUSIVE { background: #9a6700; } .v-NEW, .v-MISSING { background: #0969da; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart { width: 560px; max-width: 100%; } .chart text { fill: var(--fg); font-size: 11px; }
.chart .title { font-size: 13px; font-weight: 600; } .chart .grid { stroke: var(--grid); }
.series { color: #0969da; } .series .line { fill: none; stroke: currentColor; stroke-width: 2; }
.series .band { fill: currentColor; fill-opacity: 0.15; } .series .point { fill: currentColor; }
.s0 { color: #0969da; } .s1 { color: #cf222e; } .s2 { color: #1a7f37; }
.s3 { color: #8250df; } .s4 { color: #bc4c00; } .s5 { color: #1b7c83; }
.point.pareto { stroke: var(--fg); stroke-width: 2; }
.marker { stroke: var(--muted); stroke-width: 1.5; stroke-dasharray: 4 3; }
.point.v-FAIL, .point.v-INVALID { fill: #cf222e; stroke: #cf222e; stroke-width: 4; }
.point.v-INCONCLUSIVE { fill: #9a6700; stroke: #9a6700; stroke-width: 3; }
.timeline .wait { stroke: var(--muted); } .timeline .stream { stroke: #0969da; }
.timeline .failed line { stroke: #cf222e; } .slo { border-left: 4px solid #1a7f37; padding-left: 8px; }
.legend span { display: inline-block; margin-right: 16px; }
.legend i { display: inline-block; width: 10px; height: 10px; background: currentColor; margin-right: 4px; }
)";

}  // namespace

std::string PageStart(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         Escaped(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
}

std::string PageEnd() { return "</body>\n</html>\n"; }

std::string VerdictBadge(verdicts::Outcome o) {
  const std::string name = verdicts::Name(o);
  return "<span class=\"verdict v-" + name + "\">" + name + "</span>";
}

}  // namespace servebench::reporters
