// The mock's prefix cache: whole leading blocks hit, a changed block ends the hit, the least
// recently used block leaves first, and a prompt found whole still computes its last block.
#include "mock/prefix_cache.h"

#include <gtest/gtest.h>

#include <numeric>

namespace servebench::mock {
namespace {

std::vector<uint64_t> Tokens(size_t count, uint64_t first = 0) {
  std::vector<uint64_t> t(count);
  std::iota(t.begin(), t.end(), first);
  return t;
}

TEST(PrefixCache, OnlyWholeLeadingBlocksSeenBeforeHit) {
  PrefixCache cache(1000, 4);
  EXPECT_EQ(cache.Admit(Tokens(10)), 0);  // cold
  auto longer = Tokens(14);
  EXPECT_EQ(cache.Admit(longer), 8);  // the two whole blocks of the first prompt
  auto changed = Tokens(14);
  changed[1] = 999;  // the first block differs, so nothing after it can hit
  EXPECT_EQ(cache.Admit(changed), 0);
  auto tail = Tokens(14);
  tail[13] = 999;  // only the partial last block differs
  EXPECT_EQ(cache.Admit(tail), 12);
}

TEST(PrefixCache, APromptFoundWholeStillComputesItsLastBlock) {
  PrefixCache cache(1000, 4);
  cache.Admit(Tokens(8));
  EXPECT_EQ(cache.Admit(Tokens(8)), 4);
}

TEST(PrefixCache, TheLeastRecentlyUsedBlockLeavesFirst) {
  PrefixCache cache(8, 4);      // two blocks
  cache.Admit(Tokens(5, 0));    // block A
  cache.Admit(Tokens(5, 100));  // block B
  cache.Admit(Tokens(5, 0));    // A used again: B is now the oldest
  cache.Admit(Tokens(5, 200));  // block C pushes B out
  EXPECT_EQ(cache.Admit(Tokens(5, 0)), 4);
  EXPECT_EQ(cache.Admit(Tokens(5, 100)), 0);
}

}  // namespace
}  // namespace servebench::mock
