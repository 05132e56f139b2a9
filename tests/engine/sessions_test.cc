// Multi-turn sessions and trace replay on the engine's fakes: exact fake milliseconds.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>

#include "runner/engine/run_case.h"
#include "tests/support/fakes.h"

namespace servebench::testing {
namespace {

using Json = nlohmann::json;
constexpr int64_t kStart = 1'000'000'000;
constexpr int64_t kT0 = kStart + 1 * kMs;  // a phase's t0 (open loop and replay)

inputs::Turn TurnOf(std::string text, double delay_ms = -1, double timestamp_ms = -1) {
  inputs::Turn t;
  t.texts = {std::move(text)};
  t.delay_ms = delay_ms;
  t.timestamp_ms = timestamp_ms;
  return t;
}

engine::CaseOptions Options(int64_t concurrency, uint64_t count) {
  engine::CaseOptions o = FakeCase(concurrency, count);
  o.body.streaming = false;  // whole replies: their text is the next turn's history
  return o;
}

struct FakeRun : FakeRig {
  explicit FakeRun(int64_t reply_ms) : FakeRig(Takes(reply_ms)) {
    // Each reply names its request, so the next turn's history can be checked verbatim.
    transport.reply_body = [](const records::Record& r) {
      return Json{
          {"choices",
           {{{"message",
              {{"role", "assistant"}, {"content", "reply " + std::to_string(r.request_id)}}},
             {"finish_reason", "stop"}}}}}
          .dump();
    };
  }
  void Go(const engine::CaseOptions& o, const inputs::Workload& w) {
    auto outcome = engine::RunCase(o, w, sink, interrupts, {}, transport, clock);
    ASSERT_TRUE(outcome) << outcome.error().message;
  }
};

TEST(Sessions, EachTurnCarriesTheHistoryWithTheLiveRepliesAndWaitsForItsDelay) {
  inputs::Workload w;
  w.conversations = {
      {"chat-a", "be brief", {TurnOf("one"), TurnOf("two", 30), TurnOf("three", 5)}, ""}};
  FakeRun run(10);
  run.Go(Options(1, 1), w);
  const auto& s = run.transport.started;
  ASSERT_EQ(s.size(), 3u);
  // Turn k+1 leaves at turn k's end plus its delay: 0, 10 + 30, 50 + 5.
  EXPECT_EQ(s[0].start_ns, kStart);
  EXPECT_EQ(s[1].start_ns, kStart + 40 * kMs);
  EXPECT_EQ(s[2].start_ns, kStart + 55 * kMs);
  EXPECT_EQ(s[2].scheduled_ns, kStart + 55 * kMs);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(s[k].session_id, "chat-a");
    EXPECT_EQ(s[k].turn, k);
  }
  const Json third = Json::parse(run.transport.bodies[2]);
  const Json want = Json::parse(R"([
    {"role": "system", "content": "be brief"},
    {"role": "user", "content": "one"}, {"role": "assistant", "content": "reply 0"},
    {"role": "user", "content": "two"}, {"role": "assistant", "content": "reply 1"},
    {"role": "user", "content": "three"}])");
  EXPECT_EQ(third["messages"], want);
  ASSERT_EQ(run.sink.records.size(), 3u);
}

TEST(Sessions, ConcurrencyCountsSessionsInFlightIncludingThoseWaitingForADelay) {
  inputs::Workload w;
  for (int c = 0; c < 3; ++c) {
    w.conversations.push_back({"s" + std::to_string(c), "", {TurnOf("a"), TurnOf("b", 100)}, ""});
  }
  FakeRun run(10);
  run.Go(Options(2, 3), w);
  const auto& s = run.transport.started;
  ASSERT_EQ(s.size(), 6u);
  // Two sessions run together; the third starts only when one of them ended (at 120 ms), not
  // while they waited out their 100 ms delays.
  std::vector<std::pair<std::string, int64_t>> starts;
  for (const auto& r : s)
    starts.push_back({r.session_id + "/" + std::to_string(r.turn), (r.start_ns - kStart) / kMs});
  EXPECT_EQ(
      starts,
      (std::vector<std::pair<std::string, int64_t>>{
          {"s0/0", 0}, {"s1/0", 0}, {"s0/1", 110}, {"s1/1", 110}, {"s2/0", 120}, {"s2/1", 230}}));
}

