// The engine on fakes: a scripted transport and a fake clock, so every start, cut, cancellation
// and interruption lands at an exact fake millisecond, however busy the machine running the test.
#include <gtest/gtest.h>

#include <atomic>

#include "runner/engine/run_case.h"
#include "tests/support/fakes.h"

namespace servebench::testing {
namespace {

constexpr int64_t kStart = 1'000'000'000;  // the fake clock's first reading
// An open-loop phase's first arrival is due 1 ms after the phase is set up; a closed loop starts
// at once.
constexpr int64_t kT0 = kStart + 1 * kMs;

std::vector<inputs::Prompt> Prompts() { return {{"hello", 5, 8}}; }

struct FakeRun : FakeRig {
  using FakeRig::FakeRig;
  engine::CaseOutcome Go(const engine::CaseOptions& o) {
    auto outcome = engine::RunCase(o, Prompts(), sink, interrupts, {}, transport, clock);
    EXPECT_TRUE(outcome) << outcome.error().message;
    return *outcome;
  }
  // Start times in fake ms after `from`, in start order.
  std::vector<int64_t> StartsMs(int64_t from) const {
    std::vector<int64_t> out;
    for (const auto& r : transport.started) out.push_back((r.start_ns - from) / kMs);
    return out;
  }
};

TEST(EngineFakes, AClosedLoopKeepsExactlyItsConcurrencyInFlight) {
  FakeRun run(Takes(10));
  const auto outcome = run.Go(FakeCase(2, 5));
  EXPECT_EQ(run.StartsMs(kStart), (std::vector<int64_t>{0, 0, 10, 10, 20}));
  ASSERT_EQ(run.sink.records.size(), 5u);
  for (const auto& r : run.sink.records) {
    EXPECT_EQ(r.end_ns - r.start_ns, 10 * kMs);
    EXPECT_EQ(r.scheduled_ns, r.start_ns);  // a closed loop schedules a request when it starts
  }
  EXPECT_EQ(outcome.issued, 5u);
  EXPECT_EQ(outcome.start_ns, kStart);
  EXPECT_EQ(outcome.end_ns, kStart + 30 * kMs);
  EXPECT_FALSE(outcome.was_cancelled);
}

// Connections are opened once, before the first request (warmup included), as many as the
// load expects in flight; --no-prewarm opens none.
TEST(EngineFakes, ConnectionsArePrewarmedOnceBeforeTheFirstRequest) {
  for (const bool prewarm : {true, false}) {
    FakeRun run(Takes(10));
    engine::CaseOptions o = FakeCase(4, 6);
    o.warmup_count = 2;
    o.prewarm = prewarm;
    o.prewarm_url = "http://server/v1/models";
    o.time_limit_s = 5;
    const auto outcome = run.Go(o);
    if (!prewarm) {
      EXPECT_TRUE(run.transport.prewarms.empty());
      continue;
    }
    ASSERT_EQ(run.transport.prewarms.size(), 1u);
    const auto& call = run.transport.prewarms[0];
    EXPECT_EQ(call.url, "http://server/v1/models");
    EXPECT_EQ(call.connections, 4u);
    EXPECT_EQ(call.at_ns, kStart);
    EXPECT_EQ(call.deadline_ns, kStart + 5000 * kMs);  // within the run's time limit
    ASSERT_FALSE(run.transport.started.empty());
    EXPECT_TRUE(run.transport.started[0].warmup);
    EXPECT_EQ(outcome.connections_warmed, 4u);
  }
}

TEST(EngineFakes, TheExpectedConcurrencySizesTheWarmPool) {
  schedule::LoadShape closed;
  closed.concurrency = 64;
  EXPECT_EQ(closed.ExpectedConcurrency(), 64u);
  schedule::LoadShape capped = closed;
  capped.request_rate = 500;
  EXPECT_EQ(capped.ExpectedConcurrency(), 64u);
  schedule::LoadShape rate;
  rate.request_rate = 12.5;
  EXPECT_EQ(rate.ExpectedConcurrency(), 13u);  // one second's arrivals
  rate.request_rate = 1e6;
  EXPECT_EQ(rate.ExpectedConcurrency(), 1000u);
  schedule::LoadShape trace;  // its busiest second: 0.5 s to 1.4 s holds four arrivals
  trace.fixed_offsets_ns = {0, 500 * kMs, 900 * kMs, 1000 * kMs, 1400 * kMs, 3000 * kMs};
  EXPECT_EQ(trace.ExpectedConcurrency(), 4u);
}

TEST(EngineFakes, AnOpenLoopStartsEveryRequestAtItsScheduledTime) {
  FakeRun run(Takes(1000));  // long replies: arrivals never wait for one another
  engine::CaseOptions o = FakeCase(0, 5);
  o.load.request_rate = 100;
  o.load.arrival = schedule::Arrival::kConstant;
  run.Go(o);
  EXPECT_EQ(run.StartsMs(kT0), (std::vector<int64_t>{0, 10, 20, 30, 40}));
  for (const auto& r : run.transport.started) {
    EXPECT_EQ(r.start_ns, r.scheduled_ns);  // no schedule lag at all
    EXPECT_EQ(r.ready_ns, 0);               // nobody waited for a slot
  }
}

TEST(EngineFakes, ACappedArrivalWaitsForTheSlotAndRecordsWhenItFreed) {
  FakeRun run(Takes(25));
  engine::CaseOptions o = FakeCase(1, 3);
  o.load.request_rate = 100;
  o.load.arrival = schedule::Arrival::kConstant;
  run.Go(o);
  const auto& s = run.transport.started;
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(run.StartsMs(kT0), (std::vector<int64_t>{0, 25, 50}));
  EXPECT_EQ(s[1].scheduled_ns, kT0 + 10 * kMs);
  EXPECT_EQ(s[1].ready_ns, kT0 + 25 * kMs);  // the first request's end freed the slot
  // 15 ms behind (over the 10 ms re-anchoring bound), the schedule restarts from the start
  // instead of bursting to catch up: the next arrival is due 10 ms after it.
  EXPECT_EQ(s[2].scheduled_ns, kT0 + 35 * kMs);
  EXPECT_EQ(s[2].ready_ns, kT0 + 50 * kMs);
}

TEST(EngineFakes, RequestsStillRunningAfterTheGracePeriodAreCutAndCounted) {
  FakeRun run(Takes(1000));
  engine::CaseOptions o = FakeCase(2, 0);
  o.duration_s = 0.1;
  o.grace_s = 0.05;
  const auto outcome = run.Go(o);
  ASSERT_EQ(run.sink.records.size(), 2u);
  for (const auto& r : run.sink.records) {
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->type, records::kGracePeriodCut);
    EXPECT_EQ(r.end_ns, kT0 + 150 * kMs);  // duration + grace, to the nanosecond
  }
  EXPECT_EQ(outcome.dropped, 2u);
}

TEST(EngineFakes, ATimeLimitStopsTheRunWarmupIncludedAndCutsWhatIsInFlight) {
  FakeRun run(Takes(30));
  engine::CaseOptions o = FakeCase(1, 100);
  o.warmup_count = 2;
  o.time_limit_s = 0.1;
  const auto outcome = run.Go(o);
  // Warmup 0-60 ms, then measured requests every 30 ms from 60: the one started at 90 ms is cut
  // at 100 ms, counted from the run's start, not the measured phase's.
  EXPECT_EQ(run.StartsMs(kStart), (std::vector<int64_t>{0, 30, 60, 90}));
  ASSERT_EQ(run.sink.records.size(), 4u);
  ASSERT_TRUE(run.sink.records.back().error);
  EXPECT_EQ(run.sink.records.back().error->type, records::kGracePeriodCut);
  EXPECT_EQ(run.sink.records.back().end_ns, kStart + 100 * kMs);
  EXPECT_TRUE(outcome.timed_out);
  EXPECT_FALSE(outcome.was_cancelled);
  EXPECT_EQ(outcome.dropped, 1u);
}

TEST(EngineFakes, ATimeLimitReachedInWarmupRunsNoMeasuredRequest) {
  FakeRun run(Takes(30));
  engine::CaseOptions o = FakeCase(1, 100);
  o.warmup_count = 10;
  o.time_limit_s = 0.05;
  const auto outcome = run.Go(o);
  EXPECT_TRUE(outcome.timed_out);
  EXPECT_EQ(outcome.issued, 0u);
  for (const auto& r : run.sink.records) EXPECT_TRUE(r.warmup);
}

TEST(EngineFakes, CancelledRequestsEndAtTheirDelayAs499) {
  FakeRun run(Takes(1000));
  engine::CaseOptions o = FakeCase(1, 3);
  o.cancellation_rate_pct = 100;
  o.cancellation_delay_s = 0.02;
  run.Go(o);
  ASSERT_EQ(run.sink.records.size(), 3u);
  EXPECT_EQ(run.StartsMs(kStart), (std::vector<int64_t>{0, 20, 40}));
  for (const auto& r : run.sink.records) {
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->code, 499);
    EXPECT_EQ(r.error->type, "cancelled");
    EXPECT_EQ(r.end_ns - r.start_ns, 20 * kMs);
  }
}

