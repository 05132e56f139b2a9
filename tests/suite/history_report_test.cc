// The nightly dashboard end to end on the built-in mock: ten nights judged against one baseline,
// the server 50 % slower from night 7 on; `servebench report --history` shows the step in every
// night's TTFT, the FAIL on night 7, and the baseline update as a line.
#include <gtest/gtest.h>

#include <regex>

#include "tests/support/run_command.h"

namespace servebench {
namespace {

namespace fs = std::filesystem;
using testing::kBinary;
using testing::ReadFile;
using testing::RunCommand;

constexpr const char* kNightlySuite = R"(suite: nightly
server: {url: mock, mock: {ttft_ms: "${SB_NIGHT_TTFT_MS:-20}", itl_ms: 2}}
defaults: {model: m, streaming: true, request_count: 6, concurrency: 2, isl: 16, osl: 4,
           extra_inputs: {ignore_eos: true}, repetitions: 5}
gates:
  time_to_first_token.p50: {better: lower, tolerance: 10%, floor: 2ms}
)";

TEST(HistoryReport, TenNightsShowTheStepAndTheFailOnNightSeven) {
  const fs::path dir = testing::FreshTempDir("servebench-history");
  fs::create_directories(dir / "suites");
  std::ofstream(dir / "suites" / "nightly.yaml") << kNightlySuite;
  auto night = [&](const std::string& out, int ttft, const std::string& extra = "") {
    return RunCommand("cd " + dir.string() + " && SB_NIGHT_TTFT_MS=" + std::to_string(ttft) + " " +
                      kBinary + " run suites/nightly.yaml --progress none --out " + out + " " +
                      extra);
  };
  ASSERT_EQ(night("baseline-run", 20, "--update-baseline").status, 0);
  for (int n = 1; n <= 10; ++n) {
    char name[16];
    std::snprintf(name, sizeof name, "nights/%02d", n);
    EXPECT_EQ(night(name, n < 7 ? 20 : 30).status, n < 7 ? 0 : 1) << "night " << n;
  }
  auto report = RunCommand("cd " + dir.string() + " && " + kBinary +
                           " report --history nights --baseline baselines/nightly.json");
  ASSERT_EQ(report.status, 0) << report.output;
  EXPECT_NE(report.output.find("history.html: 10 runs"), std::string::npos) << report.output;
  const std::string page = ReadFile(dir / "history.html");
  fs::remove_all(dir);

  // One trend: the case's gated TTFT, a point a night, each point's hover text ending in its
  // verdict; nights 7 to 10 FAIL and are marked.
  const std::regex point(
      "<circle class=\"point( v-FAIL)?\" cx=\"[0-9.]+\" cy=\"[0-9.]+\" r=\"3.5\"><title>[^<]* "
      "nights/([0-9]+) (PASS|FAIL): ([0-9.]+) ");
  std::vector<double> ttft;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), point);
       it != std::sregex_iterator(); ++it) {
    const int n = std::stoi((*it)[2]);
    EXPECT_EQ((*it)[3], n < 7 ? "PASS" : "FAIL") << "night " << n;
    EXPECT_EQ((*it)[1].matched, n >= 7) << "night " << n;
    ttft.push_back(std::stod((*it)[4]));
  }
  ASSERT_EQ(ttft.size(), 10u) << page;
  for (size_t i = 0; i < ttft.size(); ++i) {
    if (i < 6) {
      EXPECT_LT(ttft[i], 25) << "night " << i + 1;
    } else {
      EXPECT_GT(ttft[i], 29) << "night " << i + 1;  // the step
    }
  }
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace servebench
