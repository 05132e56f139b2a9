// Stopping a run: the first SIGINT (Ctrl-C), SIGTERM (timeout, CI runners, docker stop) or SIGHUP
// stops issuing requests and lets those in flight finish (up to the grace period), so the
// results gathered so far are written; the exit status is then 128 + that signal. A second
// signal quits at once. Also the terminal's progress line.
#pragma once

#include <atomic>
#include <functional>

#include "runner/engine/run_case.h"

namespace servebench::cli {

class InterruptScope {
 public:
  InterruptScope();  // installs the handlers
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  const std::atomic<int>& count() const;
  bool interrupted() const { return count().load() > 0; }
  // 128 + the first signal received (130 for SIGINT, 143 SIGTERM, 129 SIGHUP); 0 when none.
  int exit_code() const;
  // Draws the progress line on a terminal; nothing when stderr is not one.
  std::function<void(const engine::Progress&)> ProgressLine() const;
  void EndProgressLine() const;  // a newline after the progress line, on a terminal
};

}  // namespace servebench::cli
