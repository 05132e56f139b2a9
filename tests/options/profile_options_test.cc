#include "runner/options/profile_options.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runner/options/workload_plan.h"
#include "tests/support/run_command.h"

namespace servebench::options {
namespace {

using Json = nlohmann::json;

TEST(ProfileOptions, SecretsNeverReachTheCommandLineOrTheConfig) {
  const std::string command = RedactedCommand(
      {"servebench", "profile", "--api-key", "sk-1", "-H", "Authorization: Bearer sk-2",
       "--header=x-api-key: sk-3", "--api-key=sk-4", "-H", "X-Trace: keep"});
  EXPECT_EQ(command.find("sk-"), std::string::npos) << command;
  EXPECT_NE(command.find("'X-Trace: keep'"), std::string::npos) << command;
  ProfileFlags f;
  f.api_key = "sk-5";
  f.headers = {"api-key: sk-6"};
  EXPECT_EQ(RedactedConfig(f).dump().find("sk-"), std::string::npos);
}

TEST(ProfileOptions, TheRecordedConfigHoldsEveryFlagWithSecretsRedacted) {
  ProfileFlags f;
  base::FlagSet flags("profile");
  RegisterProfileFlags(flags, f);
  ASSERT_TRUE(flags.Parse({"--model", "m", "--max-tokens-field", "max_tokens", "--api-key", "sk-1",
                           "--mock-api-key", "sk-2", "-H", "Authorization: Bearer sk-3", "--url",
                           "http://user:sk-4@host:8000", "--mock-seed", "9"}));
  const Json config = RedactedConfig(f);
  // Every flag of the table has its entry, under its own name.
  const Json values = flags.Values();
  ASSERT_GT(values.size(), 60u);
  for (const auto& [key, value] : values.items()) EXPECT_TRUE(config.contains(key)) << key;
  EXPECT_EQ(config["max_tokens_field"], "max_tokens");
  EXPECT_EQ(config["mock_seed"], 9);
  EXPECT_EQ(config.dump().find("sk-"), std::string::npos) << config.dump();
  EXPECT_EQ(config["api_key"], "<redacted>");
  EXPECT_EQ(config["mock_api_key"], "<redacted>");
}

TEST(ProfileOptions, ExtraInputsAreTypedAndMerged) {
  auto extra = ParseExtraInputs(
      {"ignore_eos:true", "min_tokens:256", "temperature:0.5", "stop:END", R"({"top_k": 3})"});
  ASSERT_TRUE(extra.ok());
  EXPECT_EQ(extra->dump(),
            R"({"ignore_eos":true,"min_tokens":256,"stop":"END","temperature":0.5,"top_k":3})");
  EXPECT_FALSE(ParseExtraInputs({"{not json"}).ok());
}

TEST(ProfileOptions, ExtraInputsNestedPastTheBoundAreRefusedNotRecursedInto) {
  const std::string deep = "{\"x\":" + std::string(60'000, '[') + std::string(60'000, ']') + "}";
  auto extra = ParseExtraInputs({deep});
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.error().message,
            "--extra-inputs: the JSON object is nested deeper than 64 levels; flatten it");
  const std::string fine = "{\"x\":" + std::string(60, '[') + std::string(60, ']') + "}";
  EXPECT_TRUE(ParseExtraInputs({fine}).ok());
}

// Parses profile flags as the command line does; the error, or "" when they parse.
std::string ParseError(const std::vector<std::string>& args, ProfileFlags& f) {
  base::FlagSet flags("profile");
  RegisterProfileFlags(flags, f);
  auto parsed = flags.Parse(args);
  return parsed ? "" : parsed.error().message;
}

std::string ParseError(const std::vector<std::string>& args) {
  ProfileFlags f;
  return ParseError(args, f);
}

TEST(ProfileOptions, BadValuesNameTheFlag) {
  EXPECT_EQ(ParseError({"--request-cancellation-rate", "150"}),
            "profile: --request-cancellation-rate: expected a number >= 0 and <= 100, got '150'");
  ProfileFlags f;
  f.model = "m";
  f.arrival_pattern = "bursty";
  EXPECT_NE(ResolveProfile(f).error().message.find("--arrival-pattern"), std::string::npos);
  f.arrival_pattern = "poisson";
  f.url = "localhost:8000/";
  auto plan = ResolveProfile(f);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->run.url, "http://localhost:8000/v1/chat/completions");
  EXPECT_EQ(plan->run.request_count, 10u);  // max(10, 2 x concurrency 1)
}

// The error ResolveProfile (and with `workload`, MakeWorkload after it) gives for these flags
// (after --model m), or "".
std::string ResolveError(const std::vector<std::string>& args, bool workload = false) {
  ProfileFlags f;
  std::vector<std::string> all = {"--model", "m"};
  all.insert(all.end(), args.begin(), args.end());
  if (auto parsed = ParseError(all, f); !parsed.empty()) return parsed;
  auto plan = ResolveProfile(f);
  if (!plan) return plan.error().message;
  if (!workload) return "";
  auto made = MakeWorkload(f, *plan, nullptr);
  return made ? "" : made.error().message;
}

TEST(ProfileOptions, WorkloadFlagsThatContradictEachOtherAreRefused) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--input-file", "a.jsonl", "--num-sessions", "3"}, "give one of them"},
      {{"--public-dataset", "lmsys"}, "--public-dataset: expected sharegpt, got 'lmsys'"},
      {{"--dataset-path", "x.json"}, "--dataset-path is the file of --public-dataset"},
      {{"--session-turns-mean", "3"}, "give --num-sessions too"},
      {{"--request-rate-ramp-duration", "5"}, "give the rate"},
      {{"--concurrency-ramp-duration", "5", "--concurrency", "1"}, "(2 or more)"},
      {{"--seq-dist", "1,2:3", "--input-file", "a.jsonl"}, "the file's lengths are used"},
      {{"--seq-dist", "1,2"}, "--seq-dist: cannot read '1,2'"},
      {{"--model-selection-strategy", "fastest"}, "expected round_robin or random"},
      {{"--model", "a,,b"}, "an empty name"},
  };
  for (const auto& [args, want] : cases) {
    const std::string error = ResolveError(args);
    EXPECT_NE(error.find(want), std::string::npos) << args[0] << ": " << error;
  }
  ProfileFlags f;
  ASSERT_EQ(ParseError({"--model", "a,b", "--model-selection-strategy", "random"}, f), "");
  auto plan = ResolveProfile(f);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->models, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(plan->run.models, plan->models);
  EXPECT_TRUE(plan->run.random_model);
  EXPECT_EQ(plan->run.body.model, "a");
}

