// How many stop signals (Ctrl-C, SIGTERM, SIGHUP) the process has received. The CLI's handler
// counts them; work that can take long before any load is sent (reading a big input file, a
// download) looks at it between steps, so a signal is honoured at once there too.
#pragma once

#include <atomic>

namespace servebench::base {

inline std::atomic<int>& StopSignals() {
  static std::atomic<int> count{0};
  return count;
}

inline bool StopRequested() { return StopSignals().load(std::memory_order_relaxed) > 0; }

}  // namespace servebench::base
