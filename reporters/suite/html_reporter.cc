// report.html: one self-contained page, with its style inline, charts as inline SVG and no script
// or network request, so it opens from a file on an air-gapped laptop. The verdicts (FAIL first,
// each case linking to its details), sweep curves of the key metrics against each numeric axis
// with the SLO view, and each case's gates, figures, distributions and request timeline. Light
// and dark follow the system.
#include <algorithm>
#include <map>
#include <sstream>

#include "reporters/suite/case_detail.h"
#include "reporters/suite/html_page.h"
#include "reporters/suite/pivot.h"
#include "reporters/suite/suite_reporter.h"
#include "reporters/suite/svg_chart.h"
#include "reporters/suite/verdict_text.h"
#include "runner/base/flags.h"

namespace servebench::reporters {
namespace {

// The curves drawn against the sweep's axis: (counter, title with unit).
constexpr std::pair<const char*, const char*> kCurves[] = {
    {"time_to_first_token_p50", "TTFT p50 (ms)"},
    {"time_to_first_token_p99", "TTFT p99 (ms)"},
    {"inter_token_latency_p50", "ITL p50 (ms)"},
    {"inter_token_latency_p99", "ITL p99 (ms)"},
    {"request_latency_p99", "request latency p99 (ms)"},
    {"output_token_throughput", "output token throughput (tokens/s)"}};

int Severity(verdicts::Outcome o) { return static_cast<int>(o); }

class HtmlReporter : public SuiteReporter {
 public:
  void Begin(const SuiteContext& context) override {
    context_ = context;
    file_ = context.out_dir / "report.html";
  }
  void CaseDone(const results::CaseResult& c) override { cases_.push_back(c); }
  void End(const verdicts::SuiteVerdict& verdict) override {
    std::ostringstream page;
    page << PageStart("servebench: " + context_.suite);
    Header(page, verdict);
    Verdicts(page, verdict);
    Curves(page);
    Cases(page, verdict);
    page << PageEnd();
    Save(file_, page.str());
  }
  std::vector<std::filesystem::path> Files() const override { return {file_}; }

 private:
  void Header(std::ostringstream& page, const verdicts::SuiteVerdict& verdict) const {
    page << "<h1>servebench: " << Escaped(context_.suite) << " " << VerdictBadge(verdict.outcome)
         << (verdict.interrupted ? " <span class=\"muted\">(interrupted: only the cases that "
                                   "finished)</span>"
                                 : "")
         << "</h1>\n<p class=\"muted\">Baseline: "
         << Escaped(context_.baseline.empty() ? "none" : context_.baseline)
         << ". Server: " << Escaped(context_.server_url);
    if (!context_.server.empty())
      page << " (" << Escaped(results::ServerText(context_.server)) << ")";
    page << ". Client: " << Escaped(context_.client);
    for (const auto& [name, value] : context_.labels) {
      page << ". " << Escaped(name) << "=" << Escaped(value);
    }
    page << ".</p>\n";
    for (const auto& w : verdict.warnings) {
      page << "<p class=\"warning\">Warning: " << Escaped(w) << "</p>\n";
    }
  }

  // FAIL first: the most severe verdicts lead, cases keep their order within one verdict.
  void Verdicts(std::ostringstream& page, const verdicts::SuiteVerdict& verdict) const {
    std::vector<size_t> order(verdict.cases.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return Severity(verdict.cases[a].outcome) > Severity(verdict.cases[b].outcome);
    });
    page << "<h2>Verdicts</h2>\n<table class=\"verdicts\">\n<tr><th>case</th><th>verdict</th>"
            "<th>gates: baseline → now (Δ, p)</th></tr>\n";
    for (size_t i : order) {
      const auto& c = verdict.cases[i];
      page << "<tr><td><a href=\"#case-" << i << "\">" << Escaped(c.name) << "</a></td><td>"
           << VerdictBadge(c.outcome) << "</td><td>";
      for (const auto& g : c.gates) page << "<div>" << Escaped(GateLine(g)) << "</div>";
      if (!c.note.empty()) page << "<div class=\"muted\">" << Escaped(c.note) << "</div>";
      page << "</td></tr>\n";
    }
    page << "</table>\n";
  }

