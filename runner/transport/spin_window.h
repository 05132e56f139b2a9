// How long before a deadline the event loop stops sleeping and polls without sleeping: the
// timer wakes a thread late (tens of microseconds, more on a busy virtual machine), and a
// scheduled start must not inherit that lateness. The window is learned from this machine's
// own wake-ups as the loop runs.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace servebench::transport {

class SpinWindow {
 public:
  static constexpr int64_t kFirstNs = 150'000;  // before anything is measured
  static constexpr int64_t kLeastNs = 20'000;
  static constexpr int64_t kMostNs = 2'000'000;  // past it, spinning costs more than it saves

  int64_t ns() const { return window_ns_; }

  // A timer set for a deadline fired late_ns after it. Every 32 wake-ups the window becomes
  // 1.5 times the 99th percentile of the last 256 latenesses, within [kLeastNs, kMostNs].
  void Woke(int64_t late_ns) {
    late_[seen_ % late_.size()] = std::max<int64_t>(0, late_ns);
    if (++seen_ % 32 != 0) return;
    std::array<int64_t, 256> sorted = late_;
    const size_t n = std::min(seen_, late_.size());
    const size_t p99 = n * 99 / 100;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(p99),
                     sorted.begin() + static_cast<long>(n));
    window_ns_ = std::clamp(sorted[p99] * 3 / 2, kLeastNs, kMostNs);
  }

 private:
  std::array<int64_t, 256> late_{};
  size_t seen_ = 0;
  int64_t window_ns_ = kFirstNs;
};

}  // namespace servebench::transport
