// The two files servebench writes and later reads back, each written by its writer and read by
// its reader: results.json (the results reporter, then results::ReadResults and
// ReadSuiteIdentity, as baselines, compare and --resume read it) and the records file's header
// and end line (StartJson / EndJson, then RunInfoOf, as analyze reads it). What goes in comes
// out, field by field.
#include <gtest/gtest.h>

#include <filesystem>

#include "reporters/profile_export/run_report.h"
#include "reporters/suite/suite_reporter.h"
#include "runner/results/case_result.h"
#include "tests/support/run_command.h"

namespace servebench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

results::Repetition Measured(int64_t requests, double ttft_p99_ms, double throughput) {
  results::Repetition r;
  r.iterations = requests;
  r.counters = {{"time_to_first_token_p99", ttft_p99_ms},
                {"request_latency_p50", 812.0625},
                {"output_token_throughput", throughput},
                {"request_count", static_cast<double>(requests)}};
  return r;
}

TEST(ResultsJson, WhatTheResultsReporterWritesReadsBackCaseByCase) {
  const fs::path dir = testing::FreshTempDir("results-round-trip");
  reporters::SuiteContext context;
  context.suite = "nightly";
  context.suite_sha256 = std::string(64, 'a');
  context.server_url = "http://gpu-box:8000";
  context.endpoint_type = "chat";
  context.out_dir = dir;
  context.parameter_keys = {"concurrency", "isl"};
  context.gated_metrics = {"time_to_first_token.p99", "output_token_throughput"};
  context.labels = {{"gpu", "H100"}, {"engine", "vllm 0.11"}};
  context.client = "bench-1 (AMD EPYC)";
  context.server = {{"models", {"m"}}, {"server", "vllm"}};

  std::vector<results::CaseResult> cases = {
      {"nightly/chat/concurrency:1/isl:128",
       {{"concurrency", "1"}, {"isl", "128"}, {"model", "m"}},
       {{"concurrency", "1"}, {"isl", "128"}},
       {Measured(100, 41.123456789, 1234.5678901), Measured(99, 43.5, 1201.25)}},
      {"nightly/chat/concurrency:8/isl:128",
       {{"concurrency", "8"}, {"isl", "128"}, {"model", "m"}},
       {{"concurrency", "8"}, {"isl", "128"}},
       {Measured(100, 97.000001, 5012.75), results::Failed("timed out: the case ran past 60 s")}},
  };
  auto reporter = reporters::MakeSuiteReporter("results.json");
  ASSERT_NE(reporter, nullptr);
  reporter->Begin(context);
  for (const auto& c : cases) reporter->CaseDone(c);
  verdicts::SuiteVerdict verdict;
  reporter->End(verdict);
  ASSERT_TRUE(reporter->write_errors().empty());

  const std::string file = (dir / "results.json").string();
  auto read = results::ReadResults(file);
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->size(), cases.size());  // the gates' own entries are not cases
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& want = cases[i];
    const auto& got = (*read)[i];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.fingerprint, want.fingerprint);
    EXPECT_EQ(got.parameters, want.parameters);
    ASSERT_EQ(got.repetitions.size(), want.repetitions.size()) << want.name;
    for (size_t r = 0; r < want.repetitions.size(); ++r) {
      const auto& w = want.repetitions[r];
      const auto& g = got.repetitions[r];
      EXPECT_EQ(g.iterations, w.iterations);
      EXPECT_EQ(g.error, w.error);
      EXPECT_EQ(g.error_message, w.error_message);
      ASSERT_EQ(g.counters.size(), w.counters.size()) << want.name << " repetition " << r;
      for (const auto& [name, value] : w.counters) {
        ASSERT_TRUE(g.counters.count(name)) << name;
        EXPECT_DOUBLE_EQ(g.counters.at(name), value) << name;
      }
    }
  }
  const results::SuiteIdentity identity = results::ReadSuiteIdentity(file);
  EXPECT_EQ(identity.suite, context.suite);
  EXPECT_EQ(identity.suite_sha256, context.suite_sha256);
  EXPECT_EQ(identity.labels, context.labels);
  EXPECT_EQ(identity.client, context.client);
  EXPECT_EQ(identity.server, context.server);
  EXPECT_EQ(identity.server_url, context.server_url);
  fs::remove_all(dir);
}

TEST(RecordsHeader, TheRunsDescriptionReadsBackAsItWasWritten) {
  reporters::RunInfo info;
  info.title = "chat m concurrency 8";
  info.command = "servebench profile --model m --api-key <redacted>";
  info.input_config = {{"model", "m"}, {"concurrency", 8}, {"api_key", "<redacted>"}};
  info.endpoint_type = "completions";
  info.token_count_source = "tokenizer";
  info.tokenizer = "/models/tokenizer.json";
  info.goodput = "time_to_first_token:200";
  info.streaming = true;
  info.open_loop = true;
  info.target_rate = 12.5;
  info.notes = {"the server ignored max_completion_tokens"};
  info.start_wall_ns = 1'765'000'000'123'456'789;
  info.end_wall_ns = 1'765'000'060'987'654'321;
  info.was_cancelled = true;
  info.dropped = 3;
  info.include_usage_dropped = true;

  // Through text, as the records file holds them.
  const Json start = Json::parse(reporters::StartJson(info).dump());
  const Json end = Json::parse(reporters::EndJson(info).dump());
  auto read = reporters::RunInfoOf(start, end, 0);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->title, info.title);
  EXPECT_EQ(read->command, info.command);
  EXPECT_EQ(read->input_config, info.input_config);
  EXPECT_EQ(read->endpoint_type, info.endpoint_type);
  EXPECT_EQ(read->token_count_source, info.token_count_source);
  EXPECT_EQ(read->tokenizer, info.tokenizer);
  EXPECT_EQ(read->goodput, info.goodput);
  EXPECT_EQ(read->streaming, info.streaming);
  EXPECT_EQ(read->open_loop, info.open_loop);
  EXPECT_EQ(read->target_rate, info.target_rate);
  EXPECT_EQ(read->notes, info.notes);
  EXPECT_EQ(read->start_wall_ns, info.start_wall_ns);
  EXPECT_EQ(read->end_wall_ns, info.end_wall_ns);
  EXPECT_EQ(read->was_cancelled, info.was_cancelled);
  EXPECT_EQ(read->dropped, info.dropped);
  EXPECT_EQ(read->include_usage_dropped, info.include_usage_dropped);

  // A run that never wrote its end line (killed) ends at its last request, cancelled.
  auto killed = reporters::RunInfoOf(start, nullptr, info.start_wall_ns + 5);
  ASSERT_TRUE(killed);
  EXPECT_TRUE(killed->was_cancelled);
  EXPECT_EQ(killed->end_wall_ns, info.start_wall_ns + 5);
  EXPECT_EQ(killed->dropped, 0);
}

TEST(RecordsHeader, AHeaderWithoutAFieldSaysWhichNotACrash) {
  reporters::RunInfo info;
  Json start = reporters::StartJson(info);
  start.erase("endpoint_type");
  auto read = reporters::RunInfoOf(start, reporters::EndJson(info), 0);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("endpoint_type"), std::string::npos) << read.error().message;
}

}  // namespace
}  // namespace servebench
