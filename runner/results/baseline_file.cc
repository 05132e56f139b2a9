#include "runner/results/baseline_file.h"

#include <fstream>
#include <map>

#include "runner/base/json.h"

namespace servebench::results {
namespace {

using OrderedJson = nlohmann::ordered_json;

// The case an entry of "benchmarks" belongs to: a repetition or aggregate of case N is named N
// and labelled with its fingerprint; a gated metric's entries are named N/<counter>, labelled
// "gate".
std::string CaseOf(const OrderedJson& entry) {
  std::string name = entry.value("run_name", entry.value("name", ""));
  if (entry.value("label", "") == "gate") name = name.substr(0, name.rfind('/'));
  return name;
}

}  // namespace

OrderedJson MergeCases(const OrderedJson& baseline, const OrderedJson& run,
                       const std::set<std::string>& names) {
  OrderedJson out = baseline;
  out["context"] = run.value("context", OrderedJson::object());
  OrderedJson benchmarks = OrderedJson::array();
  for (const auto& b : baseline.value("benchmarks", OrderedJson::array())) {
    if (!names.count(CaseOf(b))) benchmarks.push_back(b);
  }
  for (const auto& b : run.value("benchmarks", OrderedJson::array())) {
    if (names.count(CaseOf(b))) benchmarks.push_back(b);
  }
  std::map<std::string, int64_t> families;
  for (auto& b : benchmarks) {
    const std::string family = b.value("run_name", b.value("name", ""));
    b["family_index"] = families.emplace(family, families.size()).first->second;
  }
  out["benchmarks"] = std::move(benchmarks);
  return out;
}

std::filesystem::path HistoryFile(const std::filesystem::path& baseline) {
  std::filesystem::path file = baseline;
  return file.replace_extension(".history.jsonl");
}

base::Status AppendHistory(const std::filesystem::path& baseline, const HistoryEntry& e) {
  const auto file = HistoryFile(baseline);
  std::ofstream out(file, std::ios::app);
  out << nlohmann::ordered_json{{"time", e.time},
                                {"who", e.who},
                                {"from", e.from},
                                {"cases", e.cases},
                                {"command", e.command}}
             .dump()
      << "\n";
  out.flush();
  if (!out) return base::MakeError(file.string() + ": cannot append the baseline's history");
  return base::Ok{};
}

base::Expected<std::vector<HistoryEntry>> ReadHistory(const std::filesystem::path& baseline) {
  const auto file = HistoryFile(baseline);
  std::vector<HistoryEntry> out;
  std::ifstream in(file);
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    const auto j = base::ParseJson(line);
    if (j.is_discarded() || !j.is_object() || !j.contains("cases") || !j["cases"].is_array()) {
      return base::MakeError(file.string() + ":" + std::to_string(line_number) +
                             ": not a history entry (one JSON object a line)");
    }
    auto text = [&j](const char* key) {
      return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
    };
    HistoryEntry e{text("time"), text("who"), text("from"), {}, text("command")};
    for (const auto& c : j["cases"]) {
      if (c.is_string()) e.cases.push_back(c.get<std::string>());
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace servebench::results
