// The report's SVG and HTML against golden files. After an intended change, regenerate them:
//   SERVEBENCH_UPDATE_GOLDEN=1 build/servebench_tests --gtest_filter='HtmlReport.*'
// and review the diff (open tests/golden/report.html in a browser).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "reporters/suite/history_page.h"
#include "reporters/suite/suite_reporter.h"
#include "reporters/suite/svg_chart.h"
#include "tests/support/run_command.h"

namespace servebench::reporters {
namespace {

namespace fs = std::filesystem;

// Compares text with a golden file, or rewrites the file when SERVEBENCH_UPDATE_GOLDEN is set.
void ExpectGolden(const std::string& text, const std::string& name) {
  const fs::path golden = fs::path(SERVEBENCH_SOURCE_DIR) / "tests" / "golden" / name;
  if (std::getenv("SERVEBENCH_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden) << text;
    return;
  }
  EXPECT_EQ(text, testing::ReadFile(golden)) << "regenerate with SERVEBENCH_UPDATE_GOLDEN=1";
}

results::CaseResult Case(const std::string& concurrency, const std::string& isl,
                         std::vector<double> ttft) {
  results::CaseResult c{"s/chat/concurrency:" + concurrency + "/isl:" + isl,
                        {},
                        {{"concurrency", concurrency}, {"isl", isl}},
                        {}};
  for (double v : ttft) {
    c.repetitions.push_back({4,
                             false,
                             "",
                             {{"time_to_first_token_p50", v},
                              {"time_to_first_token_p99", v * 2},
                              {"output_token_throughput", 1000 / v},
                              {"output_token_throughput_per_user_p50", 2000 / v}}});
  }
  return c;
}

TEST(HtmlReport, AChartDrawsEachMedianWithItsBandAxisLabelsAndHoverText) {
  Chart chart{"TTFT p50 (ms)", "concurrency", "TTFT p50 (ms)", {}};
  chart.series.push_back(
      {"isl=128", {{1, 40, 39, 42, "a <1>"}, {4, 44, 43, 46, "b"}, {16, 60, 55, 70, "c"}}});
  chart.series.push_back({"isl=512", {{1, 50, 50, 50, "d"}, {16, 90, 80, 95, "e"}}});
  const std::string svg = SvgLineChart(chart);
  EXPECT_EQ(testing::Occurrences(svg, "<circle"), 5u);
  EXPECT_NE(svg.find("<title>a &lt;1&gt;: 40 (min 39, max 42)</title>"), std::string::npos);
  EXPECT_NE(svg.find("concurrency (log scale)"), std::string::npos);  // 1..16 spans 16x
  ExpectGolden(svg, "sweep_chart.svg");
}

TEST(HtmlReport, ThePageHasTheVerdictsFailFirstAChartPointPerCaseAndNoScript) {
  const fs::path dir = testing::FreshTempDir("servebench-html");
  SuiteContext context;
  context.suite = "s";
  context.out_dir = dir;
  context.server_url = "http://127.0.0.1:8000";
  context.baseline = "baselines/s.json";
  context.labels = {{"gpu", "H100"}};
  context.slos = {{"time_to_first_token_p50", "", true, 55, "time_to_first_token.p50"}};
  const std::vector<results::CaseResult> cases = {
      Case("1", "128", {40, 41, 42}), Case("4", "128", {44, 45, 46}),
      Case("16", "128", {60, 61, 62}), Case("1", "512", {50, 51, 52}),
      Case("16", "512", {90, 91, 99})};
  verdicts::SuiteVerdict verdict;
  verdict.outcome = verdicts::Outcome::kFail;
  for (const auto& c : cases) verdict.cases.push_back({c.name, verdicts::Outcome::kPass, {}, ""});
  verdict.cases.back().outcome = verdicts::Outcome::kFail;
  verdict.cases.back().gates.push_back(
      {"time_to_first_token.p50", verdicts::Outcome::kFail, 60, 91, 0.5167, 0.004, "", 0.1});
  // The first case's first repetition: three requests, one failed.
  const fs::path first = results::RepetitionDir(dir, cases.front().name, 0);
  fs::create_directories(first);
  std::ofstream(first / "profile_export.jsonl")
      << R"({"error":null,"metadata":{"start_ns":1000000000,"end_ns":1060000000},"metrics":{"time_to_first_token":{"value":40},"inter_token_latency":{"value":4}}})"
         "\n"
      << R"({"error":null,"metadata":{"start_ns":1010000000,"end_ns":1075000000},"metrics":{"time_to_first_token":{"value":42},"inter_token_latency":{"value":5}}})"
         "\n"
      << R"({"error":{"code":500},"metadata":{"start_ns":1020000000,"end_ns":1021000000},"metrics":{}})"
         "\n";
  auto reporter = MakeSuiteReporter("report.html");
  ASSERT_NE(reporter, nullptr);
  reporter->Begin(context);
  for (const auto& c : cases) reporter->CaseDone(c);
  reporter->End(verdict);
  const std::string page = testing::ReadFile(dir / "report.html");
  fs::remove_all(dir);

  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("http://", page.find("</p>")), std::string::npos);  // no request to make
  // The cases measured TTFT p50 and p99 and throughput: three curves against concurrency and
  // the trade-off, three against isl, a point per case each. The fastest case gives the most in
  // total and per user: the front alone.
  EXPECT_EQ(testing::Occurrences(page, "<svg class=\"chart\""), 7u);
  EXPECT_EQ(testing::Occurrences(page, "<circle class=\"point"), 7 * cases.size() + 2 * 3);
  // The SLO (TTFT p50 ≤ 55) along concurrency: isl 128 meets it up to 4 + 12 × (55-45)/(61-45).
  EXPECT_NE(page.find("<li>isl=128: met up to concurrency ≈ 11.5 (met at 4; at 16: "
                      "time_to_first_token.p50 61 (limit ≤ 55))</li>"),
            std::string::npos);
  EXPECT_GE(testing::Occurrences(page, "<line class=\"marker\""), 3u);
  // The first case's distributions and timeline; the others say they have none.
  EXPECT_EQ(testing::Occurrences(page, "<svg class=\"chart detail\""), 2u);
  EXPECT_EQ(testing::Occurrences(page, "<g class=\"request"), 3u);
  EXPECT_EQ(testing::Occurrences(page, "<g class=\"request failed\""), 1u);
  EXPECT_EQ(testing::Occurrences(page, "No per-request charts"), cases.size() - 1);
  EXPECT_EQ(testing::Occurrences(page, "<circle class=\"point pareto\""), 1u);
  EXPECT_NE(page.find("<title>s/chat/concurrency:1/isl:128: 48.8 (min 47.6, max 50)</title>"),
            std::string::npos);
  // One row per case, the FAIL first.
  const size_t table = page.find("<table class=\"verdicts\">");
  EXPECT_EQ(
      testing::Occurrences(page.substr(table, page.find("</table>", table) - table), "<tr><td>"),
      5u);
  EXPECT_LT(page.find("s/chat/concurrency:16/isl:512</a>", table),
            page.find("s/chat/concurrency:1/isl:128</a>", table));
  ExpectGolden(page, "report.html");
}

TEST(HtmlReport, AHistoryDrawsACaseOnlyOnItsNightsAndABaselineUpdateAsALine) {
  auto night = [](const std::string& date, std::vector<results::CaseResult> cases) {
    verdicts::StoredRun run{"runs/" + date.substr(8, 2), date, {"s", "", {}, ""}, cases, {}};
    run.verdict = verdicts::SuiteVerdict{};
    for (const auto& c : cases) {
      run.verdict->cases.push_back({c.name, verdicts::Outcome::kPass, {}, ""});
      run.verdict->cases.back().gates.push_back(
          {"time_to_first_token.p50", verdicts::Outcome::kPass, 40, 40, 0, {}, "", 0.1});
    }
    return run;
  };
  const auto a = Case("1", "128", {40}), b = Case("4", "128", {44});
  // Given out of order: nights sort by date. Case b ran on the last two nights only.
  const std::vector<verdicts::StoredRun> runs = {night("2026-11-03T02:00:00Z", {a, b}),
                                                 night("2026-11-01T02:00:00Z", {a}),
                                                 night("2026-11-02T02:00:00Z", {a, b})};
  const std::string page =
      HistoryPage(runs, {{"2026-11-01T09:00:00Z", "ci@runner", "runs/01", {a.name}, "update"}});
  const size_t first = page.find("<h2>" + a.name), second = page.find("<h2>" + b.name);
  ASSERT_LT(first, second);
  EXPECT_EQ(testing::Occurrences(page.substr(first, second - first), "<circle"), 3u);
  EXPECT_EQ(testing::Occurrences(page.substr(second), "<circle"), 2u);
  // The update lies between the first and the second night, on a's chart only.
  EXPECT_EQ(testing::Occurrences(page, "<line class=\"marker\""), 1u);
  EXPECT_NE(page.find("<title>baseline updated 2026-11-01T09:00:00Z by ci@runner from runs/01"),
            std::string::npos);
  EXPECT_LT(page.find("runs/01"), page.find("runs/02"));
  ExpectGolden(page, "history.html");
}

}  // namespace
}  // namespace servebench::reporters
