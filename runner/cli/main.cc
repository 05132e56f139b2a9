// servebench: load-tests OpenAI-compatible inference servers. This file only dispatches.
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "runner/base/version.h"
#include "runner/cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: servebench COMMAND [flags]\n"
    "commands:\n"
    "  profile   load-test a server once and report its metrics (AIPerf's flags)\n"
    "  run       run a YAML suite of cases, compare with its baseline, write verdicts\n"
    "  list      print the case names of a suite\n"
    "  compare   judge two results.json files by the verdict rules\n"
    "  baseline  show a baseline, take a run's cases into it, or diff two baselines\n"
    "  report    a stored run's report.html again, or many runs as nightly trends\n"
    "  analyze   compute a run's metrics again from its records (or merge several runs)\n"
    "  mock      run the built-in OpenAI-compatible mock server\n"
    "  corpus    print the generated prompt corpus (text for tokenizers and prompts)\n"
    "  tokenize  count or list a text's tokens with any --tokenizer form\n"
    "  trace     print a synthetic Mooncake-format trace with shared prefixes\n"
    "  version   print the version\n"
    "'servebench COMMAND --help' lists a command's flags.\n";

}  // namespace

int Dispatch(int argc, char** argv) {
  using namespace servebench::cli;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  const Args args(argv + 2, argv + argc);
  if (command == "profile") return ProfileCommand(args);
  if (command == "run") return RunCommand(args);
  if (command == "list") return ListCommand(args);
  if (command == "compare") return CompareCommand(args);
  if (command == "baseline") return BaselineCommand(args);
  if (command == "report") return ReportCommand(args);
  if (command == "analyze") return AnalyzeCommand(args);
  if (command == "mock") return MockCommand(args);
  if (command == "corpus") return CorpusCommand(args);
  if (command == "tokenize") return TokenizeCommand(args);
  if (command == "trace") return TraceCommand(args);
  if (command == "version" || command == "--version") {
    std::printf("servebench %s\n", servebench::base::kVersion);
    return 0;
  }
  std::fprintf(stderr, "servebench: unknown command '%s'\n%s", command.c_str(), kUsage);
  return 2;
}

// Every error is a one-line message and exit 2, never an abort: an exception that escaped its
// layer is still bad input or an environment problem, said plainly.
int main(int argc, char** argv) {
  try {
    return Dispatch(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "servebench: error: out of memory (check sizes such as --isl)\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "servebench: error: %s\n", e.what());
  }
  return 2;
}
