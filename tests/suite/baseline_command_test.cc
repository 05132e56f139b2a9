// `servebench baseline show|update|diff` end to end on the built-in mock: a run's cases taken into
// a baseline one by one, every update in the history, and the merged baseline judging the next
// run case by case.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runner/results/baseline_file.h"
#include "runner/results/case_result.h"
#include "tests/support/run_command.h"

namespace servebench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using testing::kBinary;
using testing::ReadFile;
using testing::RunCommand;

constexpr const char* kPairSuite = R"(suite: pair
server:
  url: mock
  mock: {ttft_ms: "${SB_PAIR_TTFT_MS:-40}", itl_ms: 2}
defaults: {model: m, streaming: true, request_count: 6, concurrency: 2, isl: 16, osl: 4,
           extra_inputs: {ignore_eos: true}, repetitions: 3}
matrix: {isl: [16, 32]}
gates:
  time_to_first_token.p50: {better: lower, tolerance: 20%, floor: 2ms}
)";

class BaselineCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTempDir("servebench-baseline");
    fs::create_directories(dir_ / "suites");
    std::ofstream(dir_ / "suites" / "pair.yaml") << kPairSuite;
  }
  void TearDown() override { fs::remove_all(dir_); }

  testing::CommandResult Servebench(const std::string& args, const std::string& env = "") {
    return RunCommand("cd " + dir_.string() + " && " + env + " " + kBinary + " " + args);
  }
  testing::CommandResult Run(const std::string& out, const std::string& env = "",
                             const std::string& extra = "") {
    return Servebench("run suites/pair.yaml --out " + out + " " + extra, env);
  }
  // The case's median TTFT p50 in a results file.
  double Ttft(const std::string& file, const std::string& name) {
    auto cases = results::ReadResults((dir_ / file).string());
    EXPECT_TRUE(cases) << cases.error().message;
    for (const auto& c : *cases) {
      if (c.name == name) {
        return *results::Median(results::CounterValues(c, "time_to_first_token_p50"));
      }
    }
    ADD_FAILURE() << name << " is not in " << file;
    return 0;
  }

  fs::path dir_;
};

constexpr const char* kSmall = "pair/chat/isl:16";
constexpr const char* kLarge = "pair/chat/isl:32";

TEST_F(BaselineCommand, ASuiteNameThatClimbsOutOfBaselinesIsRefused) {
  ASSERT_EQ(Run("a").status, 0);
  const fs::path results = dir_ / "a" / "results.json";
  Json doc = Json::parse(ReadFile(results));
  doc["context"]["suite"] = "../../../x/evil";
  std::ofstream(results) << doc.dump();
  const auto update = Servebench("baseline update a");
  EXPECT_EQ(update.status, 2) << update.output;
  EXPECT_NE(update.output.find("context.suite '../../../x/evil' is not a suite name"),
            std::string::npos)
      << update.output;
  EXPECT_FALSE(fs::exists(dir_ / "baselines"));
  EXPECT_FALSE(fs::exists(dir_.parent_path().parent_path() / "x"));
}