TEST(Sessions, ASingleTurnRowsDelayIsAWaitAfterThePreviousRequestEnded) {
  // single_turn rows 1 and 2 (row 2 with delay: 2000), one at a time: row 2 leaves 2 s after
  // row 1 ended, not the moment it ended.
  inputs::Workload w;
  w.conversations = {{"r1", "", {TurnOf("one")}, ""}, {"r2", "", {TurnOf("two", 2000)}, ""}};
  FakeRun run(10);
  run.Go(Options(1, 2), w);
  const auto& s = run.transport.started;
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].start_ns, kStart);
  EXPECT_EQ(s[1].start_ns, kStart + 2010 * kMs);
  EXPECT_EQ(s[1].scheduled_ns, kStart + 2010 * kMs);
  EXPECT_EQ(s[1].turn, 0);
}

TEST(Sessions, CtrlCLetsTheRunningTurnFinishAndSendsNoFurtherTurn) {
  inputs::Workload w;
  w.conversations = {{"x", "", {TurnOf("a"), TurnOf("b", 5), TurnOf("c", 5)}, ""}};
  FakeRun run(10);
  run.transport.At(kStart + 18 * kMs, [&run] { ++run.interrupts; });  // during turn 1 (15-25)
  run.Go(Options(1, 1), w);
  ASSERT_EQ(run.transport.started.size(), 2u);
  ASSERT_EQ(run.sink.records.size(), 2u);  // both kept, the second finished normally
  EXPECT_FALSE(run.sink.records[1].error);
  EXPECT_EQ(run.sink.records[1].end_ns, kStart + 25 * kMs);
}

TEST(Sessions, TheCapRecordedIsTheCapSentWhenAnExtraFieldOverridesIt) {
  // output_length 10 with extra max_completion_tokens 5: the body says 5, and so does the record.
  inputs::Workload w;
  inputs::Turn capped = TurnOf("a");
  capped.max_tokens = 10;
  capped.extra = {{"max_completion_tokens", 5}};
  inputs::Turn plain = TurnOf("b");
  plain.max_tokens = 10;
  w.conversations = {{"x", "", {capped}, ""}, {"y", "", {plain}, ""}};
  FakeRun run(10);
  run.Go(Options(1, 2), w);
  ASSERT_EQ(run.transport.started.size(), 2u);
  EXPECT_EQ(Json::parse(run.transport.bodies[0])["max_completion_tokens"], 5);
  EXPECT_EQ(run.transport.started[0].requested_max_tokens, 5);
  EXPECT_EQ(Json::parse(run.transport.bodies[1])["max_completion_tokens"], 10);
  EXPECT_EQ(run.transport.started[1].requested_max_tokens, 10);
}

TEST(Sessions, AFailedTurnEndsItsSession) {
  inputs::Workload w;
  w.conversations = {{"x", "", {TurnOf("a"), TurnOf("b")}, ""}};
  FakeClock clock{kStart};
  FakeTransport transport(clock, [](const records::Record&) {
    return FakeReply{5 * kMs, 500, std::nullopt};
  });
  VectorSink sink;
  std::atomic<int> interrupts{0};
  ASSERT_TRUE(engine::RunCase(Options(1, 1), w, sink, interrupts, {}, transport, clock));
  EXPECT_EQ(transport.started.size(), 1u);
}

TEST(Replay, RequestsLeaveAtTheirTraceTimesAndEqualTimesLeaveTogether) {
  inputs::Workload w;
  for (int i = 0; i < 4; ++i)
    w.conversations.push_back({"r" + std::to_string(i), "", {TurnOf("p")}, ""});
  engine::CaseOptions o = Options(0, 4);
  o.load.fixed_offsets_ns = {0, 15 * kMs, 15 * kMs, 40 * kMs};
  FakeRun run(100);  // long replies: the trace's times alone decide
  run.Go(o, w);
  std::vector<int64_t> starts;
  for (const auto& r : run.transport.started) {
    starts.push_back((r.start_ns - kT0) / kMs);
    EXPECT_EQ(r.start_ns, r.scheduled_ns);  // no replay lag on a fake clock
  }
  EXPECT_EQ(starts, (std::vector<int64_t>{0, 15, 15, 40}));
}

TEST(Replay, AConcurrencyIsACapAndTheWaitIsRecorded) {
  inputs::Workload w;
  for (int i = 0; i < 3; ++i)
    w.conversations.push_back({"r" + std::to_string(i), "", {TurnOf("p")}, ""});
  engine::CaseOptions o = Options(1, 3);
  o.load.fixed_offsets_ns = {0, 5 * kMs, 10 * kMs};
  FakeRun run(20);
  run.Go(o, w);
  const auto& s = run.transport.started;
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1].start_ns, kT0 + 20 * kMs);
  EXPECT_EQ(s[1].scheduled_ns, kT0 + 5 * kMs);  // its trace time
  EXPECT_EQ(s[1].ready_ns, kT0 + 20 * kMs);     // when the cap let it go
  EXPECT_EQ(s[2].start_ns, kT0 + 40 * kMs);
}

