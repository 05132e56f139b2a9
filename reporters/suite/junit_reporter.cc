// verdicts.xml: JUnit XML, one testcase per case, for CI systems. FAIL and INVALID are failures;
// INCONCLUSIVE, NEW and MISSING are reported as skipped with the reason.
#include <sstream>

#include "reporters/suite/suite_reporter.h"
#include "reporters/suite/verdict_text.h"

namespace servebench::reporters {
namespace {

using verdicts::Outcome;

std::string Details(const verdicts::CaseVerdict& c) {
  std::string out = c.note.empty() ? "" : c.note + "\n";
  for (const auto& g : c.gates) out += GateLine(g) + "\n";
  return out;
}

class JunitReporter : public SuiteReporter {
 public:
  void Begin(const SuiteContext& context) override {
    context_ = context;
    file_ = context.out_dir / "verdicts.xml";
  }
  void CaseDone(const results::CaseResult&) override {}

  void End(const verdicts::SuiteVerdict& verdict) override {
    int failures = 0, skipped = 0;
    std::string body;
    for (const auto& c : verdict.cases) {
      body += "    <testcase classname=\"" + Escaped(context_.suite) + "\" name=\"" +
              Escaped(c.name) + "\">\n";
      const std::string message =
          std::string(verdicts::Name(c.outcome)) + (c.note.empty() ? "" : ": " + c.note);
      if (c.outcome == Outcome::kFail || c.outcome == Outcome::kInvalid) {
        ++failures;
        body += "      <failure message=\"" + Escaped(message) + "\" type=\"" +
                verdicts::Name(c.outcome) + "\">" + Escaped(Details(c)) + "</failure>\n";
      } else if (c.outcome == Outcome::kInconclusive || c.outcome == Outcome::kMissing ||
                 c.outcome == Outcome::kNew) {
        ++skipped;
        body += "      <skipped message=\"" + Escaped(message) + "\"/>\n";
      }
      body += "      <system-out>" + Escaped(Details(c)) + "</system-out>\n    </testcase>\n";
    }
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\""
        << Escaped(context_.suite) << "\" tests=\"" << verdict.cases.size() << "\" failures=\""
        << failures << "\" errors=\"0\" skipped=\"" << skipped << "\">\n"
        << body << "  </testsuite>\n</testsuites>\n";
    Save(file_, out.str());
  }
  std::vector<std::filesystem::path> Files() const override { return {file_}; }

 private:
  SuiteContext context_;
  std::filesystem::path file_;
};

const bool registered_junit = RegisterSuiteReporter(
    "verdicts.xml", ReporterRole::kVerdicts, [] { return std::make_unique<JunitReporter>(); });

}  // namespace
}  // namespace servebench::reporters