TEST(ProfileOptions, AnEpochMillisecondTraceIsRefusedWithTheOffsetHint) {
  const auto file = testing::FreshTempDir("sb-epoch") / "trace.jsonl";
  std::ofstream(file) << "{\"text\": \"a\", \"timestamp\": 1700000000000}\n"
                         "{\"text\": \"b\", \"timestamp\": 1700000000500}\n";
  EXPECT_EQ(ResolveError({"--input-file", file.string()}, true),
            "--input-file " + file.string() +
                ": the first timestamp, 1700000000000 ms, looks like epoch milliseconds: use "
                "--fixed-schedule-auto-offset");
  EXPECT_EQ(ResolveError({"--input-file", file.string(), "--fixed-schedule-auto-offset"}, true),
            "");
  EXPECT_EQ(ResolveError({"--input-file", file.string(), "--fixed-schedule-auto-offset",
                          "--replay-speedup", "1e-12"},
                         true),
            "--replay-speedup 1e-12 stretches the trace past 4e12 ms; give a speedup nearer 1");
  std::filesystem::remove_all(file.parent_path());
}

}  // namespace
}  // namespace servebench::options

namespace servebench::options {
namespace {

TEST(ProfileOptions, TheCommandLineIsWrittenAsAShellReadsItBack) {
  EXPECT_EQ(RedactedCommand({"servebench", "profile", "--seq-dist", "128,64:25;512,128:75",
                             "--extra-inputs", "{\"stop\": \"it's\"}", "--model", "m"}),
            "servebench profile --seq-dist '128,64:25;512,128:75' --extra-inputs "
            "'{\"stop\": \"it'\\''s\"}' --model m");
}

}  // namespace
}  // namespace servebench::options
