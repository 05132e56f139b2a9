// The subcommands of the servebench binary. Each takes the arguments after its name and
// returns the process exit status.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace servebench::cli {

using Args = std::vector<std::string>;

// Prints a one-line error and returns 2, the status of bad usage or input.
inline int Fail(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  return 2;
}

int MockCommand(const Args& args);
int CorpusCommand(const Args& args);
int TokenizeCommand(const Args& args);
int TraceCommand(const Args& args);
int ProfileCommand(const Args& args);
int RunCommand(const Args& args);
int ListCommand(const Args& args);
int CompareCommand(const Args& args);
int AnalyzeCommand(const Args& args);

}  // namespace servebench::cli
