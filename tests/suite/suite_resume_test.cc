// A long night's suite, end to end with the real binary: killed with SIGKILL at case 3 of 6 and
// resumed, it ends with the case set of an uninterrupted run and runs only the missing cases;
// a changed suite file or server is refused; a case past its timeout is an error and the suite
// moves on.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/binary_test.h"
#include "tests/support/hostile_server.h"

namespace servebench::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Streams finish at once, except POST number `hang` (1-based), which streams until the client
// leaves. /v1/models lists the model in *model.
HostileServer::Script HangAtPost(int hang, std::shared_ptr<std::string> model) {
  auto posts = std::make_shared<std::atomic<int>>(0);
  return [posts, hang, model](int fd, const HostileRequest& r) {
    if (r.method == "GET" && r.path == "/v1/models") {
      const std::string body = R"({"object":"list","data":[{"id":")" + *model +
                               R"(","object":"model","owned_by":"tests"}]})";
      SendAll(fd, Head("200 OK", {"Content-Type: application/json",
                                  "Content-Length: " + std::to_string(body.size())}) +
                      body);
      return true;
    }
    if (r.method != "POST") return false;
    if (posts->fetch_add(1) + 1 == hang) {
      SendEndlessChat(fd);
    } else {
      SendFinishedChat(fd);
    }
    return true;
  };
}

class SuiteResume : public BinaryTest {
 protected:
  SuiteResume() : BinaryTest("servebench-resume") {}

  // Six cases of two requests each, one at a time (so a hung request is its case's last).
  fs::path WriteSuite(const std::string& url, const std::string& extra = "") {
    const fs::path file = dir_ / "night.yaml";
    std::ofstream(file) << "suite: night\nserver: {url: '" << url
                        << "'}\ndefaults: {model: m, streaming: true, request_count: 2, "
                           "concurrency: 1, benchmark_grace_period: 0.2}\nmatrix: {isl: [8, 9, "
                           "10, 11, 12, 13]}\n"
                        << extra;
    return file;
  }
};

std::multiset<std::string> CaseNames(const fs::path& results) {
  const Json doc = Json::parse(ReadFile(results));
  std::multiset<std::string> names;
  for (const auto& b : doc["benchmarks"]) {
    if (b["run_type"] == "iteration" && b.value("label", "") != "gate") names.insert(b["run_name"]);
  }
  return names;
}

TEST_F(SuiteResume, AKilledSuiteResumesWithOnlyItsMissingCases) {
  auto model = std::make_shared<std::string>("m");
  HostileServer server(HangAtPost(5, model));  // case 3's first request hangs
  const fs::path suite = WriteSuite(server.url());
  const fs::path night = dir_ / "night";
  const Child child = Start({"run", suite.string(), "--out", night.string()});
  ASSERT_TRUE(server.WaitForPosts(5));
  kill(child.pid, SIGKILL);
  Reap(child);
  EXPECT_EQ(CaseNames(night / "results.json"),
            (std::multiset<std::string>{"night/chat/isl:8", "night/chat/isl:9"}));

  const int posts_before = server.posts();
  const Exited resumed = Run({"run", suite.string(), "--resume", night.string()});
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  EXPECT_EQ(server.posts() - posts_before, 4 * 2) << "cases 3 to 6, two requests each";
  EXPECT_NE(resumed.output.find("skip night/chat/isl:9: finished in"), std::string::npos)
      << resumed.output;
  EXPECT_EQ(resumed.output.find("] night/chat/isl:8 "), std::string::npos);
  EXPECT_NE(resumed.output.find("[case 1/4] night/chat/isl:10  repetition 1/1"), std::string::npos)
      << resumed.output;
  EXPECT_FALSE(fs::exists(night / "night_chat_isl:10" / "repetition-0-2"));

  const Exited whole = Run({"run", suite.string(), "--out", (dir_ / "whole").string()});
  ASSERT_EQ(whole.code, 0) << whole.output;
  EXPECT_EQ(CaseNames(night / "results.json"), CaseNames(dir_ / "whole" / "results.json"));
  const Json context = Json::parse(ReadFile(night / "results.json"))["context"];
  EXPECT_FALSE(context["interrupted"].get<bool>());
  EXPECT_EQ(context["server"]["models"], (Json{{{"id", "m"}, {"owned_by", "tests"}}}));

  // A finished run resumes as a no-op.
  const int posts_after = server.posts();
  EXPECT_EQ(Run({"run", suite.string(), "--resume", night.string()}).code, 0);
  EXPECT_EQ(server.posts(), posts_after);
}

TEST_F(SuiteResume, AChangedSuiteFileOrServerIsRefused) {
  auto model = std::make_shared<std::string>("m");
  HostileServer server(HangAtPost(0, model));
  const fs::path suite = WriteSuite(server.url());
  ASSERT_EQ(Run({"run", suite.string(), "--out", (dir_ / "a").string()}).code, 0);

  *model = "m-v2";  // the server now serves another model
  Exited e = Run({"run", suite.string(), "--resume", (dir_ / "a").string()});
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.output.find("the server changed since that run (models m (owned by tests) then, "
                          "models m-v2 (owned by tests) now)"),
            std::string::npos)
      << e.output;

  *model = "m";
  WriteSuite(server.url(), "repetitions: 2\n");
  e = Run({"run", suite.string(), "--resume", (dir_ / "a").string()});
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.output.find("the suite file changed since that run"), std::string::npos) << e.output;

  e = Run({"run", suite.string(), "--resume", (dir_ / "nothing").string()});
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.output.find("no results.json there"), std::string::npos) << e.output;
}

TEST_F(SuiteResume, ACasePastItsTimeoutIsAnErrorAndTheSuiteMovesOn) {
  auto model = std::make_shared<std::string>("m");
  HostileServer server(HangAtPost(1, model));  // case 1's first request never ends
  const fs::path suite = WriteSuite(server.url(), "timeout: 1s\n");
  const Exited e = Run({"run", suite.string(), "--out", (dir_ / "t").string()});
  EXPECT_EQ(e.code, 1) << e.output;      // the timed-out case FAILs; the other five ran
  EXPECT_EQ(server.posts(), 1 + 5 * 2);  // a closed loop of one: the hung request was its only one
  const Json doc = Json::parse(ReadFile(dir_ / "t" / "results.json"));
  int errors = 0, passes = 0;
  for (const auto& b : doc["benchmarks"]) {
    if (b["run_type"] != "iteration" || b.value("label", "") == "gate") continue;
    if (b.value("error_occurred", false)) {
      ++errors;
      EXPECT_EQ(b["run_name"], "night/chat/isl:8");
      EXPECT_EQ(b["error_message"],
                "timed out: the case ran past its timeout of 1 s (the suite's timeout key)");
    } else {
      ++passes;
    }
  }
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(passes, 5);
}

}  // namespace
}  // namespace servebench::testing
