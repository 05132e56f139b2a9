#include "runner/results/case_result.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "runner/base/json.h"

namespace servebench::results {
namespace {

using Json = nlohmann::json;

std::string ErrorText(const metrics::CaseSummary& s) {
  if (s.errors.empty()) return "no request succeeded";
  const auto& e = s.errors.front();
  return "no request succeeded; " + std::to_string(e.count) + " x " + std::to_string(e.code) + " " +
         e.type + ": " + e.message;
}

const metrics::MetricInfo* FindMetric(const std::string& counter) {
  for (const auto& m : metrics::MetricCatalog()) {
    if (counter == m.key) return &m;
    if (m.distribution && counter.rfind(m.key + "_", 0) == 0) return &m;
  }
  return nullptr;
}

}  // namespace

std::string CounterName(const std::string& metric) {
  std::string out = metric;
  std::replace(out.begin(), out.end(), '.', '_');
  return out;
}

bool IsTimeCounter(const std::string& counter) {
  const metrics::MetricInfo* m = FindMetric(counter);
  return m != nullptr && m->unit == "ms" && !counter.ends_with("_count");
}

std::string InverseTimeName(const std::string& counter) {
  const metrics::MetricInfo* m = FindMetric(counter);
  if (m == nullptr || !m->higher_is_better || !m->unit.ends_with("/s")) return "";
  std::string name = counter;
  if (const size_t at = name.find("_throughput"); at != std::string::npos) name.erase(at, 11);
  return "ms_per_" + name;
}

std::vector<std::string> KnownCounters() {
  std::vector<std::string> out;
  for (const auto& m : metrics::MetricCatalog()) {
    if (!m.distribution) {
      out.push_back(m.key);
      continue;
    }
    for (const auto& [stat, value] : metrics::NamedStats({})) out.push_back(m.key + "_" + stat);
  }
  return out;
}

std::string CaseFolderName(std::string name) {
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  // "." or ".." would name the run's folder or its parent.
  if (name.find_first_not_of('.') == std::string::npos) name.insert(0, "_");
  return name;
}

std::filesystem::path RepetitionDir(const std::filesystem::path& run_dir, const std::string& name,
                                    int64_t repetition) {
  return run_dir / CaseFolderName(name) / ("repetition-" + std::to_string(repetition));
}

namespace {

// A case's [[key, value], ...] in a results.json's context.case_parameters (empty when absent:
// files written before it).
std::vector<std::pair<std::string, std::string>> ParametersOf(const nlohmann::json& all,
                                                              const std::string& name) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto it = all.find(name);
  if (it == all.end() || !it->is_array()) return out;
  for (const auto& pair : *it) {
    if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string())
      out.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return out;
}

}  // namespace

Repetition FromSummary(const metrics::CaseSummary& summary) {
  Repetition r;
  for (const auto& d : summary.distributions) {
    for (const auto& [stat, value] : metrics::NamedStats(d.stats)) {
      r.counters[d.key + "_" + stat] = value;
    }
  }
  for (const auto& v : summary.values) r.counters[v.key] = v.value;
  const auto count = r.counters.find("request_count");
  r.iterations = count == r.counters.end() ? 0 : static_cast<int64_t>(count->second);
  if (r.iterations == 0) {
    r.error = true;
    r.error_message = ErrorText(summary);
  }
  return r;
}

Repetition Failed(const std::string& message) {
  Repetition r;
  r.error = true;
  r.error_message = message;
  return r;
}

std::optional<std::string> DeliveryProblem(const Repetition& r) {
  auto get = [&](const char* key) -> std::optional<double> {
    const auto it = r.counters.find(key);
    if (it == r.counters.end()) return std::nullopt;
    return it->second;
  };
  const auto target = get("target_request_rate");
  if (!target || *target <= 0) return std::nullopt;  // closed loop: the load is the client's own
  if (const auto lag = get("schedule_lag_p99"); lag && *lag > 10) {
    return "the client fell behind schedule (schedule lag p99 " + std::to_string(*lag) +
           " ms > 10 ms)";
  }
  // Under a concurrency cap arrivals wait for slots by the user's choice: a rate below target
  // is then the cap's, and only the client's own lag (above) makes the case invalid.
  const auto capped = get("capped_arrival_share");
  if (const auto rate = get("achieved_request_rate");
      rate && *rate < 0.95 * *target && !(capped && *capped > 0)) {
    return "the achieved request rate " + std::to_string(*rate) +
           "/s is below 95 % of the target " + std::to_string(*target) + "/s";
  }
  return std::nullopt;
}

