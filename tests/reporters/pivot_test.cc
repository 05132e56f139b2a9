// Pivot tables from known medians: the varying key with the most values becomes the columns.
#include "reporters/suite/pivot.h"

#include <gtest/gtest.h>

namespace servebench::reporters {
namespace {

results::CaseResult PivotCase(const std::string& name,
                              std::vector<std::pair<std::string, std::string>> parameters,
                              std::vector<double> ttft) {
  results::CaseResult c{name, {}, std::move(parameters), {}};
  for (double v : ttft) c.repetitions.push_back({1, false, "", {{"time_to_first_token_p50", v}}});
  return c;
}

TEST(Pivot, TheKeyWithMostValuesIsTheColumnsAndTheOthersTheRows) {
  const std::vector<results::CaseResult> cases = {
      PivotCase("s/c:1/isl:128", {{"concurrency", "1"}, {"isl", "128"}}, {40, 41, 42}),
      PivotCase("s/c:4/isl:128", {{"concurrency", "4"}, {"isl", "128"}}, {44, 45}),
      PivotCase("s/c:16/isl:128", {{"concurrency", "16"}, {"isl", "128"}}, {60}),
      PivotCase("s/c:1/isl:512", {{"concurrency", "1"}, {"isl", "512"}}, {50}),
      PivotCase("s/c:16/isl:512", {{"concurrency", "16"}, {"isl", "512"}}, {90})};
  verdicts::SuiteVerdict verdict;
  verdict.cases.push_back({"s/c:16/isl:512", verdicts::Outcome::kFail, {}, ""});
  const auto pivots = MakePivots({"time_to_first_token.p50"}, cases, verdict);
  ASSERT_EQ(pivots.size(), 1u);
  EXPECT_EQ(pivots[0].column_key, "concurrency");
  // concurrency 4 at isl 512 did not run: an empty cell.
  EXPECT_EQ(PivotMarkdown(pivots[0]),
            "| case | concurrency 1 | concurrency 4 | concurrency 16 |\n"
            "|---|---:|---:|---:|\n"
            "| isl=128 | 41 | 44.5 | 60 |\n"
            "| isl=512 | 50 | | 90 FAIL |\n");
}

TEST(Pivot, OneVaryingKeyIsOneRowNamedByTheMetricAndNoneIsNoPivot) {
  const std::vector<results::CaseResult> sweep = {
      PivotCase("s/r:1", {{"request_rate", "1"}}, {40}),
      PivotCase("s/r:2", {{"request_rate", "2"}}, {45})};
  const auto pivots = MakePivots({"time_to_first_token.p50"}, sweep, {});
  ASSERT_EQ(pivots.size(), 1u);
  EXPECT_EQ(PivotMarkdown(pivots[0]),
            "|  | request_rate 1 | request_rate 2 |\n"
            "|---|---:|---:|\n"
            "| time_to_first_token.p50 | 40 | 45 |\n");
  EXPECT_TRUE(MakePivots({"time_to_first_token.p50"}, {PivotCase("s", {}, {40})}, {}).empty());
}

}  // namespace
}  // namespace servebench::reporters
