// Exact-ISL prompts against a tokenizer that misbehaves: the slice asked for never runs past the
// corpus, and a length the tokenizer cannot reach is a clear error after a bounded number of
// tries.
#include "runner/inputs/prompts.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace servebench::inputs {
namespace {

// One token per space-separated word; Decode answers "" (as a server's /detokenize may) and
// remembers the most ids it was asked to decode at once.
class EmptyDecoder : public tokenizers::Tokenizer {
 public:
  std::vector<int> Encode(std::string_view text) const override {
    std::vector<int> ids;
    bool in_word = false;
    for (char c : text) {
      if (c != ' ' && !in_word) ids.push_back(static_cast<int>(ids.size()));
      in_word = c != ' ';
    }
    return ids;
  }
  std::string Decode(const std::vector<int>& ids) const override {
    most_ = std::max(most_, ids.size());
    ++calls_;
    return "";
  }
  std::vector<int> WholeWordIds() const override { return {}; }
  std::string WordText(int) const override { return ""; }
  bool ImpliesLeadingSpace() const override { return false; }

  mutable size_t most_ = 0;
  mutable int calls_ = 0;
};

TEST(Prompts, ATokenizerThatCannotReachTheLengthIsAnErrorNotAnEndlessSlice) {
  EmptyDecoder tokenizer;
  PromptOptions o;
  o.isl = 100;
  auto prompts = MakePrompts(o, &tokenizer);
  ASSERT_FALSE(prompts);
  EXPECT_EQ(prompts.error().message,
            "--isl 100: cannot build a prompt of exactly that many tokens (the tokenizer's decode "
            "and encode do not agree; check --tokenizer)");
  // Each slice stays within the generated corpus (256 KiB: fewer words than half its bytes),
  // where it used to grow by the shortfall at every step, and the tries are bounded (16 x 8).
  EXPECT_GE(tokenizer.most_, 100u);
  EXPECT_LT(tokenizer.most_, 128u * 1024);
  EXPECT_LE(tokenizer.calls_, 16 * 8);
}

}  // namespace
}  // namespace servebench::inputs
