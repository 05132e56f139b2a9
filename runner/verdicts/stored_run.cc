#include "runner/verdicts/stored_run.h"

#include <filesystem>
#include <fstream>

#include "runner/base/json.h"

namespace servebench::verdicts {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

std::string Text(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<double> Number(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

Json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return base::ParseJson<Json>(in);
}

}  // namespace

std::optional<Outcome> OutcomeNamed(const std::string& name) {
  for (Outcome o : {Outcome::kImproved, Outcome::kPass, Outcome::kNew, Outcome::kMissing,
                    Outcome::kInconclusive, Outcome::kFail, Outcome::kInvalid}) {
    if (name == Name(o)) return o;
  }
  return std::nullopt;
}

base::Expected<SuiteVerdict> ReadVerdicts(const std::string& path) {
  const Json doc = ReadJson(path);
  const auto bad = [&] {
    return base::MakeError(path + ": not a verdicts.json written by servebench run");
  };
  if (!doc.is_object() || !doc.contains("cases") || !doc["cases"].is_array()) return bad();
  SuiteVerdict v;
  const auto outcome = OutcomeNamed(Text(doc, "verdict"));
  if (!outcome) return bad();
  v.outcome = *outcome;
  v.interrupted = doc.value("interrupted", false);
  for (const auto& c : doc["cases"]) {
    if (!c.is_object()) return bad();
    CaseVerdict cv{Text(c, "name"),
                   OutcomeNamed(Text(c, "verdict")).value_or(Outcome::kPass),
                   {},
                   Text(c, "note")};
    for (const auto& g : c.value("gates", Json::array())) {
      if (!g.is_object()) return bad();
      cv.gates.push_back({Text(g, "metric"),
                          OutcomeNamed(Text(g, "verdict")).value_or(Outcome::kPass),
                          Number(g, "baseline"), Number(g, "value"), Number(g, "delta"),
                          Number(g, "p_value"), Text(g, "note"), Number(g, "tolerance")});
    }
    v.cases.push_back(std::move(cv));
  }
  return v;
}

base::Expected<StoredRun> ReadStoredRun(const std::string& dir) {
  const fs::path results = fs::path(dir) / "results.json";
  auto cases = results::ReadResults(results.string());
  if (!cases) return cases.error();
  StoredRun run{dir, "", results::ReadSuiteIdentity(results.string()), std::move(*cases), {}};
  const Json doc = ReadJson(results.string());
  if (doc.is_object() && doc.contains("context") && doc["context"].is_object())
    run.date = Text(doc["context"], "date");
  if (const fs::path verdicts = fs::path(dir) / "verdicts.json"; fs::exists(verdicts)) {
    auto read = ReadVerdicts(verdicts.string());
    if (!read) return read.error();
    run.verdict = std::move(*read);
  }
  return run;
}

}  // namespace servebench::verdicts
