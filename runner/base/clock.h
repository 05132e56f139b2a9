// Time for servebench: one monotonic clock in nanoseconds for every duration, wall time only to
// place a run on a calendar.
#pragma once

#include <time.h>

#include <cerrno>
#include <cstdint>

namespace servebench::base {

inline int64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

inline int64_t WallNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Sleeps until an absolute CLOCK_MONOTONIC time, so a sequence of waits never drifts.
inline void SleepUntilNs(int64_t due_ns) {
  timespec ts{static_cast<time_t>(due_ns / 1'000'000'000),
              static_cast<long>(due_ns % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

// The engine's view of time, so its schedule, cancellation, grace period and Ctrl-C handling
// can run on a fake clock in tests (tests/support/fakes.h) with exact expectations.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t Now() const = 0;  // CLOCK_MONOTONIC ns, or a fake's
};

class SystemClock : public Clock {
 public:
  int64_t Now() const override { return MonotonicNs(); }
};

}  // namespace servebench::base
