// A suite run as a library: the suite loaded and expanded into cases, its baseline read, the cases
// run one after another (each repetition a profile session) and judged. Everything returns values
// and prints nothing; `servebench run` and a profile sweep (a suite synthesized from the profile's
// flags) go through the same loop, and the CLI prints and reports what it gets.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/expected.h"
#include "runner/cases/cases.h"
#include "runner/results/case_result.h"
#include "runner/session/profile_session.h"
#include "runner/suite/suite.h"
#include "runner/verdicts/verdicts.h"

namespace servebench::suite_run {

struct LoadedSuite {
  suite::Suite suite;
  std::vector<cases::Case> cases;
};

// The suite file read, its gates checked and its cases expanded; no case is an error.
base::Expected<LoadedSuite> LoadSuiteCases(const std::string& path,
                                           const cases::ExpandOptions& options);

// A suite's baseline: the file read (none when it does not exist), with a warning when it was
// measured from another version of the suite file.
struct Baseline {
  std::filesystem::path path;
  std::optional<std::vector<results::CaseResult>> cases;  // none: no baseline file
  results::SuiteIdentity identity;
  std::string warning;
};
// given: --baseline (empty: baselines/<suite>.json beside the suites/ folder). A given file that
// does not exist is an error unless it is about to be recorded (--update-baseline).
base::Expected<Baseline> ReadBaseline(const suite::Suite& s, const std::string& given,
                                      bool will_record);

// The suite's labels with --label name=value over them.
base::Expected<std::map<std::string, std::string>> Labels(const suite::Suite& s,
                                                          const std::vector<std::string>& flags);

// What the suite's server says of itself, learnt from its first case's target (the embedded
// mock is started for the question); an empty object when it does not answer.
nlohmann::json ServerIdentityOf(const cases::Case& c);

// --resume DIR: the cases an interrupted run in DIR finished, once DIR is known to have
// measured this suite on this server with these labels.
base::Expected<std::vector<results::CaseResult>> ResumableCases(const std::filesystem::path& dir,
                                                                const results::SuiteIdentity& now);
// The finished case of the same name and parameters, with every repetition recorded.
const results::CaseResult* Finished(const cases::Case& c,
                                    const std::vector<results::CaseResult>& finished);

// What the caller sees while the cases run. Each is optional.
struct RunHooks {
  std::function<void(const cases::Case&, size_t number, size_t count)> case_starts;
  std::function<void(int64_t repetition, int64_t repetitions)> repetition_starts;
  std::function<void(const engine::Progress&)> progress;  // the running repetition's
  std::function<void(const std::string&)> note;           // a session's notes
  std::function<void()> repetition_ends;                  // after each session, whatever its end
  // A repetition's session finished (perhaps cut short: see its outcome).
  std::function<void(const cases::Case&, const session::SessionResult&)> repetition_done;
  // A repetition could not run, or the case ran past its timeout: why.
  std::function<void(const cases::Case&, const std::string& error)> failed;
  // A case finished, all its repetitions run (or ended by its timeout or an error).
  std::function<void(const results::CaseResult&)> case_done;
};

struct CasesRun {
  std::vector<results::CaseResult> results;  // of the cases run, in order
  bool artifacts_failed = false;             // a repetition's files could not all be written
  std::string cut_short;                     // the case an interrupt ended midway, if any
};

// Runs the cases one after another, each case's repetitions within its timeout, the artifacts of
// repetition r of case c in results::RepetitionDir(out_dir, c.name, r). command names the case
// in its recorded command (e.g. "servebench run (case NAME)"). An interrupt (see
// engine::RunCase) ends the loop: the repetition it cut short is not a measurement, and its case
// is reported only with the repetitions that finished before it (not at all when none did).
CasesRun RunCases(const std::vector<const cases::Case*>& cases,
                  const std::filesystem::path& out_dir,
                  const std::function<std::string(const cases::Case&)>& command,
                  const std::atomic<int>& interrupts, const RunHooks& hooks);

// Warns of every identity difference (console, summary.md, verdicts.json); with required
// labels (name,name) that differ, every case is INVALID.
void JudgeIdentity(const results::SuiteIdentity& baseline, const results::SuiteIdentity& run,
                   const std::string& require_same, verdicts::SuiteVerdict& verdict);

}  // namespace servebench::suite_run
