// Baselines as files: some cases of a run's results.json taken into a baseline, and the history
// of every update, one JSON line each in <baseline>.history.jsonl beside it.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::results {

// The baseline with the named cases' entries (repetitions, aggregates, gate entries) replaced by
// the run's, or added after its own. Its context becomes the run's: the newest measurement
// decides what the baseline says it measured. family_index is renumbered.
nlohmann::ordered_json MergeCases(const nlohmann::ordered_json& baseline,
                                  const nlohmann::ordered_json& run,
                                  const std::set<std::string>& names);

struct HistoryEntry {
  std::string time;                // RFC 3339, UTC
  std::string who;                 // user@host
  std::string from;                // the results.json the cases came from
  std::vector<std::string> cases;  // the cases taken
  std::string command;             // the servebench command that did it
};

// baselines/e2e.json → baselines/e2e.history.jsonl.
std::filesystem::path HistoryFile(const std::filesystem::path& baseline);
base::Status AppendHistory(const std::filesystem::path& baseline, const HistoryEntry& entry);
base::Expected<std::vector<HistoryEntry>> ReadHistory(const std::filesystem::path& baseline);

}  // namespace servebench::results