  // Curves against each numeric axis of the sweep (the trade-off chart once, with the first).
  void Curves(std::ostringstream& page) const {
    const auto axes = NumericAxes(cases_);
    for (size_t a = 0; a < axes.size(); ++a) CurvesAgainst(page, axes[a], a == 0);
  }

  // One chart per key metric against axis, a series per combination of the other keys, and the
  // SLO view's highest load within the limits marked on each.
  void CurvesAgainst(std::ostringstream& page, const std::string& axis, bool trade_off) const {
    const std::vector<std::string> group = AxisGroup(cases_, axis);
    std::vector<std::string> series_names;
    std::map<std::string, double> x_of;
    for (const auto& c : cases_) {
      base::ParseDouble(ParameterValue(c, axis), &x_of[c.name]);
      const std::string name = OtherParameters(c, group);
      if (std::find(series_names.begin(), series_names.end(), name) == series_names.end())
        series_names.push_back(name);
    }
    std::string moving;
    for (size_t i = 1; i < group.size(); ++i) moving += (i == 1 ? "" : ", ") + group[i];
    page << "<h2>Sweep: against " << Escaped(axis)
         << (moving.empty()
                 ? ""
                 : " (" + Escaped(moving) + (group.size() > 2 ? " move" : " moves") + " with it)")
         << "</h2>\n";
    if (series_names.size() > 1) {
      page << "<p class=\"legend\">";
      for (size_t i = 0; i < series_names.size(); ++i) {
        page << "<span class=\"s" << i % 6 << "\"><i></i>" << Escaped(series_names[i]) << "</span>";
      }
      page << "</p>\n";
    }
    const std::vector<ChartMarker> markers = SloView(page, axis);
    page << "<div class=\"charts\">\n";
    for (const auto& [counter, title] : kCurves) {
      Chart chart{title, axis, title, {}};
      chart.markers = markers;
      for (const auto& name : series_names) chart.series.push_back({name, {}});
      for (const auto& c : cases_) {
        const auto values = results::CounterValues(c, counter);
        if (values.empty()) continue;
        const auto s =
            std::find(series_names.begin(), series_names.end(), OtherParameters(c, group)) -
            series_names.begin();
        chart.series[static_cast<size_t>(s)].points.push_back(
            {x_of[c.name], *results::Median(values),
             *std::min_element(values.begin(), values.end()),
             *std::max_element(values.begin(), values.end()), c.name});
      }
      Draw(page, chart);
    }
    if (trade_off) Draw(page, TradeOff(series_names, group));
    page << "</div>\n<p class=\"muted\">A point is the median over repetitions, its band the "
            "minimum to the maximum; hover a point for its case."
         << (trade_off ? " On the trade-off chart, the ringed points are the Pareto front: no "
                         "other case gives both more total and more per-user throughput."
                       : "")
         << (markers.empty()
                 ? ""
                 : " A dashed line marks the highest " + Escaped(axis) + " within the SLO.")
         << "</p>\n";
  }

  // The highest value of axis within the SLO, per series, said and returned as chart markers.
  std::vector<ChartMarker> SloView(std::ostringstream& page, const std::string& axis) const {
    const auto results = HighestWithinSlo(cases_, axis, context_.slos);
    if (results.empty()) return {};
    page << "<div class=\"slo\"><p>SLO (" << Escaped(SloText(context_.slos)) << "):</p><ul>\n";
    std::vector<ChartMarker> markers;
    for (const auto& r : results) {
      const std::string line = SloLine(r);
      page << "<li>" << Escaped(line) << "</li>\n";
      if (r.highest && !r.beyond_measured) markers.push_back({*r.highest, "SLO: " + line});
    }
    page << "</ul></div>\n";
    return markers;
  }

  static void Draw(std::ostringstream& page, const Chart& chart) {
    const bool measured = std::any_of(chart.series.begin(), chart.series.end(),
                                      [](const auto& s) { return !s.points.empty(); });
    if (measured) page << SvgLineChart(chart);
  }

