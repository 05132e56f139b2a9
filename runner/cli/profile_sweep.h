// `servebench profile` sweeps, as AIPerf's: `--concurrency 1,2,4,8` (and lists of --request-rate,
// --isl, --osl) run one profile per value, every combination when several are lists, then write
// a suite run's files over them (results.json, results.csv, summary.md, report.html), so
// `servebench report`, `compare` and `report --history` read a sweep like any run.
#pragma once

#include <string>
#include <vector>

#include "runner/base/expected.h"
#include "runner/cli/commands.h"

namespace servebench::cli {

struct SweepAxis {
  std::string key;   // concurrency, request_rate, isl, osl
  std::string flag;  // as given: --concurrency, --synthetic-input-tokens-mean...
  std::vector<std::string> values;
};

// Takes the lists out of args (a value with a comma); none: not a sweep.
base::Expected<std::vector<SweepAxis>> TakeSweepLists(Args& args);

// Runs the profile of args (without the lists) once per combination of the axes' values.
int RunProfileSweep(const Args& args, const std::vector<SweepAxis>& axes);

}  // namespace servebench::cli
