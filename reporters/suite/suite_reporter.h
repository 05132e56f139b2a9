// The outputs of `servebench run` (suites.md § Results), each one small class behind this
// interface: Begin once, CaseDone after each case's repetitions, End with the verdicts.
// A reporter registers itself from its own file, so adding a format touches no other file.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "reporters/suite/slo_view.h"
#include "runner/results/case_result.h"
#include "runner/verdicts/verdicts.h"

namespace servebench::reporters {

struct SuiteContext {
  std::string suite, suite_file, suite_sha256, server_url, endpoint_type;
  std::filesystem::path out_dir;
  std::vector<std::string> parameter_keys;    // the matrix keys that vary: CSV columns
  std::vector<std::string> gated_metrics;     // gate metrics as written (time_to_first_token.p99)
  std::string baseline;                       // the baseline file, or empty
  std::map<std::string, std::string> labels;  // --label and the suite's labels:
  std::string client;                         // host and CPU (base/machine.h)
  nlohmann::json server = nlohmann::json::object();  // transport/server_identity.h
  // Where the cases' folders (their repetitions' artifacts) are; empty: out_dir.
  std::filesystem::path cases_dir = {};
  // Absolute limits (max/min gates, a --goodput attainment): the report's SLO view.
  std::vector<SloLimit> slos = {};
};

class SuiteReporter {
 public:
  virtual ~SuiteReporter() = default;
  virtual void Begin(const SuiteContext& context) = 0;
  virtual void CaseDone(const results::CaseResult& result) = 0;
  virtual void End(const verdicts::SuiteVerdict& verdict) = 0;
  // The files it wrote (for the footer); empty for the console.
  virtual std::vector<std::filesystem::path> Files() const { return {}; }
  // "PATH: cannot write (reason)" for each file that could not be written.
  const std::vector<std::string>& write_errors() const { return write_errors_; }

 protected:
  // Writes a whole file through a temporary and a rename: a reader, or a run killed halfway,
  // sees the last complete file, never an empty one. A failure is kept for write_errors().
  void Save(const std::filesystem::path& file, const std::string& text);

 private:
  std::vector<std::string> write_errors_;
};

using ReporterFactory = std::function<std::unique_ptr<SuiteReporter>()>;

// What a reporter writes, so each command takes the ones that fit it without naming them: a
// sweep has results and a report but no baseline; `compare` judges results files it did not
// measure, so it writes verdicts and a report but no results.
enum class ReporterRole {
  kConsole,   // the terminal
  kResults,   // the measurements (results.json, results.csv)
  kVerdicts,  // the verdicts (verdicts.json, verdicts.xml)
  kReport,    // measurements and verdicts for people (summary.md, report.html)
};

// Called from a reporter's file at static-initialization time; returns true.
bool RegisterSuiteReporter(const std::string& name, ReporterRole role, ReporterFactory factory);
// One of every registered reporter of the given roles but those named in except, in name order.
std::vector<std::unique_ptr<SuiteReporter>> MakeSuiteReporters(
    const std::set<ReporterRole>& roles, const std::set<std::string>& except = {});
// The reporter registered under name ("console", "results.json"...), or null.
std::unique_ptr<SuiteReporter> MakeSuiteReporter(const std::string& name);

}  // namespace servebench::reporters