TEST(Replay, UnderACapASlotFreesWhenASessionEndsNotWhenOneOfItsTurnsDoes) {
  inputs::Workload w;
  w.conversations = {{"a", "", {TurnOf("a1", -1, 0), TurnOf("a2", 0)}, ""},
                     {"b", "", {TurnOf("b1", -1, 5)}, ""}};
  engine::CaseOptions o = Options(1, 2);
  o.load.fixed_offsets_ns = {0, 5 * kMs};
  FakeRun run(10);
  run.Go(o, w);
  const auto& s = run.transport.started;
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[2].session_id, "b");
  EXPECT_EQ(s[2].scheduled_ns, kT0 + 5 * kMs);
  EXPECT_EQ(s[2].ready_ns, kT0 + 20 * kMs);  // session a ended with its second turn
  EXPECT_EQ(s[2].start_ns, kT0 + 20 * kMs);
}

TEST(Replay, ALaterTurnWithATimestampWaitsForItAndForThePreviousTurn) {
  inputs::Workload w;
  w.conversations = {{"x", "", {TurnOf("a", -1, 0), TurnOf("b", -1, 50), TurnOf("c", -1, 55)}, ""}};
  engine::CaseOptions o = Options(0, 1);
  o.load.fixed_offsets_ns = {0};
  FakeRun run(30);
  run.Go(o, w);
  const auto& s = run.transport.started;
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1].start_ns, kT0 + 50 * kMs);  // its timestamp, after turn 0 ended at 30
  EXPECT_EQ(s[2].start_ns, kT0 + 80 * kMs);  // turn 1 ended after the timestamp of 55
}

TEST(Sampling, SequentialRandomAndShuffleAreReproducibleFromTheSeed) {
  inputs::Workload w;
  for (int i = 0; i < 5; ++i) w.conversations.push_back({std::to_string(i), "", {TurnOf("p")}, ""});
  w.seed = 3;
  std::vector<size_t> sequential, shuffled;
  for (uint64_t n = 0; n < 10; ++n) sequential.push_back(w.Pick(n));
  EXPECT_EQ(sequential, (std::vector<size_t>{0, 1, 2, 3, 4, 0, 1, 2, 3, 4}));
  w.sampling = inputs::Sampling::kShuffle;
  for (uint64_t n = 0; n < 10; ++n) shuffled.push_back(w.Pick(n));
  for (int pass = 0; pass < 2; ++pass) {  // each pass is a permutation
    std::vector<size_t> one(shuffled.begin() + pass * 5, shuffled.begin() + pass * 5 + 5);
    std::sort(one.begin(), one.end());
    EXPECT_EQ(one, (std::vector<size_t>{0, 1, 2, 3, 4}));
  }
  w.sampling = inputs::Sampling::kRandom;
  std::vector<int> seen(5, 0);
  for (uint64_t n = 0; n < 5000; ++n) ++seen[w.Pick(n)];
  for (int count : seen) EXPECT_NEAR(count, 1000, 150);  // with replacement, uniform
  EXPECT_EQ(w.Pick(17), w.Pick(17));
}

}  // namespace
}  // namespace servebench::testing

namespace servebench::testing {
namespace {

TEST(Models, SessionsTakeTheRunsModelsInTurnOrDrawnFromTheSeed) {
  inputs::Workload w;
  w.conversations = {{"x", "", {TurnOf("a"), TurnOf("b")}, ""}};
  engine::CaseOptions o = Options(1, 4);
  o.models = {"small", "large"};
  FakeRun run(5);
  run.Go(o, w);
  std::vector<std::string> asked, in_body;
  for (size_t i = 0; i < run.transport.started.size(); ++i) {
    asked.push_back(run.transport.started[i].model);
    in_body.push_back(Json::parse(run.transport.bodies[i])["model"]);
  }
  // Both turns of a session ask its model.
  const std::vector<std::string> want = {"small", "small", "large", "large",
                                         "small", "small", "large", "large"};
  EXPECT_EQ(asked, want);
  EXPECT_EQ(in_body, want);
  o.random_model = true;
  FakeRun random(5), again(5);
  random.Go(o, w);
  again.Go(o, w);
  std::set<std::string> seen;
  for (size_t i = 0; i < random.transport.started.size(); ++i) {
    seen.insert(random.transport.started[i].model);
    EXPECT_EQ(random.transport.started[i].model, again.transport.started[i].model);
  }
  EXPECT_LE(seen.size(), 2u);
}

}  // namespace
}  // namespace servebench::testing
