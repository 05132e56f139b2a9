// Streams on the fakes: the scripted transport sends SSE events at exact fake times, so what a
// streamed reply measures (TTFT, ITL, chunk gaps, latency) and what a cut keeps are asserted to
// the nanosecond, however busy the machine running the test.
#include <gtest/gtest.h>

#include "runner/engine/run_case.h"
#include "runner/metrics/request_metrics.h"
#include "tests/support/fakes.h"

namespace servebench::testing {
namespace {

// Four words at 40, 50, 60 and 70 fake ms after the start; the stream finishes at 75 ms.
FakeReply FourWords(const records::Record&) {
  return {75 * kMs, 200, std::nullopt,
          ChatStream({{40 * kMs, "a"}, {50 * kMs, " b"}, {60 * kMs, " c"}, {70 * kMs, " d"}},
                     75 * kMs)};
}

metrics::RequestMetrics Measured(const records::Record& r) {
  return metrics::Measure(r, {endpoints::EndpointType::kChat, metrics::TokenCountSource::kAuto});
}

TEST(StreamingFakes, AStreamGivesExactTtftItlChunkGapsAndLatency) {
  FakeRig rig(FourWords);
  const auto outcome = engine::RunCase(FakeCase(1, 2), {{"hello", 5, 4}}, rig.sink, rig.interrupts,
                                       {}, rig.transport, rig.clock);
  ASSERT_TRUE(outcome) << outcome.error().message;
  ASSERT_EQ(rig.sink.records.size(), 2u);
  for (const auto& r : rig.sink.records) {
    const auto m = Measured(r);
    ASSERT_TRUE(m.valid()) << m.error->message;
    EXPECT_DOUBLE_EQ(*m.time_to_first_token, 40);
    EXPECT_DOUBLE_EQ(*m.time_to_second_token, 10);
    EXPECT_DOUBLE_EQ(*m.request_latency, 70);        // the last content, not [DONE] at 75
    EXPECT_DOUBLE_EQ(*m.output_sequence_length, 4);  // the usage event's count
    EXPECT_DOUBLE_EQ(*m.inter_token_latency, 10);    // (70 − 40) / (4 − 1)
    EXPECT_EQ(m.inter_chunk_latency, (std::vector<double>{10, 10, 10}));
  }
  // The second request starts when the first ends: a closed loop of one.
  EXPECT_EQ(rig.sink.records[1].start_ns - rig.sink.records[0].start_ns, 75 * kMs);
}

TEST(StreamingFakes, AStreamCutByCancellationKeepsItsEarlierEventsAndIsAnError) {
  FakeRig rig(FourWords);
  engine::CaseOptions o = FakeCase(1, 1);
  o.cancellation_rate_pct = 100;
  o.cancellation_delay_s = 0.055;  // after the second word, before the third
  const auto outcome =
      engine::RunCase(o, {{"hello", 5, 4}}, rig.sink, rig.interrupts, {}, rig.transport, rig.clock);
  ASSERT_TRUE(outcome) << outcome.error().message;
  ASSERT_EQ(rig.sink.records.size(), 1u);
  const records::Record& r = rig.sink.records[0];
  EXPECT_EQ(r.end_ns - r.start_ns, 55 * kMs);
  ASSERT_EQ(r.events.size(), 3u);  // the role delta and two words
  const auto m = Measured(r);
  ASSERT_TRUE(m.error);
  EXPECT_EQ(m.error->code, 499);
}

}  // namespace
}  // namespace servebench::testing
