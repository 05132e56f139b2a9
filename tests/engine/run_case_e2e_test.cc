// The engine against the mock over real loopback HTTP.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "runner/engine/run_case.h"
#include "runner/metrics/measuring_sink.h"
#include "runner/metrics/summary.h"
#include "tests/support/mock_fixture.h"
#include "tests/support/send_log_reader.h"

namespace servebench::engine {
namespace {

using testing::RunningMock;

struct RunResult {
  CaseOutcome outcome;
  std::vector<metrics::RequestMetrics> measured;
};

RunResult RunAgainst(RunningMock& mock, CaseOptions o, const std::vector<inputs::Prompt>& prompts,
                     const tokenizers::Tokenizer* tokenizer = nullptr) {
  o.url = "http://127.0.0.1:" + std::to_string(mock.port()) + "/v1/chat/completions";
  metrics::MeasuringSink measuring({o.type, metrics::TokenCountSource::kAuto, tokenizer}, nullptr);
  records::AsyncSink sink(measuring);
  std::atomic<int> interrupts{0};
  auto outcome = RunCase(o, prompts, sink, interrupts);
  sink.Close();
  EXPECT_TRUE(outcome.ok());
  return {*outcome, measuring.Take()};
}

CaseOptions Streaming(int64_t concurrency, uint64_t count) {
  CaseOptions o;
  o.body.model = "m";
  o.body.streaming = true;
  o.body.extra = {{"ignore_eos", true}};
  o.load.concurrency = concurrency;
  o.request_count = count;
  return o;
}

TEST(RunCaseE2e, ExactLengthsAndTtftMatchTheMocksSendLog) {
  mock::MockOptions m;
  m.ttft_ms = 20;
  m.itl_ms = 2;
  m.tokenizer = SERVEBENCH_TEST_TOKENIZER;
  m.send_log =
      (std::filesystem::temp_directory_path() / ("e2e-" + std::to_string(getpid()) + ".jsonl"))
          .string();
  auto tokenizer = tokenizers::Tokenizer::Load(SERVEBENCH_TEST_TOKENIZER);
  ASSERT_TRUE(tokenizer.ok());
  inputs::PromptOptions p;
  p.isl = 64;
  p.osl = 12;
  p.count = 40;
  auto prompts = inputs::MakePrompts(p, tokenizer->get());
  ASSERT_TRUE(prompts.ok()) << prompts.error().message;
  RunResult run;
  {
    RunningMock mock(m);
    run = RunAgainst(mock, Streaming(8, 40), *prompts, tokenizer->get());
  }
  ASSERT_EQ(run.measured.size(), 40u);
  std::map<std::string, const metrics::RequestMetrics*> by_id;
  for (const auto& r : run.measured) {
    ASSERT_TRUE(r.valid()) << r.error->message;
    EXPECT_EQ(*r.input_sequence_length, 64);
    EXPECT_EQ(*r.server_input_sequence_length, 64);  // the mock counts with the same tokenizer
    EXPECT_EQ(*r.output_sequence_length, 12);
    EXPECT_EQ(r.inter_chunk_latency.size(), 11u);
    by_id[std::to_string(r.request_id)] = &r;
  }
  // The client's first-content time is at or after the mock's send time (an invariant; how
  // close it is on a quiet machine is measured by bench/check_profile.py, not asserted here).
  for (const auto& sent : testing::ReadSendLog(m.send_log)) {
    const auto* r = by_id.at(sent.request_id);
    const double sent_after_start_ms = (sent.ContentNs()[0] - r->start_ns) / 1e6;
    EXPECT_GE(*r->time_to_first_token, sent_after_start_ms);
  }
  std::filesystem::remove(m.send_log);
}

TEST(RunCaseE2e, EveryFaultIsCountedUnderItsOwnTypeAndNoSuccessIsLost) {
  mock::MockOptions m;
  m.ttft_ms = 1;
  m.itl_ms = 0.2;
  m.seed = 3;
  m.error_rate = 0.1;
  m.rate_limit_rate = 0.1;
  m.disconnect_rate = 0.1;
  m.malformed_rate = 0.1;
  std::vector<inputs::Prompt> prompts(1, inputs::Prompt{"hello there", -1, 8});
  RunningMock mock(m);
  const RunResult run = RunAgainst(mock, Streaming(4, 200), prompts);
  const mock::MockStats stats = mock.server().Stats();
  std::map<std::string, int64_t> errors;
  int64_t valid = 0, malformed = 0;
  for (const auto& r : run.measured) {
    if (r.valid()) {
      ++valid;
    } else {
      ++errors[r.error->type + "/" + std::to_string(r.error->code)];
    }
    malformed += r.malformed_events;
  }
  EXPECT_EQ(run.measured.size(), 200u);
  EXPECT_EQ(valid, stats.ok);  // every stream the mock finished is a valid record
  EXPECT_EQ(errors["server_error/500"], stats.server_errors);
  EXPECT_EQ(errors["rate_limit_exceeded/429"], stats.rate_limited);
  // A stream the mock cut midway (its chunked body never ended) is truncated, never a success.
  EXPECT_EQ(errors["truncated/0"], stats.disconnects);
  EXPECT_EQ(malformed, stats.malformed);
  EXPECT_GT(stats.server_errors * stats.rate_limited * stats.disconnects * stats.malformed, 0);
}

TEST(RunCaseE2e, CancelledRequestsAreRecordedAs499) {
  mock::MockOptions m;
  m.ttft_ms = 200;
  std::vector<inputs::Prompt> prompts(1, inputs::Prompt{"hello", -1, 4});
  RunningMock mock(m);
  CaseOptions o = Streaming(2, 6);
  o.cancellation_rate_pct = 100;
  o.cancellation_delay_s = 0.01;
  const RunResult run = RunAgainst(mock, o, prompts);
  ASSERT_EQ(run.measured.size(), 6u);
  for (const auto& r : run.measured) {
    ASSERT_FALSE(r.valid());
    EXPECT_EQ(r.error->code, 499);
  }
}

TEST(RunCaseE2e, AnUnreachableServerGivesConnectErrorsNotACrash) {
  CaseOptions o = Streaming(2, 4);
  o.url = "http://127.0.0.1:1/v1/chat/completions";
  metrics::MeasuringSink measuring({}, nullptr);
  records::AsyncSink sink(measuring);
  std::atomic<int> interrupts{0};
  ASSERT_TRUE(RunCase(o, {inputs::Prompt{"x", -1, 1}}, sink, interrupts).ok());
  sink.Close();
  const auto measured = measuring.Take();
  ASSERT_EQ(measured.size(), 4u);
  for (const auto& r : measured) EXPECT_EQ(r.error->type, "connect");
}

TEST(RunCaseE2e, WarmupRecordsAreTaggedAndExcludedFromTheSummary) {
  mock::MockOptions m;
  m.ttft_ms = 1;
  m.itl_ms = 0.1;
  std::vector<inputs::Prompt> prompts(1, inputs::Prompt{"hi", -1, 3});
  RunningMock mock(m);
  CaseOptions o = Streaming(2, 10);
  o.warmup_count = 4;
  const RunResult run = RunAgainst(mock, o, prompts);
  ASSERT_EQ(run.measured.size(), 14u);
  const auto summary = metrics::Summarize(run.measured, {});
  EXPECT_EQ(summary.Value("request_count")->value, 10);
}

// A closed loop of 16 opens its 16 connections before the clock starts, so no request connects
// (none has a connect time) and none waits behind another's connect. Without the prewarm, the
// first 16 requests each connect, and their connect times are recorded.
TEST(RunCaseE2e, AClosedLoopOpensItsConnectionsBeforeTheClockStarts) {
  for (bool prewarm : {true, false}) {
    mock::MockOptions m;
    m.ttft_ms = 5;
    m.itl_ms = 1;
    RunningMock mock(m);
    CaseOptions o = Streaming(16, 48);
    o.prewarm = prewarm;
    o.prewarm_url = "http://127.0.0.1:" + std::to_string(mock.port()) + "/v1/models";
    const RunResult run =
        RunAgainst(mock, o, std::vector<inputs::Prompt>(1, inputs::Prompt{"hi", -1, 3}));
    ASSERT_EQ(run.measured.size(), 48u);
    EXPECT_EQ(run.outcome.connections_asked, prewarm ? 16u : 0u);
    EXPECT_EQ(run.outcome.connections_warmed, prewarm ? 16u : 0u);
    EXPECT_EQ(mock.server().Stats().connections_accepted, 16) << "prewarm " << prewarm;
    int connected = 0;
    for (const auto& r : run.measured) {
      EXPECT_FALSE(r.error) << r.error->message;
      if (!r.connect_time) continue;
      ++connected;
      EXPECT_GT(*r.connect_time, 0);
      EXPECT_LT(*r.connect_time, *r.time_to_first_token);
    }
    EXPECT_EQ(connected, prewarm ? 0 : 16);
    const auto summary = metrics::Summarize(run.measured, {});
    EXPECT_EQ(summary.Distribution("connect_time") != nullptr, !prewarm);
  }
}

}  // namespace
}  // namespace servebench::engine

