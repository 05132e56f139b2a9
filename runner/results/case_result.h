// What a suite run measured, case by case and repetition by repetition: the value type that
// results.json holds, that verdicts judge, and that a stored baseline is read back into.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/base/expected.h"
#include "runner/metrics/summary.h"

namespace servebench::results {

struct Repetition {
  int64_t iterations = 0;  // successful requests
  bool error = false;      // the repetition produced no valid request, or could not run
  std::string error_message;
  // Every statistic by counter name: <metric>_<stat> for distributions (time_to_first_token_p99),
  // <metric> for run-level values (output_token_throughput).
  std::map<std::string, double> counters;
};

struct CaseResult {
  std::string name;
  nlohmann::json fingerprint;  // settings that must match a baseline's case (see cases::Case)
  std::vector<std::pair<std::string, std::string>> parameters;
  std::vector<Repetition> repetitions;
};

// A gate's metric as written (time_to_first_token.p99) → its counter name.
std::string CounterName(const std::string& metric);
// Whether a counter holds a time in ms (the gated latencies compare.py's U test reads).
bool IsTimeCounter(const std::string& counter);
// For a rate where higher is better (output_token_throughput, tokens/s): the name of its inverse
// as a time in ms, lower is better (ms_per_output_token), so tools that read every time as lower
// is better (Google Benchmark's compare.py) see a drop as a regression. Empty for other counters.
std::string InverseTimeName(const std::string& counter);
// Every counter name a summary can produce.
std::vector<std::string> KnownCounters();

Repetition FromSummary(const metrics::CaseSummary& summary);
Repetition Failed(const std::string& message);

// The client could not deliver the load (suites.md): why, or nothing.
std::optional<std::string> DeliveryProblem(const Repetition& r);

std::optional<double> Median(std::vector<double> values);
// The counter's values over the repetitions that ran.
std::vector<double> CounterValues(const CaseResult& c, const std::string& counter);

// The folder of a case's repetitions in a run's folder: its name with '/' as '_'.
std::string CaseFolderName(std::string name);
// A repetition's folder in it (repetition-0 is the first).
std::filesystem::path RepetitionDir(const std::filesystem::path& run_dir, const std::string& name,
                                    int64_t repetition);

// Reads the cases of a results.json (Google Benchmark JSON as written by servebench run).
base::Expected<std::vector<CaseResult>> ReadResults(const std::string& path);

// Which suite a results.json measured (its context's suite and suite_sha256; empty when absent).
struct SuiteIdentity {
  std::string suite, suite_sha256;
  std::map<std::string, std::string> labels = {};  // --label and the suite's labels:
  std::string client = {};                         // host and CPU of the machine that ran it
  // What the server said of itself (transport/server_identity.h); empty when unknown.
  nlohmann::json server = nlohmann::json::object();
  std::string server_url = {};  // as written (without credentials)
};
// The server identity in one line: "models m (owned by o), Server x, version v".
std::string ServerText(const nlohmann::json& server);
SuiteIdentity ReadSuiteIdentity(const std::string& path);
// What differs between a baseline's identity and a run's, one line each ("label gpu: A in the
// baseline, B in this run"): numbers from different machines or servers are not comparable.
std::vector<std::string> IdentityDifferences(const SuiteIdentity& baseline,
                                             const SuiteIdentity& run);
// The labels among `required` that differ (or are set on one side only).
std::vector<std::string> DifferingLabels(const SuiteIdentity& baseline, const SuiteIdentity& run,
                                         const std::vector<std::string>& required);
// Whether a baseline may judge a run: another suite is an error (the cases would all read as
// NEW and MISSING); a changed suite file is a warning, returned in `warning`.
base::Status CheckSameSuite(const SuiteIdentity& baseline, const SuiteIdentity& run,
                            const std::string& baseline_path, std::string& warning);

}  // namespace servebench::results
