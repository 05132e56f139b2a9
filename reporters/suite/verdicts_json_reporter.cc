// verdicts.json: the verdicts, machine-readable.
#include <nlohmann/json.hpp>

#include "reporters/suite/suite_reporter.h"

namespace servebench::reporters {
namespace {

using Json = nlohmann::ordered_json;

Json Optional(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

class VerdictsJsonReporter : public SuiteReporter {
 public:
  void Begin(const SuiteContext& context) override {
    context_ = context;
    file_ = context.out_dir / "verdicts.json";
  }
  void CaseDone(const results::CaseResult&) override {}

  void End(const verdicts::SuiteVerdict& verdict) override {
    Json cases = Json::array();
    for (const auto& c : verdict.cases) {
      Json gates = Json::array();
      for (const auto& g : c.gates) {
        gates.push_back({{"metric", g.metric},
                         {"verdict", verdicts::Name(g.outcome)},
                         {"baseline", Optional(g.baseline)},
                         {"value", Optional(g.value)},
                         {"delta", Optional(g.delta)},
                         {"p_value", Optional(g.p_value)},
                         {"tolerance", Optional(g.tolerance)},
                         {"note", g.note}});
      }
      cases.push_back({{"name", c.name},
                       {"verdict", verdicts::Name(c.outcome)},
                       {"note", c.note},
                       {"gates", gates}});
    }
    const Json doc = {{"suite", context_.suite},
                      {"baseline", context_.baseline},
                      {"verdict", verdicts::Name(verdict.outcome)},
                      {"interrupted", verdict.interrupted},
                      {"exit_code", verdict.exit_code},
                      {"warnings", verdict.warnings},
                      {"cases", cases}};
    Save(file_, doc.dump(2) + "\n");
  }
  std::vector<std::filesystem::path> Files() const override { return {file_}; }

 private:
  SuiteContext context_;
  std::filesystem::path file_;
};

const bool registered_verdicts_json =
    RegisterSuiteReporter("verdicts.json", ReporterRole::kVerdicts,
                          [] { return std::make_unique<VerdictsJsonReporter>(); });

}  // namespace
}  // namespace servebench::reporters