std::optional<double> Median(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::vector<double> CounterValues(const CaseResult& c, const std::string& counter) {
  std::vector<double> out;
  for (const auto& r : c.repetitions) {
    if (r.error) continue;
    if (const auto it = r.counters.find(counter); it != r.counters.end()) out.push_back(it->second);
  }
  return out;
}

base::Expected<std::vector<CaseResult>> ReadResults(const std::string& path) {
  std::ifstream in(path);
  if (!in) return base::MakeError(path + ": cannot read the results file (check the path)");
  const Json doc = base::ParseJson<Json>(in);
  if (doc.is_discarded() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) {
    return base::MakeError(path +
                           ": not a Google Benchmark JSON file (no \"benchmarks\" array); give a "
                           "results.json written by servebench run");
  }
  static const std::set<std::string> kStandard = {"name",
                                                  "family_index",
                                                  "per_family_instance_index",
                                                  "run_name",
                                                  "run_type",
                                                  "repetitions",
                                                  "repetition_index",
                                                  "threads",
                                                  "iterations",
                                                  "real_time",
                                                  "cpu_time",
                                                  "time_unit",
                                                  "label",
                                                  "error_occurred",
                                                  "error_message",
                                                  "aggregate_name",
                                                  "aggregate_unit"};
  const Json none = Json::object();
  const Json& parameters = doc.contains("context") && doc["context"].is_object() &&
                                   doc["context"].contains("case_parameters") &&
                                   doc["context"]["case_parameters"].is_object()
                               ? doc["context"]["case_parameters"]
                               : none;
  std::vector<CaseResult> out;
  for (const auto& b : doc["benchmarks"]) {
    const std::string label = b.value("label", "");
    if (b.value("run_type", "") != "iteration" || label.empty() || label[0] != '{') continue;
    const std::string name = b.value("run_name", b.value("name", ""));
    if (out.empty() || out.back().name != name) {
      out.push_back({name, base::ParseJson<Json>(label), ParametersOf(parameters, name), {}});
    }
    Repetition r;
    r.iterations = b.value("iterations", int64_t{0});
    r.error = b.value("error_occurred", false);
    r.error_message = b.value("error_message", "");
    for (const auto& [key, value] : b.items()) {
      if (!kStandard.count(key) && value.is_number()) r.counters[key] = value.get<double>();
    }
    out.back().repetitions.push_back(std::move(r));
  }
  return out;
}

SuiteIdentity ReadSuiteIdentity(const std::string& path) {
  std::ifstream in(path);
  const Json doc = base::ParseJson<Json>(in);
  SuiteIdentity id;
  if (doc.is_discarded() || !doc.contains("context") || !doc["context"].is_object()) return id;
  const Json& context = doc["context"];
  auto text = [&context](const char* key) {
    const auto it = context.find(key);
    return it != context.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  id.suite = text("suite");
  id.suite_sha256 = text("suite_sha256");
  id.client = text("client");
  id.server_url = text("server_url");
  if (context.contains("server") && context["server"].is_object()) id.server = context["server"];
  if (context.contains("labels") && context["labels"].is_object()) {
    for (const auto& [name, value] : context["labels"].items()) {
      if (value.is_string()) id.labels[name] = value.get<std::string>();
    }
  }
  return id;
}

std::string ServerText(const Json& server) {
  // Read from a file: any field may be missing or of another type.
  auto text = [](const Json& object, const char* key) {
    const auto it = object.is_object() ? object.find(key) : object.end();
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string models;
  if (server.contains("models") && server["models"].is_array()) {
    for (const auto& m : server["models"]) {
      models += (models.empty() ? "" : ", ") + text(m, "id");
      if (const std::string owner = text(m, "owned_by"); !owner.empty())
        models += " (owned by " + owner + ")";
    }
  }
  std::string line = "models " + (models.empty() ? std::string("unlisted") : models);
  if (const std::string header = text(server, "server_header"); !header.empty())
    line += ", Server " + header;
  if (const std::string version = text(server, "version"); !version.empty())
    line += ", version " + version;
  return line;
}

namespace {

std::string LabelOf(const SuiteIdentity& id, const std::string& name) {
  const auto it = id.labels.find(name);
  return it == id.labels.end() ? "(unset)" : it->second;
}

}  // namespace

std::vector<std::string> DifferingLabels(const SuiteIdentity& baseline, const SuiteIdentity& run,
                                         const std::vector<std::string>& required) {
  std::vector<std::string> out;
  for (const auto& name : required) {
    if (LabelOf(baseline, name) != LabelOf(run, name)) out.push_back(name);
  }
  return out;
}

std::vector<std::string> IdentityDifferences(const SuiteIdentity& baseline,
                                             const SuiteIdentity& run) {
  std::vector<std::string> out;
  std::map<std::string, std::string> names = baseline.labels;
  names.insert(run.labels.begin(), run.labels.end());
  for (const auto& [name, unused] : names) {
    if (LabelOf(baseline, name) != LabelOf(run, name)) {
      out.push_back("label " + name + ": " + LabelOf(baseline, name) + " in the baseline, " +
                    LabelOf(run, name) + " in this run");
    }
  }
  if (!baseline.server.empty() && !run.server.empty() && baseline.server != run.server) {
    out.push_back("server: " + ServerText(baseline.server) + " in the baseline, " +
                  ServerText(run.server) + " in this run");
  }
  if (!baseline.client.empty() && !run.client.empty() && baseline.client != run.client) {
    out.push_back("client machine: " + baseline.client + " in the baseline, " + run.client +
                  " in this run");
  }
  return out;
}

base::Status CheckSameSuite(const SuiteIdentity& baseline, const SuiteIdentity& run,
                            const std::string& baseline_path, std::string& warning) {
  if (!baseline.suite.empty() && !run.suite.empty() && baseline.suite != run.suite) {
    return base::MakeError(baseline_path + " is a baseline of suite '" + baseline.suite +
                           "', not '" + run.suite +
                           "'; give that suite's baseline with --baseline");
  }
  if (!baseline.suite_sha256.empty() && !run.suite_sha256.empty() &&
      baseline.suite_sha256 != run.suite_sha256) {
    warning = "the suite file changed since " + baseline_path + " was recorded (sha256 " +
              baseline.suite_sha256.substr(0, 12) + " -> " + run.suite_sha256.substr(0, 12) +
              "); cases whose parameters changed are INVALID, new ones NEW";
  }
  return base::Ok{};
}

}  // namespace servebench::results