TEST_F(BaselineCommand, UpdateTakesNamedCasesAndEveryUpdateIsInTheHistory) {
  auto first = Run("a", "", "--update-baseline --label gpu=A");
  ASSERT_EQ(first.status, 0) << first.output;
  const fs::path baseline = dir_ / "baselines" / "pair.json";
  auto history = results::ReadHistory(baseline);
  ASSERT_TRUE(history && history->size() == 1u) << first.output;
  EXPECT_EQ((*history)[0].cases, (std::vector<std::string>{kSmall, kLarge}));
  EXPECT_EQ((*history)[0].command,
            "servebench run suites/pair.yaml --out a --update-baseline "
            "--label gpu=A");
  EXPECT_EQ((*history)[0].from, (dir_ / "a" / "results.json").string());
  EXPECT_NE((*history)[0].who.find('@'), std::string::npos);

  auto slow = Run("b", "SB_PAIR_TTFT_MS=80", "--label gpu=A");
  EXPECT_EQ(slow.status, 1) << slow.output;
  auto diff = Servebench("baseline diff baselines/pair.json b");
  ASSERT_EQ(diff.status, 0) << diff.output;
  EXPECT_NE(diff.output.find(std::string(kLarge) + "\n  TTFT p50 ms"), std::string::npos)
      << diff.output;
  EXPECT_EQ(diff.output.find("identity:"), std::string::npos) << diff.output;

  // Only the large case is taken: the baseline now holds b's large case and a's small one.
  auto update = Servebench("baseline update b --filter 'isl:32'");
  ASSERT_EQ(update.status, 0) << update.output;
  EXPECT_DOUBLE_EQ(Ttft("baselines/pair.json", kLarge), Ttft("b/results.json", kLarge));
  EXPECT_DOUBLE_EQ(Ttft("baselines/pair.json", kSmall), Ttft("a/results.json", kSmall));
  history = results::ReadHistory(baseline);
  ASSERT_TRUE(history && history->size() == 2u);
  EXPECT_EQ((*history)[1].cases, (std::vector<std::string>{kLarge}));
  EXPECT_EQ((*history)[1].command, "servebench baseline update b --filter isl:32");
  EXPECT_EQ((*history)[1].from, (dir_ / "b" / "results.json").string());

  // The merged baseline judges case by case: the slow server passes the case taken from it.
  auto again = Run("c", "SB_PAIR_TTFT_MS=80", "--label gpu=A");
  EXPECT_EQ(again.status, 1) << again.output;
  const Json verdicts = Json::parse(ReadFile(dir_ / "c" / "verdicts.json"));
  ASSERT_EQ(verdicts["cases"].size(), 2u);
  EXPECT_EQ(verdicts["cases"][0]["name"], kSmall);
  EXPECT_EQ(verdicts["cases"][0]["verdict"], "FAIL");
  EXPECT_EQ(verdicts["cases"][1]["verdict"], "PASS");

  auto show = Servebench("baseline show baselines/pair.json");
  ASSERT_EQ(show.status, 0) << show.output;
  EXPECT_NE(show.output.find("  labels    gpu=A\n"), std::string::npos) << show.output;
  EXPECT_NE(show.output.find("  server    models m (owned by servebench), Server "
                             "servebench-mock/"),
            std::string::npos)
      << show.output;
  EXPECT_NE(show.output.find("  history   updates: 2; the last "), std::string::npos);
  EXPECT_NE(show.output.find(std::string("  ") + kSmall + "  repetitions 3  TTFT p50 ms "),
            std::string::npos);
}

TEST_F(BaselineCommand, SomeCasesFromAnotherTargetAreRefusedAndTwoTargetsDiffer) {
  ASSERT_EQ(Run("a", "", "--update-baseline --label gpu=A").status, 0);
  ASSERT_EQ(Run("b", "", "--label gpu=B").status, 0);
  auto partial = Servebench("baseline update b --filter isl:32");
  EXPECT_EQ(partial.status, 2);
  EXPECT_NE(partial.output.find("label gpu: A in the baseline, B in this run); take every case"),
            std::string::npos)
      << partial.output;
  auto diff = Servebench("baseline diff baselines/pair.json b/results.json");
  EXPECT_NE(diff.output.find("identity: label gpu: A in the baseline, B in this run"),
            std::string::npos)
      << diff.output;
  // Every case from the new target is a new baseline of it.
  auto whole = Servebench("baseline update b");
  EXPECT_EQ(whole.status, 0) << whole.output;
  EXPECT_EQ(results::ReadSuiteIdentity((dir_ / "baselines" / "pair.json").string()).labels,
            (std::map<std::string, std::string>{{"gpu", "B"}}));

  EXPECT_EQ(Servebench("baseline update b --filter nothing-matches").status, 2);
  EXPECT_EQ(Servebench("baseline frobnicate").status, 2);
  auto missing = Servebench("baseline show nowhere.json");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.output.find("nowhere.json: cannot read"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace servebench
