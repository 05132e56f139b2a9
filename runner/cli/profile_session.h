// One profile run from resolved flags to written artifacts: the embedded mock when asked, the
// readiness check, prompts, the run, the summary and every profile export. `profile` runs one
// session; `run` runs one per case and repetition.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mock/mock_server.h"
#include "reporters/profile_export/profile_export.h"
#include "reporters/profile_export/run_exporter.h"
#include "reporters/profile_export/run_report.h"
#include "runner/base/expected.h"
#include "runner/engine/run_case.h"
#include "runner/options/profile_options.h"

namespace servebench::cli {

struct SessionResult {
  reporters::ProfileReport report;
  engine::CaseOutcome outcome;
  std::filesystem::path dir;              // where the artifacts went
  std::vector<std::string> files;         // every file written completely
  std::vector<std::string> write_errors;  // "PATH: cannot write (reason)", one per failed file
};

// wanted_dir (empty: artifacts/<model>-<endpoint_type>-<stimulus>) gets a numbered sibling when it
// exists already. command is already redacted.
// interrupts counts Ctrl-C presses (see engine::RunCase).
base::Expected<SessionResult> RunProfileSession(
    const options::ProfileFlags& flags, const std::string& command,
    const std::filesystem::path& wanted_dir, const std::atomic<int>& interrupts,
    const std::function<void(const engine::Progress&)>& on_progress);

// The embedded mock when the plan asks for one (--url mock), started on a free loopback port with
// the plan's URLs pointed at it; null when the plan targets a server.
base::Expected<std::unique_ptr<mock::MockServer>> StartMockIfAsked(const options::ProfileFlags& f,
                                                                   options::ProfilePlan& plan);

using reporters::Rfc3339;

// Why a finished run counts as failed (exit 1), or "": no request succeeded, or more failed
// than --max-error-rate allows.
std::string RunFailure(const metrics::CaseSummary& summary, double max_error_rate);

// A name made safe as one folder name: '/', ':' and ' ' become '_'.
std::string SafeName(std::string name);

// Notes which files were written completely and which failed ("PATH: reason").
struct Written {
  std::vector<std::string>& files;
  std::vector<std::string>& errors;
  void Add(const std::filesystem::path& file, const base::Status& status);
};
// Every file the run's exporters write (reporters::RunExporters()), into dir.
void WriteExports(const std::filesystem::path& dir, const reporters::FinishedRun& run,
                  const reporters::ExportChoice& choice, Written& written);
// A new directory for a run's results: the one wanted, or a numbered sibling when it exists, so
// an earlier run is never overwritten. `flag` names where the path came from, for the error.
base::Expected<std::filesystem::path> FreshDirectory(const std::filesystem::path& wanted,
                                                     const std::string& flag);

}  // namespace servebench::cli
