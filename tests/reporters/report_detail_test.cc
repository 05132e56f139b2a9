// The report's per-case charts and SLO view: a case's requests read back from its first
// repetition, CDFs and timelines down-sampled when large (and saying so), the sweep's numeric
// axes, and the highest load within the SLO interpolated between measured points.
#include <gtest/gtest.h>

#include <fstream>

#include "reporters/suite/case_detail.h"
#include "reporters/suite/pivot.h"
#include "reporters/suite/slo_view.h"
#include "reporters/suite/suite_reporter.h"
#include "tests/support/run_command.h"

namespace servebench::reporters {
namespace {

namespace fs = std::filesystem;

results::CaseResult Point(std::vector<std::pair<std::string, std::string>> parameters,
                          std::map<std::string, double> counters) {
  results::CaseResult c{"case", {}, std::move(parameters), {}};
  c.repetitions.push_back({1, false, "", std::move(counters)});
  return c;
}

TEST(SloView, TheHighestLoadWithinALimitIsInterpolatedBetweenTheLastMetAndFirstMissedPoint) {
  std::vector<results::CaseResult> cases;
  const double p99[] = {10, 20, 40, 80};
  int i = 0;
  for (const char* c : {"1", "2", "4", "8"}) {
    cases.push_back(Point({{"concurrency", c}}, {{"time_to_first_token_p99", p99[i++]}}));
  }
  const SloLimit limit{"time_to_first_token_p99", "", true, 60, "time_to_first_token.p99"};
  auto r = HighestWithinSlo(cases, "concurrency", {limit});
  ASSERT_EQ(r.size(), 1u);
  ASSERT_TRUE(r[0].highest);
  EXPECT_DOUBLE_EQ(*r[0].highest, 6);  // 4 + (60 - 40) / (80 - 40) × (8 - 4)
  EXPECT_FALSE(r[0].beyond_measured);
  EXPECT_EQ(r[0].text,
            "met up to concurrency ≈ 6 (met at 4; at 8: time_to_first_token.p99 80 (limit ≤ 60))");

  r = HighestWithinSlo(cases, "concurrency", {{limit.counter, "", true, 100, limit.name}});
  EXPECT_TRUE(r[0].beyond_measured);
  EXPECT_DOUBLE_EQ(*r[0].highest, 8);
  r = HighestWithinSlo(cases, "concurrency", {{limit.counter, "", true, 5, limit.name}});
  EXPECT_FALSE(r[0].highest);
  EXPECT_EQ(r[0].text.rfind("no measured concurrency met the SLO", 0), 0u) << r[0].text;
}

TEST(SloView, SummaryMdSaysItAlongTheSweepsAxis) {
  const fs::path dir = testing::FreshTempDir("servebench-slo-md");
  SuiteContext context;
  context.suite = "s";
  context.out_dir = dir;
  context.slos = {{"time_to_first_token_p99", "", true, 60, "time_to_first_token.p99"}};
  auto reporter = MakeSuiteReporter("summary.md");
  reporter->Begin(context);
  verdicts::SuiteVerdict verdict;
  const double p99[] = {10, 20, 40, 80};
  int i = 0;
  for (const char* c : {"1", "2", "4", "8"}) {
    auto result = Point({{"concurrency", c}}, {{"time_to_first_token_p99", p99[i++]}});
    result.name = std::string("s/chat/concurrency:") + c;
    reporter->CaseDone(result);
    verdict.cases.push_back({result.name, verdicts::Outcome::kNew, {}, "no baseline"});
  }
  reporter->End(verdict);
  const std::string summary = testing::ReadFile(dir / "summary.md");
  fs::remove_all(dir);
  EXPECT_NE(summary.find("### SLO (time_to_first_token.p99 ≤ 60)\n\n- met up to concurrency ≈ 6 "
                         "(met at 4; at 8: time_to_first_token.p99 80 (limit ≤ 60))\n"),
            std::string::npos)
      << summary;
}

TEST(SloView, AnAttainmentIsARatioOfCountersAndEachSeriesIsJudgedAlone) {
  std::vector<results::CaseResult> cases;
  for (const auto& [rate, good] :
       std::vector<std::pair<std::string, double>>{{"1", 10}, {"2", 9}, {"3", 5}}) {
    cases.push_back(Point({{"request_rate", rate}, {"isl", "16"}},
                          {{"good_request_count", good}, {"request_count", 10}}));
    cases.push_back(Point({{"request_rate", rate}, {"isl", "64"}},
                          {{"good_request_count", 10}, {"request_count", 10}}));
  }
  const SloLimit attainment{"good_request_count", "request_count", false, 0.95, "within SLO"};
  const auto r = HighestWithinSlo(cases, "request_rate", {attainment});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].series, "isl=16");
  EXPECT_DOUBLE_EQ(*r[0].highest, 1.5);  // 1.0 at 1, 0.9 at 2: 0.95 half way
  EXPECT_EQ(r[1].series, "isl=64");
  EXPECT_TRUE(r[1].beyond_measured);
}

