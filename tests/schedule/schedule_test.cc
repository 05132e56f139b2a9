// Schedules are pure functions of progress, checked without a clock.
#include "runner/schedule/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace servebench::schedule {
namespace {

// The two-sided Kolmogorov-Smirnov p-value (asymptotic series) of a sample against a CDF.
template <class Cdf>
double KsPValue(std::vector<double> sample, Cdf cdf) {
  std::sort(sample.begin(), sample.end());
  const double n = static_cast<double>(sample.size());
  double d = 0;
  for (size_t i = 0; i < sample.size(); ++i) {
    const double f = cdf(sample[i]);
    d = std::max({d, (i + 1) / n - f, f - i / n});
  }
  const double lambda = (std::sqrt(n) + 0.12 + 0.11 / std::sqrt(n)) * d;
  double p = 0;
  for (int k = 1; k < 100; ++k)
    p += 2 * std::pow(-1, k - 1) * std::exp(-2 * k * k * lambda * lambda);
  return std::clamp(p, 0.0, 1.0);
}

TEST(Gaps, PoissonGapsPassAKsTestAgainstTheExponential) {
  Gaps gaps(Arrival::kPoisson, 100, 1, 42);
  std::vector<double> sample;
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    sample.push_back(gaps.NextNs() / 1e9);
    sum += sample.back();
  }
  EXPECT_GT(KsPValue(sample, [](double x) { return 1 - std::exp(-100 * x); }), 0.01);
  EXPECT_NEAR(sum / 10000, 0.01, 0.0001);  // stratified: the mean gap is 1 / rate within 1 %
}

TEST(Gaps, GammaAndConstantGapsHaveTheMeanOfTheRate) {
  for (Arrival a : {Arrival::kGamma, Arrival::kConstant}) {
    Gaps gaps(a, 50, 0.5, 7);
    double sum = 0;
    for (int i = 0; i < 10000; ++i) sum += gaps.NextNs() / 1e9;
    EXPECT_NEAR(sum / 10000, 0.02, 0.001);
  }
}

TEST(Gaps, TheSameSeedGivesTheSameGaps) {
  Gaps a(Arrival::kPoisson, 10, 1, 3), b(Arrival::kPoisson, 10, 1, 3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.NextNs(), b.NextNs());
}

TEST(Schedule, ClosedLoopKeepsConcurrencyInFlightAndStopsAtTheCount) {
  auto s = MakeSchedule({4, 0, Arrival::kPoisson, 1, 10, 0, {}}, 0);
  EXPECT_EQ(s->Next({5, 0, 0}).kind, Due::Kind::kAt);
  EXPECT_EQ(s->Next({5, 0, 0}).at_ns, 5);
  EXPECT_EQ(s->Next({5, 3, 4}).kind, Due::Kind::kWhenSlotFrees);
  EXPECT_EQ(s->Next({5, 10, 0}).kind, Due::Kind::kStop);
}

TEST(Schedule, OpenLoopTimesAreAbsoluteAndDoNotDrift) {
  auto s = MakeSchedule({0, 1000, Arrival::kConstant, 1, 0, 0, {}}, 5'000);
  int64_t now = 5'000;
  for (int k = 0; k < 100; ++k) {
    const Due due = s->Next({now, static_cast<uint64_t>(k), 0});
    EXPECT_EQ(due.at_ns, 5'000 + k * 1'000'000);
    now = due.at_ns + 300'000;  // each start 0.3 ms late: later due times do not move
    s->Started({now, static_cast<uint64_t>(k + 1), 0});
  }
}

TEST(Schedule, OpenLoopReanchorsWhenFarBehindInsteadOfBursting) {
  auto s = MakeSchedule({0, 1000, Arrival::kConstant, 1, 0, 0, {}}, 0);
  EXPECT_EQ(s->Next({0, 0, 0}).at_ns, 0);
  s->Started({50'000'000, 1, 0});  // started 50 ms late
  EXPECT_EQ(s->Next({50'000'000, 1, 0}).at_ns, 51'000'000);
}

TEST(Schedule, ACappedArrivalWaitsForASlotAndKeepsItsIntendedTime) {
  auto s = MakeSchedule({2, 1000, Arrival::kConstant, 1, 0, 0, {}}, 0);
  const Due due = s->Next({0, 0, 2});
  EXPECT_EQ(due.kind, Due::Kind::kWhenSlotFrees);
  EXPECT_EQ(due.at_ns, 0);
}

TEST(Schedule, ARateRampRisesLinearlyToTheRate) {
  // Constant arrivals at 100/s on the steady clock (every 10 ms), ramped over 1 s: the k-th
  // arrival is due where the ramp's cumulative intensity 100 t^2 / 2 reaches k, sqrt(k / 50) s,
  // and after the ramp at the steady times shifted by half the ramp.
  LoadShape shape{0, 100, Arrival::kConstant, 1, 0, 0, {}};
  shape.rate_ramp_s = 1;
  auto s = MakeSchedule(shape, 0);
  std::vector<int64_t> due;
  for (uint64_t k = 0; k < 80; ++k) {
    const Due d = s->Next({0, k, 0});
    due.push_back(d.at_ns);
    s->Started({d.at_ns, k + 1, 0});
  }
  for (uint64_t k : {1, 8, 49}) {
    EXPECT_EQ(due[k], std::llround(std::sqrt(static_cast<double>(k) / 50) * 1e9)) << k;
  }
  EXPECT_EQ(due[50], 1'000'000'000);         // the ramp ends with the 50th arrival
  EXPECT_EQ(due[79] - due[78], 10'000'000);  // then the full rate
}

TEST(Schedule, AConcurrencyRampOpensOneSlotAtATime) {
  LoadShape shape{5, 0, Arrival::kPoisson, 1, 0, 0, {}};
  shape.concurrency_ramp_s = 1;  // slots open at 0, 250, 500, 750 and 1000 ms
  auto s = MakeSchedule(shape, 1'000);
  EXPECT_EQ(s->Next({1'000, 0, 0}).at_ns, 1'000);
  const Due second = s->Next({1'000, 1, 1});
  EXPECT_EQ(second.kind, Due::Kind::kAt);
  EXPECT_EQ(second.at_ns, 1'000 + 250'000'000);
  EXPECT_EQ(s->Next({600'000'000, 3, 2}).at_ns, 600'000'000);  // the third opened at 500 ms
  EXPECT_EQ(s->Next({600'000'000, 4, 3}).at_ns, 1'000 + 750'000'000);
  EXPECT_EQ(s->Next({2'000'000'000, 9, 5}).kind, Due::Kind::kWhenSlotFrees);
}

TEST(Schedule, AFixedScheduleKeepsTheTracesTimesEvenWhenLate) {
  auto s = MakeSchedule({0, 0, Arrival::kPoisson, 1, 0, 0, {0, 5, 5, 90}}, 100);
  EXPECT_EQ(s->Next({0, 0, 0}).at_ns, 100);
  EXPECT_EQ(s->Next({500, 1, 1}).at_ns, 105);  // late: still its own time, not re-anchored
  EXPECT_EQ(s->Next({500, 3, 1}).at_ns, 190);
  EXPECT_EQ(s->Next({500, 4, 1}).kind, Due::Kind::kStop);
}

}  // namespace
}  // namespace servebench::schedule
