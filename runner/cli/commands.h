// The subcommands of the servebench binary. Each takes the arguments after its name and
// returns the process exit status.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::cli {

using Args = std::vector<std::string>;

// Prints a one-line error and returns 2, the status of bad usage or input.
inline int Fail(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  return 2;
}

// Prints a note a session says before its run ("the server ignored max_completion_tokens...").
inline void PrintNote(const std::string& note) { std::fprintf(stderr, "note: %s\n", note.c_str()); }

int MockCommand(const Args& args);
int CorpusCommand(const Args& args);
int TokenizeCommand(const Args& args);
int TraceCommand(const Args& args);
int ProfileCommand(const Args& args);
int RunCommand(const Args& args);
int ListCommand(const Args& args);
int CompareCommand(const Args& args);
int AnalyzeCommand(const Args& args);
int BaselineCommand(const Args& args);
int ReportCommand(const Args& args);

// "servebench run suites/x.yaml --label gpu=A": a command as typed, for a baseline's history.
std::string CommandText(const std::string& command, const Args& args);
// Notes an update of `baseline` in its history file: when, by whom, from which results file,
// which cases, by what command.
base::Status RecordBaselineUpdate(const std::filesystem::path& baseline, const std::string& from,
                                  const std::vector<std::string>& cases,
                                  const std::string& command);

}  // namespace servebench::cli
