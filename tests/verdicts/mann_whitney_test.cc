#include "runner/verdicts/mann_whitney.h"

#include <gtest/gtest.h>

namespace servebench::verdicts {
namespace {

TEST(MannWhitney, FiveAgainstFiveAllWorseIsOneIn252) {
  EXPECT_DOUBLE_EQ(MannWhitneyGreaterP({6, 7, 8, 9, 10}, {1, 2, 3, 4, 5}), 1.0 / 252);
}

TEST(MannWhitney, KnownExactValues) {
  // Interleaved samples: 28 of the 252 splits reach the observed rank sum (scipy agrees: 1/9).
  EXPECT_DOUBLE_EQ(MannWhitneyGreaterP({3, 5, 7, 9, 11}, {1, 2, 4, 6, 8}), 1.0 / 9);
  // Every value smaller: every split is at least as large.
  EXPECT_DOUBLE_EQ(MannWhitneyGreaterP({1, 2, 3}, {4, 5, 6, 7}), 1.0);
  // The other direction of the first case is the complement's extreme.
  EXPECT_DOUBLE_EQ(MannWhitneyGreaterP({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}), 1.0);
}

TEST(MannWhitney, TiesUseMidRanks) {
  // Counted by enumerating all 70 splits with mid-ranks: 17 reach the observed sum.
  EXPECT_DOUBLE_EQ(MannWhitneyGreaterP({2, 2, 3, 4}, {1, 2, 2, 3}), 17.0 / 70);
  EXPECT_DOUBLE_EQ(MannWhitneyGreaterP({5, 5, 5}, {5, 5, 5}), 1.0);
}

}  // namespace
}  // namespace servebench::verdicts
