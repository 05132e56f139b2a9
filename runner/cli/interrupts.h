// Ctrl-C during a run: the first press stops issuing requests and lets those in flight finish
// (up to the grace period); the second quits at once. Also the terminal's progress line.
#pragma once

#include <atomic>
#include <functional>

#include "runner/engine/run_case.h"

namespace servebench::cli {

class InterruptScope {
 public:
  InterruptScope();  // installs the SIGINT handler
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  const std::atomic<int>& count() const;
  bool interrupted() const { return count().load() > 0; }
  // Draws the progress line on a terminal; nothing when stderr is not one.
  std::function<void(const engine::Progress&)> ProgressLine() const;
  void EndProgressLine() const;  // a newline after the progress line, on a terminal
};

}  // namespace servebench::cli
