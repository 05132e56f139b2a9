// The verdict rule of suites.md: each gate of each case judged against a baseline (or against
// an absolute limit), a case's verdict its worst gate's, the suite's its worst case's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/base/expected.h"
#include "runner/results/case_result.h"
#include "runner/suite/suite.h"

namespace servebench::verdicts {

// From mildest to most severe; "worst" is the largest.
enum class Outcome { kImproved, kPass, kNew, kMissing, kInconclusive, kFail, kInvalid };
const char* Name(Outcome o);

struct GateVerdict {
  std::string metric;  // as written in the suite
  Outcome outcome = Outcome::kPass;
  std::optional<double> baseline, value;  // medians over repetitions
  std::optional<double> delta;            // relative change, positive = worse
  std::optional<double> p_value;          // when the U test ran
  std::string note;
  std::optional<double> tolerance = std::nullopt;  // the relative tolerance applied
};

struct CaseVerdict {
  std::string name;
  Outcome outcome = Outcome::kPass;
  std::vector<GateVerdict> gates;
  std::string note;  // why, for INVALID, MISSING, NEW and failed cases
};

struct SuiteVerdict {
  Outcome outcome = Outcome::kPass;
  std::vector<CaseVerdict> cases;
  // Set by the runner before the verdict is reported: the run was stopped by a signal, and the
  // process's exit status (which then is 128 + the signal).
  bool interrupted = false;
  int exit_code = 0;
  // The baseline measured something else (labels, client machine): reported with the verdict.
  std::vector<std::string> warnings;
  // --require-same-labels: every case is INVALID, with the labels that differ as its note.
  void Invalidate(const std::string& why);
  // 0 pass, 1 FAIL (and INCONCLUSIVE with strict), 3 INVALID; FAIL outranks INVALID.
  int ExitCode(bool strict) const;
};

// Refuses gates on metrics a run cannot produce, naming the place in the suite file.
base::Status CheckGates(const std::vector<suite::Gate>& gates);

// The gates `compare` applies without --gates: the medians of TTFT, ITL and request latency
// (lower is better, 5 %) and output token throughput (higher is better, 5 %).
std::vector<suite::Gate> DefaultGates();

// baseline is null when there is none: every case is NEW (absolute gates still apply).
SuiteVerdict Judge(const std::vector<results::CaseResult>* baseline,
                   const std::vector<results::CaseResult>& run,
                   const std::vector<suite::Gate>& gates);

}  // namespace servebench::verdicts
