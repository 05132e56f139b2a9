// `servebench profile`: one run with AIPerf's flags, a console table and exported results.
#include <cstdio>

#include "reporters/console/console_table.h"
#include "runner/cli/commands.h"
#include "runner/cli/interrupts.h"
#include "runner/cli/profile_session.h"

namespace servebench::cli {

int ProfileCommand(const Args& args) {
  options::ProfileFlags f;
  base::FlagSet flags("profile");
  options::RegisterProfileFlags(flags, f);
  bool help = false;
  flags.Bool("--help", &help, "show this help");
  auto parsed = flags.Parse(args);
  if (!parsed) return Fail(parsed.error().message);
  if (help) {
    std::fputs(flags.Usage().c_str(), stdout);
    return 0;
  }
  if (!parsed->empty()) return Fail("profile: unexpected argument '" + parsed->front() + "'");

  std::vector<std::string> argv{"servebench", "profile"};
  argv.insert(argv.end(), args.begin(), args.end());
  InterruptScope interrupts;
  auto session = RunProfileSession(f, options::RedactedCommand(argv), f.artifact_dir,
                                   interrupts.count(), interrupts.ProgressLine());
  interrupts.EndProgressLine();
  if (!session) return Fail(session.error().message);
  std::fputs(reporters::ConsoleTable(session->report, session->files).c_str(), stdout);
  return session->outcome.was_cancelled ? 130 : 0;
}

}  // namespace servebench::cli
