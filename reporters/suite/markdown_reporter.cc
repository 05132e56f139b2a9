// summary.md: the verdicts as Markdown, for a CI job summary or a pull-request comment.
#include <map>
#include <sstream>

#include "reporters/suite/pivot.h"
#include "reporters/suite/slo_view.h"
#include "reporters/suite/suite_reporter.h"
#include "reporters/suite/verdict_text.h"

namespace servebench::reporters {
namespace {

class MarkdownReporter : public SuiteReporter {
 public:
  void Begin(const SuiteContext& context) override {
    context_ = context;
    file_ = context.out_dir / "summary.md";
  }
  void CaseDone(const results::CaseResult& c) override {
    results_[c.name] = c;
    order_.push_back(c);
  }

  void End(const verdicts::SuiteVerdict& verdict) override {
    std::ostringstream out;
    out << "## servebench: " << context_.suite << " — **" << verdicts::Name(verdict.outcome) << "**"
        << (verdict.interrupted ? " (interrupted: only the cases that finished)" : "") << "\n\n";
    out << "Baseline: " << (context_.baseline.empty() ? "none" : "`" + context_.baseline + "`")
        << ". Server: `" << context_.server_url << "`.\n\n";
    for (const auto& w : verdict.warnings) out << "> **Warning:** " << w << "\n\n";
    out << "| case | verdict | reps";
    for (const auto& [title, counter] : kKeyMetrics) out << " | " << title;
    out << " |\n|---|---|---";
    for (size_t i = 0; i < std::size(kKeyMetrics); ++i) out << "|---";
    out << "|\n";
    for (const auto& c : verdict.cases) {
      const auto it = results_.find(c.name);
      out << "| `" << c.name << "` | " << verdicts::Name(c.outcome) << " | "
          << (it == results_.end() ? 0 : it->second.repetitions.size());
      for (const auto& [title, counter] : kKeyMetrics) {
        out << " | " << (it == results_.end() ? "-" : Short(MedianOf(it->second, counter)));
      }
      out << " |\n";
    }
    if (const auto pivots = MakePivots(context_.gated_metrics, order_, verdict); !pivots.empty()) {
      out << "\n### Pivots\n\n";
      for (const auto& p : pivots) {
        out << "**" << p.metric << "**, median over repetitions\n\n" << PivotMarkdown(p) << "\n";
      }
    }
    SloSection(out);
    out << "\n### Gates\n\n";
    for (const auto& c : verdict.cases) {
      out << "- `" << c.name << "`: **" << verdicts::Name(c.outcome) << "**"
          << (c.note.empty() ? "" : " — " + c.note) << "\n";
      for (const auto& g : c.gates) out << "  - " << GateLine(g) << "\n";
    }
    out << "\nValues are medians over repetitions; Δ is the relative change, positive = worse; "
           "p is the one-sided exact Mann–Whitney U test (≥ 5 repetitions a side).\n";
    Save(file_, out.str());
  }
  std::vector<std::filesystem::path> Files() const override { return {file_}; }

 private:
  // The SLO view along the sweep's main axis (report.html has it along every axis).
  void SloSection(std::ostringstream& out) const {
    const auto axes = NumericAxes(order_);
    if (axes.empty()) return;
    const auto results = HighestWithinSlo(order_, axes.front(), context_.slos);
    if (results.empty()) return;
    out << "\n### SLO (" << SloText(context_.slos) << ")\n\n";
    for (const auto& r : results) out << "- " << SloLine(r) << "\n";
  }

  SuiteContext context_;
  std::filesystem::path file_;
  std::map<std::string, results::CaseResult> results_;
  std::vector<results::CaseResult> order_;  // as the cases ran
};

const bool registered_markdown = RegisterSuiteReporter(
    "summary.md", ReporterRole::kReport, [] { return std::make_unique<MarkdownReporter>(); });

}  // namespace
}  // namespace servebench::reporters
