// `servebench profile`: one run with AIPerf's flags, a console table and exported results; a
// sweep (profile_sweep.h) when --concurrency, --request-rate, --isl or --osl is a list.
#include <cstdio>

#include "reporters/console/console_table.h"
#include "runner/cli/commands.h"
#include "runner/cli/interrupts.h"
#include "runner/cli/profile_sweep.h"
#include "runner/session/profile_session.h"

namespace servebench::cli {

int ProfileCommand(const Args& args) {
  options::ProfileFlags f;
  base::FlagSet flags("profile");
  options::RegisterProfileFlags(flags, f);
  bool help = false;
  flags.Bool("--help", &help, "show this help");
  Args swept = args;
  auto sweep = TakeSweepLists(swept);
  if (!sweep) return Fail(sweep.error().message);
  auto parsed = flags.Parse(sweep->empty() ? args : swept);
  if (!parsed) return Fail(parsed.error().message);
  if (help) {
    std::fputs(flags.Usage().c_str(), stdout);
    return 0;
  }
  if (!parsed->empty()) return Fail("profile: unexpected argument '" + parsed->front() + "'");
  if (!sweep->empty()) return RunProfileSweep(swept, *sweep);

  std::vector<std::string> argv{"servebench", "profile"};
  argv.insert(argv.end(), args.begin(), args.end());
  InterruptScope interrupts;
  auto session =
      session::RunProfileSession(f, options::RedactedCommand(argv), f.artifact_dir,
                                 interrupts.count(), {PrintNote, interrupts.ProgressLine()});
  interrupts.EndProgressLine();
  if (!session) {
    // A signal while loading (an input file, a download) ends the command with its status.
    std::fprintf(stderr, "%s\n", session.error().message.c_str());
    return interrupts.interrupted() ? interrupts.exit_code() : 2;
  }
  std::fputs(reporters::ConsoleTable(session->report, session->files).c_str(), stdout);
  std::fflush(stdout);
  if (!session->write_errors.empty()) {
    for (const auto& e : session->write_errors) std::fprintf(stderr, "error: %s\n", e.c_str());
    std::string kept;
    for (const auto& file : session->files) kept += " " + file;
    return Fail("servebench: some results could not be written; kept: the console table above" +
                (kept.empty() ? std::string() : " and" + kept));
  }
  if (interrupts.interrupted()) return interrupts.exit_code();
  if (const std::string failed = session::RunFailure(session->report.summary, f.max_error_rate);
      !failed.empty()) {
    std::fprintf(stderr, "servebench: the run failed: %s\n", failed.c_str());
    return 1;
  }
  return 0;
}

}  // namespace servebench::cli
