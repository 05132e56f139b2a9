// --seq-dist: pairs parsed or refused with the fix, and drawn with their weights, each prompt
// exactly its ISL in the tokenizer.
#include <gtest/gtest.h>

#include <map>

#include "runner/inputs/prompts.h"

namespace servebench::inputs {
namespace {

TEST(SeqDist, ParsesPairsAndRefusesWhatItCannotRead) {
  auto points = ParseSeqDist("128,64:25;512,128:50;1024,256:25");
  ASSERT_TRUE(points);
  ASSERT_EQ(points->size(), 3u);
  EXPECT_EQ((*points)[1].isl, 512);
  EXPECT_EQ((*points)[1].osl, 128);
  EXPECT_EQ((*points)[1].weight, 50);
  for (const char* bad : {"128:25", "128,64", "128,64:0", "0,64:1", "a,b:c", "128,64:25x", ""}) {
    auto refused = ParseSeqDist(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("--seq-dist"), std::string::npos);
  }
}

TEST(SeqDist, PromptsFollowTheWeightsWithExactLengths) {
  auto tokenizer = Tokenizer::Load(SERVEBENCH_TEST_TOKENIZER);
  ASSERT_TRUE(tokenizer);
  PromptOptions o;
  o.seq_dist = *ParseSeqDist("16,4:25;64,8:75");
  o.count = 1000;
  o.seed = 3;
  auto prompts = MakePrompts(o, tokenizer->get());
  ASSERT_TRUE(prompts) << prompts.error().message;
  std::map<std::pair<int64_t, int64_t>, int> seen;
  for (const auto& p : *prompts) {
    ++seen[{p.input_tokens, p.max_tokens}];
    EXPECT_EQ((*tokenizer)->Count(p.text), p.input_tokens);
  }
  ASSERT_EQ(seen.size(), 2u);
  const int small = seen[{16, 4}], large = seen[{64, 8}];
  EXPECT_NEAR(small, 250, 45);  // binomial: 1000 x 0.25, about 3.3 sigma
  EXPECT_NEAR(large, 750, 45);
}

}  // namespace
}  // namespace servebench::inputs