TEST(EngineFakes, CtrlCStopsIssuingAndLetsInFlightRequestsFinish) {
  FakeRun run(Takes(10));
  run.transport.At(kStart + 25 * kMs, [&run] { ++run.interrupts; });
  const auto outcome = run.Go(FakeCase(1, 100));
  EXPECT_EQ(run.StartsMs(kStart), (std::vector<int64_t>{0, 10, 20}));
  ASSERT_EQ(run.sink.records.size(), 3u);
  EXPECT_FALSE(run.sink.records.back().error);  // the one in flight at 25 ms finished at 30
  EXPECT_EQ(run.sink.records.back().end_ns, kStart + 30 * kMs);
  EXPECT_TRUE(outcome.was_cancelled);
  EXPECT_EQ(outcome.issued, 3u);
}

TEST(EngineFakes, CtrlCCutsWhatIsStillRunningAtTheEndOfTheGracePeriod) {
  FakeRun run(Takes(1000));
  run.transport.At(kStart + 5 * kMs, [&run] { ++run.interrupts; });
  engine::CaseOptions o = FakeCase(1, 10);
  o.grace_s = 0.2;
  const auto outcome = run.Go(o);
  ASSERT_EQ(run.sink.records.size(), 1u);
  ASSERT_TRUE(run.sink.records[0].error);
  EXPECT_EQ(run.sink.records[0].error->type, records::kGracePeriodCut);
  EXPECT_EQ(run.sink.records[0].end_ns, kStart + 205 * kMs);
  EXPECT_EQ(outcome.dropped, 1u);
}

