// The spin window learns the timer's lateness on this machine: 1.5 times the p99 of the last
// 256 wake-ups, refreshed every 32, within its bounds.
#include "runner/transport/spin_window.h"

#include <gtest/gtest.h>

namespace servebench::transport {
namespace {

TEST(SpinWindow, FollowsTheTimersMeasuredLateness) {
  SpinWindow w;
  EXPECT_EQ(w.ns(), SpinWindow::kFirstNs);
  for (int i = 0; i < 31; ++i) w.Woke(40'000);
  EXPECT_EQ(w.ns(), SpinWindow::kFirstNs);  // not yet 32 wake-ups
  w.Woke(40'000);
  EXPECT_EQ(w.ns(), 60'000);
  // A loaded machine: one wake-up in 20 is 1 ms late. The p99 of the last 256 is then 1 ms.
  for (int i = 0; i < 256; ++i) w.Woke(i % 20 == 0 ? 1'000'000 : 30'000);
  EXPECT_EQ(w.ns(), 1'500'000);
  // Quiet again: once the late ones have left the last 256, the window shrinks.
  for (int i = 0; i < 256; ++i) w.Woke(30'000);
  EXPECT_EQ(w.ns(), 45'000);
}

TEST(SpinWindow, StaysWithinItsBounds) {
  SpinWindow w;
  for (int i = 0; i < 64; ++i) w.Woke(-5);  // a clock read before the deadline counts as 0
  EXPECT_EQ(w.ns(), SpinWindow::kLeastNs);
  for (int i = 0; i < 256; ++i) w.Woke(50'000'000);
  EXPECT_EQ(w.ns(), SpinWindow::kMostNs);
}

}  // namespace
}  // namespace servebench::transport
