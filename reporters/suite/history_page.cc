#include "reporters/suite/history_page.h"

#include <algorithm>
#include <sstream>

#include "reporters/suite/html_page.h"
#include "reporters/suite/svg_chart.h"
#include "reporters/suite/verdict_text.h"

namespace servebench::reporters {
namespace {

void AddOnce(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// Times compare as text to the second: RFC 3339 in UTC, as CI machines write them.
std::string Second(const std::string& time) { return time.substr(0, 19); }

const verdicts::GateVerdict* GateOf(const verdicts::StoredRun& run, const std::string& name,
                                    const std::string& metric) {
  if (!run.verdict) return nullptr;
  for (const auto& c : run.verdict->cases) {
    if (c.name != name) continue;
    for (const auto& g : c.gates) {
      if (g.metric == metric) return &g;
    }
  }
  return nullptr;
}

// A baseline update sits between the last night before it and the first after it.
std::vector<ChartMarker> Markers(const std::vector<verdicts::StoredRun>& runs,
                                 const std::vector<results::HistoryEntry>& updates,
                                 const std::string& name) {
  std::vector<ChartMarker> out;
  for (const auto& u : updates) {
    if (!u.cases.empty() && std::find(u.cases.begin(), u.cases.end(), name) == u.cases.end())
      continue;
    for (size_t i = 1; i < runs.size(); ++i) {
      if (Second(runs[i - 1].date) < Second(u.time) && Second(u.time) <= Second(runs[i].date)) {
        out.push_back({static_cast<double>(i) - 0.5,
                       "baseline updated " + u.time + " by " + u.who + " from " + u.from});
      }
    }
  }
  return out;
}

Chart Trend(const std::vector<verdicts::StoredRun>& runs,
            const std::vector<results::HistoryEntry>& updates, const std::string& name,
            const std::string& metric) {
  const bool time = results::IsTimeCounter(results::CounterName(metric));
  Chart chart{metric, "night", metric + (time ? " (ms)" : ""), {{"", {}}}};
  for (size_t i = 0; i < runs.size(); ++i) {
    chart.x_ticks.emplace_back(static_cast<double>(i), runs[i].date.substr(5, 5));
    const auto c = std::find_if(runs[i].cases.begin(), runs[i].cases.end(),
                                [&](const auto& r) { return r.name == name; });
    if (c == runs[i].cases.end()) continue;
    const auto values = results::CounterValues(*c, results::CounterName(metric));
    if (values.empty()) continue;
    const verdicts::GateVerdict* gate = GateOf(runs[i], name, metric);
    const std::string verdict = gate ? verdicts::Name(gate->outcome) : "";
    chart.series[0].points.push_back(
        {static_cast<double>(i), *results::Median(values),
         *std::min_element(values.begin(), values.end()),
         *std::max_element(values.begin(), values.end()),
         runs[i].date + " " + runs[i].dir + (verdict.empty() ? "" : " " + verdict),
         verdict.empty() || verdict == "PASS" ? "" : "v-" + verdict});
  }
  chart.markers = Markers(runs, updates, name);
  return chart;
}

}  // namespace

std::string HistoryPage(std::vector<verdicts::StoredRun> runs,
                        const std::vector<results::HistoryEntry>& updates) {
  std::stable_sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) {
    return std::tie(a.date, a.dir) < std::tie(b.date, b.dir);
  });
  std::vector<std::string> cases, metrics;
  for (const auto& run : runs) {
    for (const auto& c : run.cases) AddOnce(cases, c.name);
    if (!run.verdict) continue;
    for (const auto& c : run.verdict->cases) {
      for (const auto& g : c.gates) AddOnce(metrics, g.metric);
    }
  }
  const std::string suite = runs.empty() ? "" : runs.front().identity.suite;
  std::ostringstream page;
  page << PageStart("servebench history: " + suite) << "<h1>servebench history: " << Escaped(suite)
       << "</h1>\n<table class=\"nights\">\n<tr><th>night</th><th>run</th>"
       << "<th>verdict</th></tr>\n";
  for (const auto& run : runs) {
    page << "<tr><td>" << Escaped(run.date) << "</td><td>" << Escaped(run.dir) << "</td><td>"
         << (run.verdict ? VerdictBadge(run.verdict->outcome) : "-") << "</td></tr>\n";
  }
  page << "</table>\n<p class=\"muted\">Each point is a night's median over its repetitions "
          "with its min-max band; a night that did not pass a gate is marked with its verdict; a "
          "dashed line is a baseline update. Hover for details.</p>\n";
  for (const auto& name : cases) {
    page << "<h2>" << Escaped(name) << "</h2>\n<div class=\"charts\">\n";
    for (const auto& metric : metrics) {
      const Chart trend = Trend(runs, updates, name, metric);
      if (!trend.series[0].points.empty()) page << SvgLineChart(trend);
    }
    page << "</div>\n";
  }
  page << PageEnd();
  return page.str();
}

}  // namespace servebench::reporters
