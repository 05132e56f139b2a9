// The option table (options::ProfileFlagTable): every `profile` option has its flag, help line,
// recorded-config entry and suite key, and the secret ones never reach a file or the console.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "runner/cases/cases.h"
#include "runner/options/profile_options.h"
#include "tests/support/run_command.h"

namespace servebench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using base::FlagSet;

TEST(OptionTable, EveryOptionHasHelpAUsageLineAndARecordedEntry) {
  const FlagSet& table = options::ProfileFlagTable();
  const Json recorded = options::RedactedConfig(options::ProfileFlags{});
  const std::string usage = table.Usage();
  ASSERT_GT(table.Names().size(), 60u);
  for (const auto& name : table.Names()) {
    EXPECT_FALSE(table.Help(name).empty()) << name;
    EXPECT_NE(usage.find("  " + name + " "), std::string::npos) << name;
    EXPECT_TRUE(recorded.contains(FlagSet::ConfigKey(name))) << name;
  }
  // Nothing is recorded that is not an option.
  for (const auto& [key, value] : recorded.items()) {
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    EXPECT_TRUE(table.Has(flag)) << key;
  }
}

// Options whose recorded default stands for "not set" (0 requests, sessions, tokens, a rate or a
// duration of 0, an offset of -1) and is refused when given, as on the command line: a suite
// leaves such a key out.
const std::set<std::string> kUnsetDefaults = {"request_count",
                                              "request_rate",
                                              "benchmark_duration",
                                              "osl",
                                              "num_sessions",
                                              "fixed_schedule_start_offset",
                                              "fixed_schedule_end_offset"};

base::Expected<std::vector<cases::Case>> Expand(const std::string& defaults) {
  auto suite = suite::ParseSuite("suite: all\ndefaults:\n" + defaults, "all.yaml");
  if (!suite) return suite.error();
  return cases::ExpandCases(*suite);
}

TEST(OptionTable, EveryRecordedValueIsASuiteKeyThatGivesTheSameRun) {
  const FlagSet& table = options::ProfileFlagTable();
  options::ProfileFlags given;
  given.model = "m";
  given.concurrency = 3;
  given.isl = 64;
  given.headers = {"X-Trace: t1"};
  given.extra_inputs = {"ignore_eos:true"};
  const Json recorded = options::RedactedConfig(given);
  std::string all;
  std::set<std::string> refused;
  for (const auto& name : table.Names()) {
    const std::string key = FlagSet::ConfigKey(name);
    const std::string line = "  " + key + ": " + recorded.at(key).dump() + "\n";
    if (!Expand("  model: m\n" + (key == "model" ? "" : line))) {
      refused.insert(key);
      continue;
    }
    all += line;
  }
  EXPECT_EQ(refused, kUnsetDefaults);
  auto cases = Expand(all);
  ASSERT_TRUE(cases) << cases.error().message;
  ASSERT_EQ(cases->size(), 1u);
  Json expected = recorded;
  Json got = options::RedactedConfig(cases->front().flags);
  EXPECT_EQ(got, expected);
}

TEST(OptionTable, TheSecretFlagsAreRedactedInEveryFileAndLine) {
  const FlagSet& table = options::ProfileFlagTable();
  const fs::path dir = testing::FreshTempDir("servebench-secrets");
  // Every secret option of the table carries a marked value; the mock requires the same key.
  std::string secrets;
  int count = 0;
  for (const auto& name : table.Names()) {
    if (!table.Is(name, FlagSet::kSecret)) continue;
    ++count;
    secrets += " " + name +
               (table.Is(name, FlagSet::kList) ? " 'X-Api-Key: sk-marked-2'" : " sk-marked-1");
  }
  EXPECT_EQ(count, 3);  // --api-key, --header, --mock-api-key
  const auto run = testing::RunCommand(
      testing::kBinary +
      " profile --model m --url mock --streaming --request-count 4 --mock-ttft-ms 1 "
      "--mock-itl-ms 0 --output-format aiperf --export-vllm " +
      (dir / "vllm.json").string() + " --artifact-dir " + (dir / "run").string() + secrets);
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output.find("sk-marked"), std::string::npos) << run.output;

  std::ofstream(dir / "s.yaml") << "suite: secrets\n"
                                   "server: {url: mock, api_key: sk-marked-1, "
                                   "headers: ['X-Api-Key: sk-marked-2'], "
                                   "mock: {api_key: sk-marked-1, ttft_ms: 1, itl_ms: 0}}\n"
                                   "defaults: {model: m, streaming: true, request_count: 2}\n";
  const auto suite_run =
      testing::RunCommand(testing::kBinary + " run " + (dir / "s.yaml").string() + " --out " +
                          (dir / "suite").string());
  ASSERT_EQ(suite_run.status, 0) << suite_run.output;
  EXPECT_EQ(suite_run.output.find("sk-marked"), std::string::npos) << suite_run.output;

  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename() == "s.yaml") continue;
    ++files;
    EXPECT_EQ(testing::ReadFile(entry.path()).find("sk-marked"), std::string::npos) << entry.path();
  }
  EXPECT_GT(files, 20);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace servebench
