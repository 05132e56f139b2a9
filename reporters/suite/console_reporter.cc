// The console: a table of cases with their key metrics and
// verdicts, then the failing gates.
#include <cstdio>
#include <map>

#include "reporters/suite/suite_reporter.h"
#include "reporters/suite/verdict_text.h"

namespace servebench::reporters {
namespace {

std::string Padded(std::string text, size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

class ConsoleReporter : public SuiteReporter {
 public:
  void Begin(const SuiteContext& context) override { context_ = context; }

  void CaseDone(const results::CaseResult& c) override { results_[c.name] = c; }

  void End(const verdicts::SuiteVerdict& verdict) override {
    size_t width = 4;
    for (const auto& c : verdict.cases) width = std::max(width, c.name.size());
    std::string header = Padded("Case", width + 2) + Padded("Verdict", 14);
    for (const auto& [title, counter] : kKeyMetrics) header += Padded(title, 18);
    std::printf("\n%s\n", header.c_str());
    for (const auto& c : verdict.cases) {
      std::string row = Padded(c.name, width + 2) + Padded(verdicts::Name(c.outcome), 14);
      const auto it = results_.find(c.name);
      for (const auto& [title, counter] : kKeyMetrics) {
        row += Padded(it == results_.end() ? "-" : Short(MedianOf(it->second, counter)), 18);
      }
      std::printf("%s\n", row.c_str());
    }
    for (const auto& c : verdict.cases) {
      if (c.outcome < verdicts::Outcome::kMissing) continue;
      std::printf("\n%s %s%s\n", verdicts::Name(c.outcome), c.name.c_str(),
                  c.note.empty() ? "" : (": " + c.note).c_str());
      for (const auto& g : c.gates) {
        if (g.outcome >= verdicts::Outcome::kInconclusive)
          std::printf("  %s\n", GateLine(g).c_str());
      }
    }
    for (const auto& w : verdict.warnings) std::printf("\nwarning: %s", w.c_str());
    std::printf("\nsuite %s: %s\n", context_.suite.c_str(), verdicts::Name(verdict.outcome));
    std::fflush(stdout);
  }

 private:
  SuiteContext context_;
  std::map<std::string, results::CaseResult> results_;
};

const bool registered_console = RegisterSuiteReporter(
    "console", ReporterRole::kConsole, [] { return std::make_unique<ConsoleReporter>(); });

}  // namespace
}  // namespace servebench::reporters
