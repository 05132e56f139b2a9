// The tokenizer's regex: a match PCRE2 gives up on is an error naming the pattern, never read as
// "no more matches" (which would cut the rest of the text differently, silently).
#include "runner/tokenizers/regex.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace servebench::tokenizers {
namespace {

TEST(Regex, AMatchLimitErrorIsAnErrorNotTheEndOfTheMatches) {
  auto regex = Regex::Compile("(a+)+b", false);
  ASSERT_TRUE(regex) << regex.error().message;
  std::vector<std::pair<size_t, size_t>> spans;
  try {
    (*regex)->Matches(std::string(64, 'a') + "cb", spans);
    FAIL() << "no error; " << spans.size() << " matches";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("tokenizer regex '(a+)+b' failed at byte 0: ", 0), 0u)
        << e.what();
  }
  spans.clear();
  (*regex)->Matches("aab cab", spans);  // an ordinary text still matches as before
  EXPECT_EQ(spans, (std::vector<std::pair<size_t, size_t>>{{0, 3}, {5, 7}}));
}

}  // namespace
}  // namespace servebench::tokenizers