TEST(EngineFakes, WarmupRequestsComeFirstTaggedAndTheMeasuredPhaseStartsAfterThem) {
  FakeRun run(Takes(10));
  engine::CaseOptions o = FakeCase(1, 3);
  o.warmup_count = 2;
  const auto outcome = run.Go(o);
  ASSERT_EQ(run.sink.records.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(run.sink.records[i].warmup, i < 2) << i;
  // Warmup at 0 and 10 ms; it ends at 20 ms, where the measured phase starts.
  EXPECT_EQ(run.StartsMs(kStart), (std::vector<int64_t>{0, 10, 20, 30, 40}));
  EXPECT_EQ(outcome.start_ns, kStart + 20 * kMs);
  EXPECT_EQ(outcome.end_ns, kStart + 50 * kMs);
}

TEST(EngineFakes, AServerThatRefusesStreamOptionsGetsEachRequestOnceMoreWithout) {
  FakeRun run([](const records::Record& r) {
    return FakeReply{1 * kMs, r.request_id == 0 ? 400 : 200, std::nullopt};
  });
  engine::CaseOptions o = FakeCase(1, 2);
  o.body.include_usage = true;
  const auto outcome = run.Go(o);
  ASSERT_EQ(run.transport.bodies.size(), 3u);  // request 0, request 0 again, request 1
  EXPECT_NE(run.transport.bodies[0].find("stream_options"), std::string::npos);
  EXPECT_EQ(run.transport.bodies[1].find("stream_options"), std::string::npos);
  EXPECT_EQ(run.transport.bodies[2].find("stream_options"), std::string::npos);
  EXPECT_EQ(run.sink.records.size(), 2u);
  EXPECT_TRUE(outcome.include_usage_dropped);
}

}  // namespace
}  // namespace servebench::testing
