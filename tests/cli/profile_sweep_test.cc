// `servebench profile --concurrency 1,2 --isl 16,32`: one profile per combination over real HTTP
// on the built-in mock, laid out as a suite run (so `servebench report` reads it), and bad lists
// refused in one line before any load is sent.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "runner/results/case_result.h"
#include "tests/support/binary_test.h"
#include "tests/support/hostile_server.h"
#include "tests/support/run_command.h"

namespace servebench {
namespace {

namespace fs = std::filesystem;

class ProfileSweep : public testing::BinaryTest {
 protected:
  ProfileSweep() : BinaryTest("servebench-sweep") {}
  testing::Exited Profile(std::vector<std::string> extra) {
    std::vector<std::string> args = {"profile",
                                     "--model",
                                     "m",
                                     "--url",
                                     "mock",
                                     "--streaming",
                                     "--osl",
                                     "4",
                                     "--request-count",
                                     "4",
                                     "--extra-inputs",
                                     "ignore_eos:true",
                                     "--artifact-dir",
                                     (dir_ / "out").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }
};

TEST_F(ProfileSweep, RunsEveryCombinationAndWritesOneReportOverThem) {
  const auto run =
      Profile({"--concurrency", "1,2", "--isl=16,32", "--goodput", "time_to_first_token:10000"});
  ASSERT_EQ(run.code, 0) << run.output;
  const auto cases = results::ReadResults((dir_ / "out" / "results.json").string());
  ASSERT_TRUE(cases) << cases.error().message;
  std::vector<std::string> names;
  for (const auto& c : *cases) {
    names.push_back(c.name);
    ASSERT_EQ(c.repetitions.size(), 1u);
    EXPECT_EQ(c.repetitions[0].counters.at("request_count"), 4);
    EXPECT_TRUE(fs::exists(results::RepetitionDir(dir_ / "out", c.name, 0) / "profile_export.json"))
        << c.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "profile/chat/concurrency:1/isl:16", "profile/chat/concurrency:1/isl:32",
                       "profile/chat/concurrency:2/isl:16", "profile/chat/concurrency:2/isl:32"}));
  EXPECT_EQ(cases->back().parameters, (std::vector<std::pair<std::string, std::string>>{
                                          {"concurrency", "2"}, {"isl", "32"}}));
  const std::string report = testing::ReadFile(dir_ / "out" / "report.html");
  EXPECT_NE(report.find("<h2>Sweep: against concurrency</h2>"), std::string::npos);
  EXPECT_NE(report.find("<h2>Sweep: against isl</h2>"), std::string::npos);
  EXPECT_NE(report.find("<li>isl=16: met at every measured concurrency, up to 2"),
            std::string::npos);
  // Each profile's command names its own values, not the lists.
  EXPECT_NE(run.output.find("--concurrency 2 --isl 32"), std::string::npos) << run.output;

  const auto again = Run({"report", (dir_ / "out").string(), "--out", (dir_ / "again").string()});
  EXPECT_EQ(again.code, 0) << again.output;
  // Read back from the files alone: the same curves and SLO view.
  const std::string stored = testing::ReadFile(dir_ / "again" / "report.html");
  EXPECT_NE(stored.find("<h2>Sweep: against isl</h2>"), std::string::npos);
  EXPECT_NE(stored.find("<li>isl=16: met at every measured concurrency, up to 2"),
            std::string::npos);
}

TEST_F(ProfileSweep, ABadListIsRefusedInOneLineBeforeAnyLoad) {
  for (const auto& [args, says] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--concurrency", "1,,4"}, "--concurrency 1,,4: an empty item"},
           {{"--concurrency", "2,4,2"}, "--concurrency 2,4,2: 2 is given twice"},
           {{"--concurrency", "1,x"}, "--concurrency"},
           {{"--isl", "16,32", "--synthetic-input-tokens-mean", "64"}, "isl is given as a list"},
           {{"--osl", "4,8", "--output-tokens-mean=2,3"}, "osl is swept twice"}}) {
    const auto run = Profile(args);
    EXPECT_EQ(run.code, 2) << run.output;
    EXPECT_NE(run.output.find(says), std::string::npos) << run.output;
    EXPECT_FALSE(fs::exists(dir_ / "out")) << run.output;
  }
}

TEST_F(ProfileSweep, CtrlCKeepsTheProfilesThatFinished) {
  // Two requests a profile; the fifth (the third profile's first) streams until the client
  // leaves, so the signal comes while that profile runs.
  auto posts = std::make_shared<std::atomic<int>>(0);
  testing::HostileServer server([posts](int fd, const testing::HostileRequest& r) {
    if (r.method != "POST") return false;
    if (posts->fetch_add(1) + 1 == 5) {
      testing::SendEndlessChat(fd);
    } else {
      testing::SendFinishedChat(fd);
    }
    return true;
  });
  const auto child = Start({"profile", "--model", "m", "--url", server.url(), "--streaming",
                            "--request-count", "2", "--benchmark-grace-period", "0.2", "--isl",
                            "8,9,10", "--artifact-dir", (dir_ / "out").string()});
  ASSERT_TRUE(server.WaitForPosts(5));
  kill(child.pid, SIGINT);
  const auto run = testing::Reap(child);
  EXPECT_EQ(run.code, 130) << run.output;
  EXPECT_EQ(nlohmann::json::parse(
                testing::ReadFile(dir_ / "out" / "results.json"))["context"]["exit_code"],
            130);
  const auto cases = results::ReadResults((dir_ / "out" / "results.json").string());
  ASSERT_TRUE(cases) << cases.error().message;
  ASSERT_EQ(cases->size(), 2u);
  EXPECT_EQ(cases->back().name, "profile/chat/isl:9");
  const auto doc = nlohmann::json::parse(testing::ReadFile(dir_ / "out" / "results.json"));
  EXPECT_TRUE(doc["context"]["interrupted"].get<bool>());
  EXPECT_NE(testing::ReadFile(dir_ / "out" / "report.html").find("interrupted"), std::string::npos);
}

TEST_F(ProfileSweep, SigtermDuringTheFirstProfileRecordsTheExitStatusItExitsWith) {
  testing::HostileServer server([](int fd, const testing::HostileRequest& r) {
    if (r.method != "POST") return false;
    testing::SendEndlessChat(fd);
    return true;
  });
  const auto child = Start({"profile", "--model", "m", "--url", server.url(), "--streaming",
                            "--request-count", "2", "--benchmark-grace-period", "0.2", "--isl",
                            "8,9", "--artifact-dir", (dir_ / "out").string()});
  ASSERT_TRUE(server.WaitForPosts(1));
  kill(child.pid, SIGTERM);
  const auto run = testing::Reap(child);
  EXPECT_EQ(run.code, 143) << run.output;
  const auto doc = nlohmann::json::parse(testing::ReadFile(dir_ / "out" / "results.json"));
  EXPECT_TRUE(doc["context"]["interrupted"].get<bool>());
  EXPECT_EQ(doc["context"]["exit_code"], 143);
  EXPECT_NE(run.output.find("sweep interrupted: 0 of 2 profiles finished (profile/chat/isl:8 was "
                            "cut short)"),
            std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace servebench
