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

}  // namespace
}  // namespace servebench::schedule