TEST(SweepAxes, EachNumericVaryingKeyButOneThatMovesInLockstepWithAnother) {
  std::vector<results::CaseResult> cases;
  for (const char* concurrency : {"1", "2"}) {
    for (const auto& [isl, osl] : {std::pair{"16", "4"}, std::pair{"64", "8"}}) {
      cases.push_back(
          Point({{"model", "m"}, {"concurrency", concurrency}, {"isl", isl}, {"osl", osl}}, {}));
    }
  }
  EXPECT_EQ(NumericAxes(cases), (std::vector<std::string>{"concurrency", "isl"}));
  // Against isl, osl moves with it: the series are the concurrencies alone.
  EXPECT_EQ(AxisGroup(cases, "isl"), (std::vector<std::string>{"isl", "osl"}));
  EXPECT_EQ(OtherParameters(cases[1], AxisGroup(cases, "isl")), "model=m, concurrency=1");
  cases.push_back(Point({{"model", "n"}, {"concurrency", "4"}, {"isl", "16"}, {"osl", "8"}}, {}));
  EXPECT_EQ(NumericAxes(cases), (std::vector<std::string>{"concurrency", "isl", "osl"}));
}

TEST(CaseDetail, ReadsTheMeasuredRequestsOfARepetitionWithoutItsWarmup) {
  const fs::path dir = testing::FreshTempDir("servebench-detail");
  std::ofstream(dir / "profile_export.jsonl")
      << R"({"error":null,"metadata":{"benchmark_phase":"warmup","start_ns":1000000000,"end_ns":1100000000},"metrics":{"time_to_first_token":{"unit":"ms","value":99}}})"
      << "\n"
      << R"({"error":{"code":500,"type":"http","message":"x"},"metadata":{"benchmark_phase":"profiling","start_ns":2300000000,"end_ns":2310000000},"metrics":{}})"
      << "\n"
      << R"({"error":null,"metadata":{"benchmark_phase":"profiling","start_ns":2000000000,"end_ns":2500000000},"metrics":{"time_to_first_token":{"unit":"ms","value":45},"inter_token_latency":{"unit":"ms","value":4.5}}})"
      << "\n";
  auto detail = ReadCaseDetail(dir);
  ASSERT_TRUE(detail) << detail.error().message;
  EXPECT_EQ(detail->ttft_ms, (std::vector<double>{45}));
  EXPECT_EQ(detail->itl_ms, (std::vector<double>{4.5}));
  ASSERT_EQ(detail->requests.size(), 2u);
  EXPECT_DOUBLE_EQ(detail->requests[0].start_s, 0);
  EXPECT_DOUBLE_EQ(detail->requests[0].first_token_s, 0.045);
  EXPECT_DOUBLE_EQ(detail->requests[0].end_s, 0.5);
  EXPECT_FALSE(detail->requests[0].failed);
  EXPECT_DOUBLE_EQ(detail->requests[1].start_s, 0.3);
  EXPECT_EQ(detail->requests[1].first_token_s, -1);
  EXPECT_TRUE(detail->requests[1].failed);

  std::ofstream(dir / "profile_export.jsonl", std::ios::app) << "{not json\n";
  detail = ReadCaseDetail(dir);
  ASSERT_FALSE(detail);
  EXPECT_NE(detail.error().message.find("profile_export.jsonl:4: not a profile_export.jsonl"),
            std::string::npos)
      << detail.error().message;
  fs::remove_all(dir);
}

TEST(CaseDetail, LargeCdfsAndTimelinesAreDownSampledAndSaySo) {
  std::vector<double> values;
  for (int i = 1000; i >= 1; --i) values.push_back(i);
  const std::string cdf = CdfChart("TTFT", "c", values);
  EXPECT_NE(cdf.find("TTFT distribution (CDF), 200 of 1000 requests drawn"), std::string::npos);
  EXPECT_EQ(testing::Occurrences(cdf, "<circle"), 3u);  // p50, p90, p99
  EXPECT_NE(cdf.find("<title>c: TTFT p99 990.0 ms</title>"), std::string::npos) << cdf;
  EXPECT_EQ(CdfChart("TTFT", "c", {}), "");

  std::vector<RequestSpan> requests;
  for (int i = 0; i < 450; ++i) requests.push_back({i * 0.01, i * 0.01 + 0.002, i * 0.01 + 0.005});
  const std::string timeline = TimelineChart("c", requests);
  EXPECT_NE(timeline.find("(1 in 3 of 450 requests drawn)"), std::string::npos);
  EXPECT_EQ(testing::Occurrences(timeline, "<g class=\"request\""), 150u);
  requests.resize(12);
  EXPECT_EQ(testing::Occurrences(TimelineChart("c", requests), "<g class=\"request\""), 12u);
  EXPECT_EQ(TimelineChart("c", requests).find("drawn)"), std::string::npos);
}

}  // namespace
}  // namespace servebench::reporters
