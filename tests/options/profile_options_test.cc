#include "runner/options/profile_options.h"

#include <gtest/gtest.h>

namespace servebench::options {
namespace {

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

TEST(ProfileOptions, ExtraInputsAreTypedAndMerged) {
  auto extra = ParseExtraInputs(
      {"ignore_eos:true", "min_tokens:256", "temperature:0.5", "stop:END", R"({"top_k": 3})"});
  ASSERT_TRUE(extra.ok());
  EXPECT_EQ(extra->dump(),
            R"({"ignore_eos":true,"min_tokens":256,"stop":"END","temperature":0.5,"top_k":3})");
  EXPECT_FALSE(ParseExtraInputs({"{not json"}).ok());
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

}  // namespace
}  // namespace servebench::options
