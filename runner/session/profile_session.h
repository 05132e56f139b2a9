// One profile run from resolved flags to written artifacts: the embedded mock when asked, the
// readiness check, prompts, the run, the summary and every profile export. A library: it returns
// what happened and prints nothing; `profile` runs one session, and the suite run loop
// (runner/suite_run/) one per case and repetition.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mock/mock_server.h"
#include "reporters/profile_export/profile_export.h"
#include "reporters/profile_export/run_report.h"
#include "runner/base/expected.h"
#include "runner/engine/run_case.h"
#include "runner/options/profile_options.h"

namespace servebench::session {

struct SessionResult {
  reporters::ProfileReport report;
  engine::CaseOutcome outcome;
  std::filesystem::path dir;              // where the artifacts went
  std::vector<std::string> files;         // every file written completely
  std::vector<std::string> write_errors;  // "PATH: cannot write (reason)", one per failed file
};

// What the caller sees while a session runs: each note as the run starts (the server ignored
// max_completion_tokens...), and the run's progress.
struct SessionHooks {
  std::function<void(const std::string&)> note;
  std::function<void(const engine::Progress&)> progress;
};

// wanted_dir (empty: artifacts/<model>-<endpoint_type>-<stimulus>) gets a numbered sibling when it
// exists already. command is already redacted.
// interrupts counts Ctrl-C presses (see engine::RunCase).
base::Expected<SessionResult> RunProfileSession(const options::ProfileFlags& flags,
                                                const std::string& command,
                                                const std::filesystem::path& wanted_dir,
                                                const std::atomic<int>& interrupts,
                                                const SessionHooks& hooks);

// The embedded mock when the plan asks for one (--url mock), started on a free loopback port with
// the plan's URLs pointed at it; null when the plan targets a server.
base::Expected<std::unique_ptr<mock::MockServer>> StartMockIfAsked(options::ProfilePlan& plan);

// Why a finished run counts as failed (exit 1), or "": no request succeeded, or more failed
// than --max-error-rate allows.
std::string RunFailure(const metrics::CaseSummary& summary, double max_error_rate);

}  // namespace servebench::session