namespace servebench::engine {
namespace {

TEST(RunCaseE2e, AServerThatRejectsStreamOptionsIsRetriedOnceWithoutThem) {
  mock::MockOptions m;
  m.ttft_ms = 1;
  m.itl_ms = 1;
  m.reject_stream_options = true;
  inputs::PromptOptions p;
  p.isl = 16;
  p.osl = 4;
  p.count = 12;
  auto prompts = inputs::MakePrompts(p, nullptr);
  ASSERT_TRUE(prompts.ok());
  RunningMock mock(m);
  const RunResult run = RunAgainst(mock, Streaming(4, 12), *prompts);
  EXPECT_TRUE(run.outcome.include_usage_dropped);
  ASSERT_EQ(run.measured.size(), 12u);  // refused requests were sent again, not lost
  for (const auto& r : run.measured) {
    EXPECT_TRUE(r.valid()) << r.error->message;
    EXPECT_FALSE(r.usage_reported);  // usage was not asked for after the refusal
  }
  // Only the requests already in flight with stream_options were refused (at most the
  // concurrency's worth), and each was sent again exactly once.
  const mock::MockStats stats = mock.server().Stats();
  EXPECT_GE(stats.bad_requests, 1);
  EXPECT_LE(stats.bad_requests, 4);
  EXPECT_EQ(stats.requests, 12 + stats.bad_requests);
}

}  // namespace
}  // namespace servebench::engine
