#include "runner/metrics/request_log.h"

#include <gtest/gtest.h>

#include "runner/metrics/summary.h"

namespace servebench::metrics {
namespace {

RequestMetrics Request(uint64_t id, double ttft, std::vector<double> gaps) {
  RequestMetrics m;
  m.request_id = id;
  m.start_ns = static_cast<int64_t>(id) * 1000;
  m.last_content_ns = m.start_ns + 500;
  m.time_to_first_token = ttft;
  m.output_sequence_length = static_cast<double>(gaps.size() + 1);
  m.inter_chunk_latency = std::move(gaps);
  return m;
}

TEST(RequestLog, RoundTripsEveryFieldThroughDisk) {
  RequestLog log;
  RequestMetrics failed = Request(2, 0, {});
  failed.time_to_first_token.reset();
  failed.error = records::RecordError{500, "http", "boom"};
  failed.warmup = true;
  failed.malformed_events = 3;
  const std::vector<RequestMetrics> added = {Request(1, 12.5, {1.25, 2.5}), failed,
                                             Request(3, 7, {})};
  for (const auto& m : added) log.Add(m);
  std::vector<RequestMetrics> read;
  log.ForEach([&](const RequestMetrics& m) { read.push_back(m); }, true);
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[0].request_id, 1u);
  EXPECT_EQ(read[0].time_to_first_token, 12.5);
  EXPECT_EQ(read[0].inter_chunk_latency, (std::vector<double>{1.25, 2.5}));
  EXPECT_FALSE(read[0].time_to_second_token.has_value());  // absent stays absent
  EXPECT_FALSE(read[1].time_to_first_token.has_value());
  EXPECT_EQ(read[1].error, failed.error);
  EXPECT_TRUE(read[1].warmup);
  EXPECT_EQ(read[1].malformed_events, 3);
  EXPECT_EQ(read[2].start_ns, 3000);
  // Without gaps the rows still line up.
  std::vector<uint64_t> ids;
  log.ForEach([&](const RequestMetrics& m) { ids.push_back(m.request_id); }, false);
  EXPECT_EQ(ids, (std::vector<uint64_t>{1, 2, 3}));
}

TEST(RequestLog, SummaryFromDiskEqualsSummaryFromMemory) {
  RequestLog log;
  std::vector<RequestMetrics> all;
  for (uint64_t i = 0; i < 50; ++i) {
    all.push_back(Request(i, 10.0 + static_cast<double>(i % 7), {1.0 * i, 2.0}));
    log.Add(all.back());
  }
  const CaseSummary disk = Summarize(log.Source(), {});
  const CaseSummary memory = Summarize(all, {});
  ASSERT_EQ(disk.distributions.size(), memory.distributions.size());
  for (size_t i = 0; i < disk.distributions.size(); ++i) {
    EXPECT_EQ(disk.distributions[i].key, memory.distributions[i].key);
    EXPECT_EQ(disk.distributions[i].stats.p99, memory.distributions[i].stats.p99);
    EXPECT_EQ(disk.distributions[i].stats.count, memory.distributions[i].stats.count);
  }
  EXPECT_EQ(disk.Distribution("inter_chunk_latency")->stats.count, 100);
}

}  // namespace
}  // namespace servebench::metrics
