// Every row of metrics.md §7, plus content rules of §2 and token rules of §3.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/metrics/distribution.h"
#include "runner/metrics/request_metrics.h"
#include "runner/metrics/summary.h"

namespace servebench::metrics {
namespace {

constexpr double kMs = 1e-6;  // the facts are in ns; metrics are in ms

std::string Delta(const std::string& text) {
  return R"({"choices":[{"index":0,"delta":{"content":")" + text + R"("}}]})";
}

records::Record Streamed(int64_t start, const std::vector<int64_t>& content_ns,
                         int64_t completion_tokens) {
  records::Record r;
  r.streaming = true;
  r.status = 200;
  r.start_ns = r.scheduled_ns = start;
  r.events.push_back(
      {start, R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})", false});
  for (int64_t ns : content_ns) r.events.push_back({ns, Delta("x"), false});
  const int64_t last = content_ns.empty() ? start : content_ns.back();
  if (completion_tokens >= 0) {
    r.events.push_back({last,
                        R"({"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":)" +
                            std::to_string(completion_tokens) + "}}",
                        false});
  }
  r.events.push_back({last, "[DONE]", false});
  r.end_ns = last + 1;
  return r;
}

TEST(MetricsFacts, TimeToFirstToken) {
  EXPECT_DOUBLE_EQ(*Measure(Streamed(100, {110}, 1), {}).time_to_first_token, 10 * kMs);
  EXPECT_DOUBLE_EQ(*Measure(Streamed(100, {105, 115}, 2), {}).time_to_first_token, 5 * kMs);
}

TEST(MetricsFacts, TimeToSecondToken) {
  EXPECT_DOUBLE_EQ(*Measure(Streamed(100, {105, 110, 130}, 3), {}).time_to_second_token, 5 * kMs);
}

TEST(MetricsFacts, RequestLatencyEndsAtTheLastContentNotDone) {
  EXPECT_DOUBLE_EQ(*Measure(Streamed(10, {15, 25, 35}, 3), {}).request_latency, 25 * kMs);
}

TEST(MetricsFacts, InterTokenLatency) {
  EXPECT_DOUBLE_EQ(*Measure(Streamed(100, {120, 200}, 6), {}).inter_token_latency, 16 * kMs);
  EXPECT_DOUBLE_EQ(*Measure(Streamed(1000, {1040, 1080, 1120}, 9), {}).inter_token_latency,
                   10 * kMs);
  EXPECT_FALSE(Measure(Streamed(100, {120}, 1), {}).inter_token_latency.has_value());
}

TEST(MetricsFacts, InterChunkLatency) {
  const auto m = Measure(Streamed(0, {100, 120, 125, 135}, 4), {});
  EXPECT_THAT(m.inter_chunk_latency,
              ::testing::ElementsAre(::testing::DoubleEq(20 * kMs), ::testing::DoubleEq(5 * kMs),
                                     ::testing::DoubleEq(10 * kMs)));
}

TEST(MetricsFacts, TokensPerSecondPerUser) {
  // ITL 0.1 s = 100 ms -> 10 tokens/s: start 0, content at 0.1 s and 0.3 s, OSL 3.
  const auto m = Measure(Streamed(0, {100'000'000, 300'000'000}, 3), {});
  EXPECT_DOUBLE_EQ(*m.inter_token_latency, 100);
  EXPECT_DOUBLE_EQ(*m.output_token_throughput_per_user, 10);
}

RequestMetrics Valid(int64_t start, int64_t end, double osl, double latency_ms = 0) {
  RequestMetrics m;
  m.start_ns = start;
  m.last_content_ns = end;
  m.output_sequence_length = osl;
  m.request_latency = latency_ms;
  return m;
}

TEST(MetricsFacts, BenchmarkDurationAndOutputThroughput) {
  auto s = Summarize({Valid(10, 15, 1), Valid(20, 25, 1), Valid(30, 40, 1)}, {});
  EXPECT_DOUBLE_EQ(s.Value("benchmark_duration")->value, 30e-9);
  s = Summarize({Valid(0, 1'000'000'000, 600), Valid(500'000'000, 2'000'000'000, 400)}, {});
  EXPECT_DOUBLE_EQ(s.Value("output_token_throughput")->value, 500);
}

TEST(MetricsFacts, GoodRequestCountIsInclusive) {
  SummaryOptions o;
  o.slos = *ParseGoodput("request_latency:250");
  const auto s = Summarize({Valid(0, 1, 1, 100), Valid(0, 1, 1, 300), Valid(0, 1, 1, 250)}, o);
  EXPECT_DOUBLE_EQ(s.Value("good_request_count")->value, 2);
}

// load.md: a capped arrival scheduled at 100 found every slot busy until 150 and left at 151:
// cap_wait 50, schedule_lag 1 (only the client's own lateness), latency_from_schedule from 100.
TEST(MetricsFacts, CapWaitIsNotScheduleLag) {
  records::Record r = Streamed(151, {171, 181}, 2);
  r.scheduled_ns = 100;
  r.ready_ns = 150;
  const auto m = Measure(r, {});
  EXPECT_DOUBLE_EQ(*m.cap_wait, 50 * kMs);
  EXPECT_DOUBLE_EQ(*m.schedule_lag, 1 * kMs);
  EXPECT_DOUBLE_EQ(*m.latency_from_schedule, 81 * kMs);
  records::Record uncapped = Streamed(151, {171}, 1);
  uncapped.scheduled_ns = 100;
  EXPECT_FALSE(Measure(uncapped, {}).cap_wait.has_value());
  EXPECT_DOUBLE_EQ(*Measure(uncapped, {}).schedule_lag, 51 * kMs);
}

TEST(MetricsFacts, PercentilesInterpolateLinearly) {
  const auto s = Summarize(std::vector<double>{4, 1, 3, 2});
  ASSERT_TRUE(s.has_value());
  EXPECT_DOUBLE_EQ(s->p50, 2.5);
  EXPECT_DOUBLE_EQ(s->p90, 3.7);
  EXPECT_DOUBLE_EQ(s->std, std::sqrt(1.25));  // population standard deviation
  EXPECT_FALSE(Summarize({}).has_value());    // empty is omitted, never zero-filled
}

TEST(MetricsContent, RoleUsageDoneCommentsAndMalformedAreNotContent) {
  records::Record r = Streamed(0, {50}, 1);
  r.events.insert(r.events.begin() + 1, {20, "{not json", false});
  r.events.insert(r.events.begin() + 1, {30, R"({"choices":[{"delta":{"content":" "}}]})", false});
  const auto m = Measure(r, {});
  EXPECT_DOUBLE_EQ(*m.time_to_first_token, 30 * kMs);  // whitespace is content
  EXPECT_EQ(m.malformed_events, 1);
  EXPECT_TRUE(m.valid());
}

TEST(MetricsContent, NoContentAndStreamErrorsAreErrors) {
  // A clean finish with nothing in it is the model's empty reply, apart from a broken stream.
  EXPECT_EQ(Measure(Streamed(0, {}, -1), {}).error->type, "empty_response");
  records::Record broken = Streamed(0, {}, -1);
  broken.events.pop_back();  // no [DONE], no finish_reason
  EXPECT_EQ(Measure(broken, {}).error->type, "no_content");
  records::Record r = Streamed(0, {5}, 1);
  r.events.push_back({6, R"({"error":{"message":"overloaded","type":"server_error"}})", false});
  EXPECT_EQ(Measure(r, {}).error->type, "stream");
  records::Record http;
  http.status = 429;
  http.body = R"({"error":{"message":"slow down","type":"rate_limit_exceeded"}})";
  const auto m = Measure(http, {});
  EXPECT_EQ(m.error->code, 429);
  EXPECT_EQ(m.error->type, "rate_limit_exceeded");
  EXPECT_EQ(m.error->message, "slow down");
}

TEST(MetricsTokens, UsageOnTheFinishChunkCountsAndTheLastUsageWins) {
  records::Record r = Streamed(0, {10, 20}, -1);
  r.events.insert(
      r.events.end() - 1,
      {20,
       R"({"choices":[{"delta":{"content":"y"},"finish_reason":"stop"}],"usage":{"completion_tokens":7}})",
       false});
  r.events.insert(
      r.events.end() - 1,
      {21,
       R"({"choices":[],"usage":{"completion_tokens":9,"completion_tokens_details":{"reasoning_tokens":2}}})",
       false});
  const auto m = Measure(r, {});
  EXPECT_DOUBLE_EQ(*m.output_sequence_length, 9);
  EXPECT_DOUBLE_EQ(*m.reasoning_token_count, 2);
}

TEST(MetricsTokens, NonStreamingHasOneContentResponseAndNoStreamingMetrics) {
  records::Record r;
  r.status = 200;
  r.start_ns = 0;
  r.end_ns = 40'000'000;
  r.body =
      R"({"choices":[{"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":4,"completion_tokens":2}})";
  const auto m = Measure(r, {});
  EXPECT_DOUBLE_EQ(*m.request_latency, 40);
  EXPECT_FALSE(m.time_to_first_token.has_value());
  EXPECT_DOUBLE_EQ(*m.output_sequence_length, 2);
  EXPECT_DOUBLE_EQ(*m.input_sequence_length, 4);  // no client tokenizer: the server's count
}

// A tokenizer that has stopped answering (--tokenizer server, the server gone).
class GoneTokenizer : public tokenizers::Tokenizer {
 public:
  std::vector<int> Encode(std::string_view) const override {
    throw std::runtime_error("--tokenizer server: gone");
  }
  std::string Decode(const std::vector<int>&) const override { return ""; }
  std::vector<int> WholeWordIds() const override { return {}; }
  std::string WordText(int) const override { return ""; }
  bool ImpliesLeadingSpace() const override { return false; }
};

TEST(MetricsTokens, AClientTokenizerThatFailsLeavesItsCountsAbsentNotZero) {
  GoneTokenizer gone;
  const auto m = Measure(Streamed(0, {10, 20}, -1),
                         {endpoints::EndpointType::kChat, TokenCountSource::kTokenizer, &gone});
  EXPECT_FALSE(m.output_sequence_length.has_value());
  EXPECT_FALSE(m.reasoning_token_count.has_value());
}

}  // namespace
}  // namespace servebench::metrics