  // Output throughput per user against the total, the trade-off serving teams read, a series per
  // combination of the other keys; the Pareto front is marked.
  Chart TradeOff(const std::vector<std::string>& series_names,
                 const std::vector<std::string>& group) const {
    Chart chart{"per-user vs total output throughput",
                "output token throughput (tokens/s)",
                "output tokens/s per user, p50",
                {}};
    chart.x_measured = true;
    for (const auto& name : series_names) chart.series.push_back({name, {}});
    std::vector<std::pair<size_t, ChartPoint>> points;
    for (const auto& c : cases_) {
      const auto total = results::Median(results::CounterValues(c, "output_token_throughput"));
      const auto per_user = results::CounterValues(c, "output_token_throughput_per_user_p50");
      if (!total || per_user.empty()) continue;
      const auto s =
          std::find(series_names.begin(), series_names.end(), OtherParameters(c, group)) -
          series_names.begin();
      points.push_back(
          {static_cast<size_t>(s),
           {*total, *results::Median(per_user), *std::min_element(per_user.begin(), per_user.end()),
            *std::max_element(per_user.begin(), per_user.end()), c.name}});
    }
    for (auto& point : points) {
      ChartPoint& p = point.second;  // a plain reference: clang 14 lambdas cannot capture bindings
      const bool dominated = std::any_of(points.begin(), points.end(), [&](const auto& other) {
        const ChartPoint& q = other.second;
        return q.x >= p.x && q.median >= p.median && (q.x > p.x || q.median > p.median);
      });
      if (!dominated) p.mark = "pareto";
      chart.series[point.first].points.push_back(p);
    }
    return chart;
  }

  void Cases(std::ostringstream& page, const verdicts::SuiteVerdict& verdict) const {
    page << "<h2>Cases</h2>\n<p class=\"muted\">Per case, from its first repetition: the TTFT "
            "and ITL distributions (p50, p90 and p99 marked) and the request timeline, grey "
            "while a request waits for its first token and blue while it streams (red: failed)."
            "</p>\n";
    for (size_t i = 0; i < verdict.cases.size(); ++i) {
      const auto& v = verdict.cases[i];
      page << "<h3 id=\"case-" << i << "\">" << Escaped(v.name) << " " << VerdictBadge(v.outcome)
           << "</h3>\n";
      if (!v.note.empty()) page << "<p class=\"muted\">" << Escaped(v.note) << "</p>\n";
      const auto c = std::find_if(cases_.begin(), cases_.end(),
                                  [&](const auto& r) { return r.name == v.name; });
      if (c == cases_.end()) continue;
      page << "<table>\n<tr><th>repetitions</th>";
      for (const auto& [title, counter] : kKeyMetrics) page << "<th>" << title << "</th>";
      page << "</tr>\n<tr><td class=\"num\">" << c->repetitions.size() << "</td>";
      for (const auto& [title, counter] : kKeyMetrics) {
        page << "<td class=\"num\">" << Short(MedianOf(*c, counter)) << "</td>";
      }
      page << "</tr>\n</table>\n";
      for (const auto& g : v.gates) page << "<div>" << Escaped(GateLine(g)) << "</div>\n";
      Details(page, v.name);
    }
  }

  // The case's TTFT and ITL distributions and its request timeline, from its first repetition.
  void Details(std::ostringstream& page, const std::string& name) const {
    const auto dir = results::RepetitionDir(
        context_.cases_dir.empty() ? context_.out_dir : context_.cases_dir, name, 0);
    if (!std::filesystem::exists(dir)) {
      page << "<p class=\"muted\">No per-request charts: the case's first repetition is not in "
              "the run's folder.</p>\n";
      return;
    }
    const auto detail = ReadCaseDetail(dir);
    if (!detail) {
      page << "<p class=\"muted\">No per-request charts: " << Escaped(detail.error().message)
           << "</p>\n";
      return;
    }
    page << "<div class=\"charts\">\n"
         << CdfChart("TTFT", name, detail->ttft_ms) << CdfChart("ITL", name, detail->itl_ms)
         << TimelineChart(name, detail->requests) << "</div>\n";
  }

  SuiteContext context_;
  std::filesystem::path file_;
  std::vector<results::CaseResult> cases_;
};

const bool registered_html = RegisterSuiteReporter("report.html", ReporterRole::kReport,
                                                   [] { return std::make_unique<HtmlReporter>(); });

}  // namespace
}  // namespace servebench::reporters
