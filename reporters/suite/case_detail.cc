#include "reporters/suite/case_detail.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reporters/suite/svg_chart.h"
#include "reporters/suite/verdict_text.h"
#include "runner/base/flags.h"
#include "runner/base/json.h"
#include "runner/metrics/distribution.h"

namespace servebench::reporters {
namespace {

using Json = nlohmann::json;

// A metric's value in a profile_export.jsonl line, when it has one.
std::optional<double> MetricValue(const Json& line, const char* metric) {
  const auto& metrics = line.value("metrics", Json::object());
  if (!metrics.contains(metric) || !metrics[metric].contains("value") ||
      !metrics[metric]["value"].is_number())
    return std::nullopt;
  return metrics[metric]["value"].get<double>();
}

}  // namespace

base::Expected<CaseDetail> ReadCaseDetail(const std::filesystem::path& repetition_dir) {
  const auto path = repetition_dir / "profile_export.jsonl";
  std::ifstream in(path);
  if (!in) return base::MakeError(path.string() + ": cannot read it");
  struct Timed {
    int64_t start_ns, end_ns;
    std::optional<double> ttft_ms;
    bool failed;
  };
  std::vector<Timed> timed;
  CaseDetail detail;
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    const Json line = base::ParseJson<Json>(text);
    if (!line.is_object() || !line.contains("metadata") || !line["metadata"].is_object()) {
      return base::MakeError(path.string() + ":" + std::to_string(number) +
                             ": not a profile_export.jsonl record");
    }
    const Json& meta = line["metadata"];
    if (meta.value("benchmark_phase", "") == "warmup") continue;
    const bool failed = line.contains("error") && !line["error"].is_null();
    const auto ttft = MetricValue(line, "time_to_first_token");
    if (!failed && ttft) detail.ttft_ms.push_back(*ttft);
    if (const auto itl = MetricValue(line, "inter_token_latency"); !failed && itl)
      detail.itl_ms.push_back(*itl);
    timed.push_back({meta.value("start_ns", int64_t{0}), meta.value("end_ns", int64_t{0}),
                     failed ? std::nullopt : ttft, failed});
  }
  std::sort(timed.begin(), timed.end(),
            [](const Timed& a, const Timed& b) { return a.start_ns < b.start_ns; });
  const int64_t zero = timed.empty() ? 0 : timed.front().start_ns;
  for (const auto& t : timed) {
    const double start_s = static_cast<double>(t.start_ns - zero) / 1e9;
    detail.requests.push_back({start_s, t.ttft_ms ? start_s + *t.ttft_ms / 1e3 : -1,
                               static_cast<double>(std::max(t.end_ns, t.start_ns) - zero) / 1e9,
                               t.failed});
  }
  return detail;
}

std::string CdfChart(const std::string& metric, const std::string& case_name,
                     std::vector<double> values) {
  if (values.empty()) return "";
  std::sort(values.begin(), values.end());
  const size_t n = values.size(), shown = std::min(n, kMostCdfPoints);
  Chart chart{
      metric + " distribution (CDF)" +
          (n > shown ? ", " + std::to_string(shown) + " of " + std::to_string(n) + " requests drawn"
                     : ""),
      metric + " (ms)",
      "fraction of requests",
      {}};
  chart.x_measured = true;
  chart.css_class = "chart detail";
  chart.hide_unlabelled_points = true;
  chart.series.push_back({"", {}});
  auto& points = chart.series.back().points;
  for (size_t k = 0; k < shown; ++k) {
    const size_t i = shown == 1 ? n - 1 : k * (n - 1) / (shown - 1);
    const double y = static_cast<double>(i + 1) / static_cast<double>(n);
    points.push_back({values[i], y, y, y, ""});
  }
  for (double q : {50.0, 90.0, 99.0}) {
    const double x = metrics::Percentile(values, q), y = q / 100;
    const std::string stat = "p" + base::NumberText(q);
    points.push_back(
        {x, y, y, y, stat, "", case_name + ": " + metric + " " + stat + " " + Short(x) + " ms"});
  }
  return SvgLineChart(chart);
}

std::string TimelineChart(const std::string& case_name, const std::vector<RequestSpan>& requests) {
  if (requests.empty()) return "";
  const size_t every = (requests.size() + kMostTimelineRequests - 1) / kMostTimelineRequests;
  std::vector<size_t> drawn;
  for (size_t i = 0; i < requests.size(); i += every) drawn.push_back(i);
  double end = 0;
  for (const auto& r : requests) end = std::max(end, r.end_s);
  const double step = TickStep(end > 0 ? end : 1);
  const double x_top = std::ceil((end > 0 ? end : 1) / step) * step;
  const double row = kPlotHeight / static_cast<double>(drawn.size());
  auto at_x = [&](double s) { return SvgNumber(kPlotLeft + kPlotWidth * s / x_top); };
  const std::string title = "request timeline, first repetition" +
                            (every > 1 ? " (1 in " + std::to_string(every) + " of " +
                                             std::to_string(requests.size()) + " requests drawn)"
                                       : "");
  std::ostringstream svg;
  svg << SvgOpen("chart detail timeline", title);
  for (double x = 0; x <= x_top + step / 2; x += step) {
    svg << "<line class=\"grid\" x1=\"" << at_x(x) << "\" x2=\"" << at_x(x) << "\" y1=\""
        << kPlotTop << "\" y2=\"" << kPlotTop + kPlotHeight << "\"/>"
        << SvgXTick(at_x(x), base::NumberText(x));
  }
  svg << SvgAxisLabels("time since the first request (s)", "requests, in start order");
  svg << "<g stroke-width=\"" << SvgNumber(std::clamp(row * 0.8, 0.6, 6.0)) << "\">\n";
  for (size_t k = 0; k < drawn.size(); ++k) {
    const RequestSpan& r = requests[drawn[k]];
    const std::string y = SvgNumber(kPlotTop + row * (static_cast<double>(k) + 0.5));
    const double first = r.first_token_s >= 0 ? r.first_token_s : r.end_s;
    svg << "<g class=\"request" << (r.failed ? " failed" : "") << "\"><title>" << Escaped(case_name)
        << ": request " << drawn[k] + 1 << ", start " << Short(r.start_s) << " s"
        << (r.first_token_s >= 0 ? ", first token +" + Short((first - r.start_s) * 1e3) + " ms"
                                 : "")
        << ", end +" << Short((r.end_s - r.start_s) * 1e3) << " ms" << (r.failed ? ", failed" : "")
        << "</title><line class=\"wait\" x1=\"" << at_x(r.start_s) << "\" x2=\"" << at_x(first)
        << "\" y1=\"" << y << "\" y2=\"" << y << "\"/><line class=\"stream\" x1=\"" << at_x(first)
        << "\" x2=\"" << at_x(r.end_s) << "\" y1=\"" << y << "\" y2=\"" << y << "\"/></g>\n";
  }
  svg << "</g>\n</svg>\n";
  return svg.str();
}

}  // namespace servebench::reporters
