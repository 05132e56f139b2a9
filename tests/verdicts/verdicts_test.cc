#include "runner/verdicts/verdicts.h"

#include <gtest/gtest.h>

namespace servebench::verdicts {
namespace {

using results::CaseResult;
using results::Repetition;

Repetition Rep(std::map<std::string, double> counters) {
  Repetition r;
  r.iterations = 10;
  r.counters = std::move(counters);
  return r;
}

// A case whose repetitions have these TTFT p99 values (ms).
CaseResult Ttft(const std::string& name, const std::vector<double>& values) {
  CaseResult c{name, {{"concurrency", 8}}, {}, {}};
  for (double v : values) c.repetitions.push_back(Rep({{"time_to_first_token_p99", v}}));
  return c;
}

suite::Gate Relative(const std::string& metric, bool lower, double tolerance, double floor = 0) {
  suite::Gate g;
  g.metric = metric;
  g.lower_is_better = lower;
  g.tolerance = tolerance;
  g.floor = floor;
  return g;
}

suite::Gate Limit(const std::string& metric, suite::Gate::Kind kind, double limit) {
  suite::Gate g;
  g.metric = metric;
  g.kind = kind;
  g.limit = limit;
  return g;
}

const std::vector<suite::Gate> kTtftGate = {Relative("time_to_first_token.p99", true, 0.10, 1)};

SuiteVerdict JudgeOne(const CaseResult& base, const CaseResult& now,
                      const std::vector<suite::Gate>& gates = kTtftGate) {
  const std::vector<CaseResult> b{base}, n{now};
  return Judge(&b, n, gates);
}

TEST(Verdicts, WithinToleranceIsPass) {
  const auto v = JudgeOne(Ttft("a", {40, 41, 40, 42, 40}), Ttft("a", {43, 43, 44, 43, 43}));
  EXPECT_EQ(v.outcome, Outcome::kPass);
  ASSERT_TRUE(v.cases[0].gates[0].delta.has_value());
  EXPECT_NEAR(*v.cases[0].gates[0].delta, 3.0 / 40, 1e-12);
  EXPECT_EQ(v.ExitCode(false), 0);
}

TEST(Verdicts, WithinTheFloorIsPassHoweverLargeTheRelativeChange) {
  const auto v = JudgeOne(Ttft("a", {2, 2, 2, 2, 2}), Ttft("a", {2.9, 2.9, 2.9, 2.9, 2.9}));
  EXPECT_EQ(v.outcome, Outcome::kPass);  // +45 %, but 0.9 ms is within the 1 ms floor
}

TEST(Verdicts, SignificantRegressionFails) {
  const auto v = JudgeOne(Ttft("a", {40, 41, 40, 42, 40}), Ttft("a", {60, 61, 60, 62, 60}));
  EXPECT_EQ(v.outcome, Outcome::kFail);
  EXPECT_DOUBLE_EQ(*v.cases[0].gates[0].p_value, 1.0 / 252);
  EXPECT_EQ(v.ExitCode(false), 1);
}

TEST(Verdicts, RegressionWithoutSignificanceIsInconclusive) {
  // The median moved by +50 %, but the samples overlap: p > 0.01.
  const auto v = JudgeOne(Ttft("a", {40, 40, 40, 70, 70}), Ttft("a", {40, 40, 60, 70, 70}));
  EXPECT_EQ(v.outcome, Outcome::kInconclusive);
  EXPECT_GT(*v.cases[0].gates[0].p_value, 0.01);
  EXPECT_EQ(v.ExitCode(false), 0);
  EXPECT_EQ(v.ExitCode(true), 1);  // --strict
}

TEST(Verdicts, AutoToleranceIsThreeMadsOfTheBaselineAndIsReported) {
  suite::Gate gate = Relative("time_to_first_token.p99", true, 0, 0);
  gate.auto_tolerance = true;
  // Baseline median 40, absolute deviations {0, 1, 1, 2, 0}: MAD 1, tolerance 3 / 40 = 7.5 %.
  const CaseResult base = Ttft("a", {40, 41, 39, 42, 40});
  const auto within = JudgeOne(base, Ttft("a", {42, 42, 43, 41, 42}), {gate});  // +5 %
  EXPECT_EQ(within.outcome, Outcome::kPass);
  ASSERT_TRUE(within.cases[0].gates[0].tolerance.has_value());
  EXPECT_DOUBLE_EQ(*within.cases[0].gates[0].tolerance, 0.075);
  const auto slower = JudgeOne(base, Ttft("a", {50, 50, 51, 50, 49}), {gate});  // +25 %
  EXPECT_EQ(slower.outcome, Outcome::kFail);
  // A noisier baseline widens it: MAD 4, tolerance 30 %, and +25 % passes.
  const auto noisy =
      JudgeOne(Ttft("a", {36, 44, 40, 32, 48}), Ttft("a", {50, 50, 51, 50, 49}), {gate});
  EXPECT_EQ(noisy.outcome, Outcome::kPass);
  EXPECT_DOUBLE_EQ(*noisy.cases[0].gates[0].tolerance, 0.3);
  // A baseline without spread still gets 5 %: the noise between runs exceeds that within one.
  const auto steady = JudgeOne(Ttft("a", {40, 40, 40, 40, 40.1}), Ttft("a", {41, 41, 41, 41, 41}),
                               {gate});  // +2.5 %
  EXPECT_EQ(steady.outcome, Outcome::kPass);
  EXPECT_DOUBLE_EQ(*steady.cases[0].gates[0].tolerance, 0.05);
  // One baseline repetition has no spread; a floor above 5 % still counts as the minimum.
  gate.floor = 3;
  const auto single = JudgeOne(Ttft("a", {40}), Ttft("a", {42.9}), {gate});  // +7.25 %, < 3 ms
  EXPECT_EQ(single.outcome, Outcome::kPass);
  EXPECT_DOUBLE_EQ(*single.cases[0].gates[0].tolerance, 0.05);
  EXPECT_EQ(JudgeOne(Ttft("a", {40}), Ttft("a", {43.5}), {gate}).outcome, Outcome::kFail);
}

TEST(Verdicts, FewRepetitionsFailWithoutATestAndSaySo) {
  const auto v = JudgeOne(Ttft("a", {40, 40, 40}), Ttft("a", {60, 60, 60}));
  EXPECT_EQ(v.outcome, Outcome::kFail);
  EXPECT_FALSE(v.cases[0].gates[0].p_value.has_value());
  EXPECT_NE(v.cases[0].gates[0].note.find("no significance test"), std::string::npos);
}

TEST(Verdicts, SignificantImprovementIsImproved) {
  const auto v = JudgeOne(Ttft("a", {60, 61, 60, 62, 60}), Ttft("a", {40, 41, 40, 42, 40}));
  EXPECT_EQ(v.outcome, Outcome::kImproved);
  EXPECT_EQ(v.ExitCode(false), 0);
}

TEST(Verdicts, HigherIsBetterMetricsFailWhenTheyDrop) {
  CaseResult base{"a", {}, {}, {}}, now{"a", {}, {}, {}};
  for (double v : {1000, 1010, 990, 1005, 1000})
    base.repetitions.push_back(Rep({{"output_token_throughput", v}}));
  for (double v : {800, 810, 790, 805, 800})
    now.repetitions.push_back(Rep({{"output_token_throughput", v}}));
  const auto v = JudgeOne(base, now, {Relative("output_token_throughput", false, 0.05)});
  EXPECT_EQ(v.outcome, Outcome::kFail);
  EXPECT_NEAR(*v.cases[0].gates[0].delta, 0.2, 1e-12);
}

TEST(Verdicts, AbsoluteLimitsNeedNoBaseline) {
  CaseResult now{"a", {}, {}, {}};
  for (double v : {0.0, 1.0, 2.0}) now.repetitions.push_back(Rep({{"request_error_rate", v}}));
  const std::vector<CaseResult> n{now};
  const auto over = Judge(nullptr, n, {Limit("request_error_rate", suite::Gate::Kind::kMax, 0.5)});
  EXPECT_EQ(over.outcome, Outcome::kFail);  // median 1 % > 0.5 %
  const auto under = Judge(nullptr, n, {Limit("request_error_rate", suite::Gate::Kind::kMax, 1)});
  EXPECT_EQ(under.outcome, Outcome::kNew);
  const auto min = Judge(nullptr, n, {Limit("request_error_rate", suite::Gate::Kind::kMin, 1.5)});
  EXPECT_EQ(min.outcome, Outcome::kFail);
}

TEST(Verdicts, NewAndMissingCases) {
  const std::vector<CaseResult> base{Ttft("old", {40, 40, 40})};
  const std::vector<CaseResult> now{Ttft("new", {40, 40, 40})};
  const auto v = Judge(&base, now, kTtftGate);
  ASSERT_EQ(v.cases.size(), 2u);
  EXPECT_EQ(v.cases[0].outcome, Outcome::kNew);
  EXPECT_EQ(v.cases[1].name, "old");
  EXPECT_EQ(v.cases[1].outcome, Outcome::kMissing);
  EXPECT_EQ(v.ExitCode(false), 0);
  const auto none = Judge(nullptr, now, kTtftGate);
  EXPECT_EQ(none.outcome, Outcome::kNew);
}

TEST(Verdicts, ALaggingClientIsInvalidNotFail) {
  CaseResult now = Ttft("a", {60, 60, 60, 60, 60});
  now.repetitions[2].counters["target_request_rate"] = 100;
  now.repetitions[2].counters["schedule_lag_p99"] = 12;
  const auto v = JudgeOne(Ttft("a", {40, 40, 40, 40, 40}), now);
  EXPECT_EQ(v.outcome, Outcome::kInvalid);
  EXPECT_EQ(v.ExitCode(false), 3);

  CaseResult slow = Ttft("a", {40, 40, 40, 40, 40});
  slow.repetitions[0].counters["target_request_rate"] = 100;
  slow.repetitions[0].counters["achieved_request_rate"] = 94;
  EXPECT_EQ(JudgeOne(Ttft("a", {40, 40, 40, 40, 40}), slow).outcome, Outcome::kInvalid);
}

// load.md: under a concurrency cap, arrivals waiting for a slot are the user's choice. A rate
// below target is then not the client's fault: the gates decide, and the note says why.
TEST(Verdicts, ACappedRateIsJudgedOnItsGatesWithANote) {
  CaseResult capped = Ttft("a", {40, 40, 40, 40, 40});
  for (auto& r : capped.repetitions) {
    r.counters["target_request_rate"] = 40;
    r.counters["achieved_request_rate"] = 22;
    r.counters["capped_arrival_share"] = 83;
    r.counters["schedule_lag_p99"] = 1.2;
  }
  auto v = JudgeOne(Ttft("a", {40, 40, 40, 40, 40}), capped);
  EXPECT_EQ(v.outcome, Outcome::kPass);
  EXPECT_NE(v.cases[0].note.find("capped: 83 % of arrivals waited for a slot"), std::string::npos);
  // The client's own lateness still makes it invalid.
  capped.repetitions[1].counters["schedule_lag_p99"] = 12;
  EXPECT_EQ(JudgeOne(Ttft("a", {40, 40, 40, 40, 40}), capped).outcome, Outcome::kInvalid);
}

TEST(Verdicts, DifferentParametersAreInvalid) {
  CaseResult now = Ttft("a", {40, 40, 40});
  now.fingerprint = {{"concurrency", 16}};
  const auto v = JudgeOne(Ttft("a", {40, 40, 40}), now);
  EXPECT_EQ(v.outcome, Outcome::kInvalid);
  EXPECT_NE(v.cases[0].note.find("parameters differ"), std::string::npos);
}

TEST(Verdicts, ACaseWhoseEveryRepetitionFailedFails) {
  CaseResult now{"a", {{"concurrency", 8}}, {}, {}};
  now.repetitions = {results::Failed("cannot reach the server"), results::Failed("again")};
  const auto v = JudgeOne(Ttft("a", {40, 40, 40}), now);
  EXPECT_EQ(v.outcome, Outcome::kFail);
  EXPECT_EQ(v.cases[0].note, "cannot reach the server");
}

TEST(Verdicts, TheWorstCaseDecidesTheSuite) {
  const std::vector<CaseResult> base{Ttft("a", {40, 40, 40, 40, 40}), Ttft("b", {40, 40, 40})};
  std::vector<CaseResult> now{Ttft("a", {60, 61, 62, 63, 64}), Ttft("b", {40, 40, 40})};
  now[1].repetitions[0].counters["target_request_rate"] = 10;
  now[1].repetitions[0].counters["achieved_request_rate"] = 1;
  const auto v = Judge(&base, now, kTtftGate);
  EXPECT_EQ(v.cases[0].outcome, Outcome::kFail);
  EXPECT_EQ(v.cases[1].outcome, Outcome::kInvalid);
  EXPECT_EQ(v.outcome, Outcome::kInvalid);
  EXPECT_EQ(v.ExitCode(false), 1);  // a real FAIL outranks an invalid case in the exit status
  const auto invalid_only = Judge(&base, {Ttft("a", {40, 40, 40, 40, 40}), now[1]}, kTtftGate);
  EXPECT_EQ(invalid_only.ExitCode(false), 3);
}

TEST(Verdicts, GatesOnUnknownMetricsAreRefusedWithTheirPlace) {
  suite::Gate g = Relative("time_to_first_token.p42", true, 0.1);
  g.place = {"s.yaml", 7, 3};
  const auto status = CheckGates({g});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message.rfind("s.yaml:7:3: gate on unknown metric", 0), 0u);
  EXPECT_TRUE(CheckGates({Relative("inter_token_latency.p50", true, 0.1),
                          Relative("output_token_throughput", false, 0.1)}));
}

}  // namespace
}  // namespace servebench::verdicts
