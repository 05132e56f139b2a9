// Usage always equals what was sent; lengths follow ignore_eos, min_tokens and max tokens.
#include <gtest/gtest.h>
#include <sentencepiece_processor.h>

#include "mock/request_plan.h"
#include "tests/support/mock_fixture.h"

namespace servebench::testing {
namespace {

mock::MockOptions Instant() {
  mock::MockOptions o;
  o.ttft_ms = 0;
  o.itl_ms = 0;
  return o;
}

struct Streamed {
  int content_events = 0;
  int reasoning_events = 0;
  nlohmann::json usage;
  std::string finish_reason;
};

Streamed Collect(const HttpReply& reply) {
  Streamed s;
  bool seen_content = false;
  for (const auto& e : ReadSse(reply)) {
    if (e.data == "[DONE]") continue;
    const auto j = Json(e.data);
    if (j.contains("usage")) s.usage = j["usage"];
    if (j["choices"].empty()) continue;
    const auto& choice = j["choices"][0];
    if (!choice["finish_reason"].is_null()) s.finish_reason = choice["finish_reason"];
    const auto& delta = choice["delta"];
    if (delta.contains("reasoning_content")) {
      EXPECT_FALSE(seen_content) << "reasoning must come before the content";
      ++s.reasoning_events;
    }
    if (delta.contains("content") && !delta["content"].get<std::string>().empty()) {
      seen_content = true;
      ++s.content_events;
    }
  }
  return s;
}

TEST(MockTokens, IgnoreEosAndMinTokensMakeTheLengthExact) {
  RunningMock mock(Instant());
  const nlohmann::json usage_on = {{"include_usage", true}};
  for (int max : {1, 7, 50}) {
    const auto s = Collect(mock.Chat({{"stream", true},
                                      {"max_completion_tokens", max},
                                      {"ignore_eos", true},
                                      {"stream_options", usage_on}}));
    EXPECT_EQ(s.content_events, max);
    EXPECT_EQ(s.usage["completion_tokens"], max);
    EXPECT_EQ(s.finish_reason, "length");
  }
  const auto s = Collect(mock.Chat(
      {{"stream", true}, {"max_tokens", 40}, {"min_tokens", 40}, {"stream_options", usage_on}}));
  EXPECT_EQ(s.content_events, 40);
  EXPECT_EQ(s.usage["completion_tokens"], 40);
}

TEST(MockTokens, WithoutIgnoreEosTheLengthIsDeterministicAndAtMostTheMaximum) {
  mock::MockOptions o = Instant();
  for (uint64_t prompt = 0; prompt < 200; ++prompt) {
    const int64_t n = mock::OutputTokens(o, {20, 0, false}, prompt);
    EXPECT_GE(n, 10);
    EXPECT_LE(n, 20);
    EXPECT_EQ(n, mock::OutputTokens(o, {20, 0, false}, prompt));
    EXPECT_GE(mock::OutputTokens(o, {20, 15, false}, prompt), 15);
  }
  RunningMock mock(o);
  const auto s = Collect(mock.Chat({{"stream", true},
                                    {"max_completion_tokens", 30},
                                    {"stream_options", {{"include_usage", true}}}}));
  EXPECT_LE(s.content_events, 30);
  EXPECT_EQ(s.usage["completion_tokens"], s.content_events);
}

TEST(MockTokens, SeveralTokensPerChunkStillCountEveryToken) {
  mock::MockOptions o = Instant();
  o.tokens_per_chunk = 3;
  RunningMock mock(o);
  const auto s = Collect(mock.Chat({{"stream", true},
                                    {"max_completion_tokens", 10},
                                    {"ignore_eos", true},
                                    {"stream_options", {{"include_usage", true}}}}));
  EXPECT_EQ(s.content_events, 4);  // 3 + 3 + 3 + 1
  EXPECT_EQ(s.usage["completion_tokens"], 10);
}

TEST(MockTokens, ReasoningStreamsFirstAndIsCountedInUsage) {
  mock::MockOptions o = Instant();
  o.reasoning_tokens = 6;
  RunningMock mock(o);
  const auto s = Collect(mock.Chat({{"stream", true},
                                    {"max_completion_tokens", 4},
                                    {"ignore_eos", true},
                                    {"stream_options", {{"include_usage", true}}}}));
  EXPECT_EQ(s.reasoning_events, 6);
  EXPECT_EQ(s.content_events, 4);
  EXPECT_EQ(s.usage["completion_tokens"], 10);
  EXPECT_EQ(s.usage["completion_tokens_details"]["reasoning_tokens"], 6);
}

TEST(MockTokens, PromptTokensAreCountedExactlyWithTheTokenizer) {
  mock::MockOptions o = Instant();
  o.tokenizer = SERVEBENCH_TEST_TOKENIZER;
  RunningMock mock(o);
  sentencepiece::SentencePieceProcessor sp;
  ASSERT_TRUE(sp.Load(SERVEBENCH_TEST_TOKENIZER).ok());
  const std::string first = "Stoubrai hiond shea tre, lound mas.";
  const std::string second = "Vou bra kel tenda.";
  std::vector<int> a, b;
  ASSERT_TRUE(sp.Encode(first, &a).ok());
  ASSERT_TRUE(sp.Encode(second, &b).ok());
  const auto body = Json(mock.Chat({{"messages",
                                     {{{"role", "system"}, {"content", first}},
                                      {{"role", "user"}, {"content", second}}}},
                                    {"max_tokens", 2}})
                             .body);
  EXPECT_EQ(body["usage"]["prompt_tokens"], a.size() + b.size());
}

}  // namespace
}  // namespace servebench::testing
