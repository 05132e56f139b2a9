// A run as stored on disk, read back so it can be reported again or among others (a history):
// its results.json cases and date, and its verdicts.json when it has one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/base/expected.h"
#include "runner/results/case_result.h"
#include "runner/verdicts/verdicts.h"

namespace servebench::verdicts {

struct StoredRun {
  std::string dir;   // the run's folder
  std::string date;  // results.json's context.date (RFC 3339): runs sort by it
  results::SuiteIdentity identity;
  std::vector<results::CaseResult> cases;
  std::optional<SuiteVerdict> verdict;  // from verdicts.json, when the run wrote one
};

// A run folder holding results.json (and verdicts.json).
base::Expected<StoredRun> ReadStoredRun(const std::string& dir);
// verdicts.json as reporters/suite/verdicts_json_reporter.cc writes it.
base::Expected<SuiteVerdict> ReadVerdicts(const std::string& path);
std::optional<Outcome> OutcomeNamed(const std::string& name);

}  // namespace servebench::verdicts
