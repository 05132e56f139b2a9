// What a long suite shows while it runs: case k of n, the repetition, the time elapsed and an
// estimate of the time left, and the running repetition's live request rate and errors.
// `bar` redraws one line on a terminal; `plain` writes a line when a repetition starts and at
// most one every 10 s while it runs (CI logs); `none` writes nothing.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "runner/base/clock.h"
#include "runner/base/expected.h"
#include "runner/engine/run_case.h"

namespace servebench::cli {

enum class ProgressMode { kNone, kPlain, kBar };

// none, plain or bar; auto is bar on a terminal and plain elsewhere.
base::Expected<ProgressMode> ParseProgressMode(const std::string& text, bool terminal);

class SuiteProgress {
 public:
  // repetitions: of all the cases this run will run, for the estimate of the time left.
  SuiteProgress(ProgressMode mode, int64_t repetitions, const base::Clock& clock, FILE* out);

  void StartCase(const std::string& name, size_t number, size_t count);
  void StartRepetition(int64_t repetition, int64_t repetitions);
  // The engine's progress callback for the running repetition (null for none).
  std::function<void(const engine::Progress&)> Live();
  void EndRepetition();

 private:
  std::string Header() const;
  void Write(const std::string& line, const engine::Progress* live);

  ProgressMode mode_;
  int64_t total_, done_ = 0;
  const base::Clock& clock_;
  FILE* out_;
  int64_t start_ns_, last_plain_ns_ = 0;
  std::string case_name_;
  size_t case_number_ = 0, case_count_ = 0;
  int64_t repetition_ = 0, repetitions_ = 0;
};

// "1:05", "12:00:03": a duration for people.
std::string DurationText(int64_t ns);

}  // namespace servebench::cli
