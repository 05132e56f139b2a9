// Issue 9's reproductions, end to end: the real servebench binary against servers the tests
// start (hostile ones written here, and the built-in mock), checking exit codes and files.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/socket.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/support/hostile_server.h"

namespace servebench::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Peak memory of a child: asserted where it means something (not under ASan).
void ExpectPeakUnder64MiB(const Exited& e) {
#ifndef SERVEBENCH_SANITIZED
  EXPECT_LT(e.max_rss_kib, 64 * 1024) << "peak RSS " << e.max_rss_kib << " KiB";
#else
  (void)e;
#endif
}

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = FreshTempDir("servebench-hostile"); }
  void TearDown() override { fs::remove_all(dir_); }

  Child Start(std::vector<std::string> args) {
    args.insert(args.begin(), kBinary);
    return Spawn(args, dir_ / ("output-" + std::to_string(++runs_) + ".txt"));
  }
  Exited Run(std::vector<std::string> args) { return Reap(Start(std::move(args))); }
  // profile against url with the usual flags, results in dir_/name.
  std::vector<std::string> Profile(const std::string& url, const std::string& name,
                                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "profile",     "--model", "m",  "--url",          url,
        "--streaming", "--isl",   "16", "--artifact-dir", (dir_ / name).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  Json Export(const std::string& name) {
    return Json::parse(ReadFile(dir_ / name / "profile_export.json"));
  }
  std::vector<Json> Lines(const std::string& name) {
    std::vector<Json> lines;
    std::ifstream in(dir_ / name / "profile_export.jsonl");
    for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
    return lines;
  }

  fs::path dir_;
  int runs_ = 0;
};

// A reply of three content events and then nothing: no finish_reason, no [DONE].
bool CutAfterThree(int fd, const HostileRequest& r, bool chunked) {
  if (r.method != "POST") return false;
  std::string body;
  for (const char* word : {"one", "two", "three"}) body += ChatEvent(word);
  if (chunked) {
    SendAll(fd, Head("200 OK", {"Content-Type: text/event-stream", "Transfer-Encoding: chunked"}) +
                    Chunk(body) + "0\r\n\r\n");
  } else {
    SendAll(fd, Head("200 OK", {"Content-Type: text/event-stream", "Connection: close"}) + body);
  }
  return true;
}

// An event every 20 ms until the client leaves (bounded at 60 s).
bool EndlessStream(int fd, const HostileRequest& r) {
  if (r.method != "POST") return false;
  if (!SendAll(fd, Head("200 OK", {"Content-Type: text/event-stream", "Connection: close"})))
    return true;
  for (int i = 0; i < 3000 && SendAll(fd, ChatEvent("x")); ++i) usleep(20'000);
  return true;
}

bool Answer(int fd, const std::string& status, const std::string& type, const std::string& body,
            std::vector<std::string> headers = {}) {
  headers.push_back("Content-Type: " + type);
  headers.push_back("Content-Length: " + std::to_string(body.size()));
  SendAll(fd, Head(status, headers) + body);
  return true;
}

std::string FinishedStreamBody() {
  return ChatEvent("hi") + ChatEvent("", "stop") + "data: [DONE]\n\n";
}

bool GoodStream(int fd, const HostileRequest& r) {
  if (r.method != "POST") return false;
  return Answer(fd, "200 OK", "text/event-stream", FinishedStreamBody());
}

// Item 1: a full disk is an error naming the file, not exit 0 with empty files.
TEST_F(Hostile, WriteFailuresAreErrorsThatNameTheFile) {
  const fs::path tiny = dir_ / "tiny";
  fs::create_directories(tiny);
  if (mount("tmpfs", tiny.c_str(), "tmpfs", 0, "size=32k") != 0)
    GTEST_SKIP() << "mounting a tmpfs needs root (CI runs as root)";
  const Exited e = Run({"profile",
                        "--model",
                        "m",
                        "--url",
                        "mock",
                        "--streaming",
                        "--request-count",
                        "200",
                        "--concurrency",
                        "8",
                        "--isl",
                        "200",
                        "--osl",
                        "4",
                        "--mock-ttft-ms",
                        "1",
                        "--mock-itl-ms",
                        "1",
                        "--artifact-dir",
                        (tiny / "run").string()});
  umount2(tiny.c_str(), MNT_DETACH);
  EXPECT_EQ(e.code, 2) << e.output;
  EXPECT_NE(e.output.find("No space left on device"), std::string::npos) << e.output;
  EXPECT_NE(e.output.find("kept: the console table above"), std::string::npos) << e.output;
  EXPECT_NE(e.output.find("profile_export.jsonl: cannot write (No space left on device) after "),
            std::string::npos)
      << e.output;
  EXPECT_NE(e.output.find("Request count"), std::string::npos);  // the table was still shown
}

// Item 2: a stream cut before its finish is an error of its own type, over either framing.
TEST_F(Hostile, StreamsCutBeforeTheirFinishAreTruncated) {
  for (bool chunked : {false, true}) {
    HostileServer server(
        [&](int fd, const HostileRequest& r) { return CutAfterThree(fd, r, chunked); });
    const std::string name = chunked ? "chunked" : "close";
    const Exited e = Run(Profile(server.url(), name, {"--request-count", "4"}));
    EXPECT_EQ(e.code, 1) << e.output;  // no request succeeded
    const auto lines = Lines(name);
    ASSERT_EQ(lines.size(), 4u);
    for (const auto& line : lines) {
      EXPECT_EQ(line["error"]["type"], "truncated") << line;
      EXPECT_TRUE(line["metrics"].contains("time_to_first_token"));  // what arrived is kept
    }
    EXPECT_EQ(Export(name)["error_request_count"]["value"], 4);
    EXPECT_EQ(Export(name)["request_count"]["value"], 0);
  }
}

// Bytes that are not UTF-8, in a stream's event and in an error reply with its status line:
// no crash. The event counts as malformed; the error reads with U+FFFD in the exports, while
// the records keep every byte, so analyze gives the run's profile_export.json again.
TEST_F(Hostile, BytesThatAreNotUtf8AreKeptInTheRecordsAndReadableInTheExports) {
  std::atomic<int> posts{0};
  HostileServer server([&](int fd, const HostileRequest& r) {
    if (r.method != "POST") return false;
    if (posts++ % 2 == 0) {
      const std::string bad = "data: {\"choices\":[{\"delta\":{\"content\":\"\xff\xfe\"}}]}\n\n";
      return Answer(fd, "200 OK", "text/event-stream", bad + FinishedStreamBody());
    }
    return Answer(fd, "500 Oops\xff", "application/json",
                  "{\"error\":{\"message\":\"bad \xff byte\",\"type\":\"x\"}}");
  });
  const Exited e =
      Run(Profile(server.url(), "bytes", {"--request-count", "4", "--concurrency", "1"}));
  EXPECT_EQ(e.code, 0) << e.output;
  const Json run = Export("bytes");
  EXPECT_EQ(run["request_count"]["value"], 2);
  EXPECT_EQ(run["error_request_count"]["value"], 2);
  int replaced = 0;
  for (const Json& line : Lines("bytes")) {
    if (line["error"].is_null()) continue;
    replaced +=
        line["error"]["message"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos;
  }
  EXPECT_EQ(replaced, 2);
  const std::string records = ReadFile(dir_ / "bytes" / "records.jsonl");
  EXPECT_NE(records.find("{\"base64\":"), std::string::npos);
  const Exited again = Run({"analyze", (dir_ / "bytes" / "records.jsonl").string(),
                            "--artifact-dir", (dir_ / "again").string()});
  EXPECT_EQ(again.code, 0) << again.output;
  EXPECT_EQ(ReadFile(dir_ / "again" / "profile_export.json"),
            ReadFile(dir_ / "bytes" / "profile_export.json"));
}

// Item 3: requests in flight when the grace period ends get a line each, marked as cut.
TEST_F(Hostile, RequestsCutByTheGracePeriodAreRecorded) {
  HostileServer server(EndlessStream);
  const Exited e = Run(Profile(
      server.url(), "cut",
      {"--concurrency", "2", "--benchmark-duration", "0.3", "--benchmark-grace-period", "0.2"}));
  EXPECT_EQ(e.code, 1) << e.output;
  const auto lines = Lines("cut");
  ASSERT_EQ(static_cast<int>(lines.size()), server.posts());
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) EXPECT_EQ(line["error"]["type"], "grace_period");
  const Json j = Export("cut");
  EXPECT_EQ(j["grace_period_cut_count"]["value"], 2);
  EXPECT_EQ(j["error_request_count"]["value"], 0);  // cut, not failed: left out of the metrics
  EXPECT_NE(e.output.find("still running after the grace period"), std::string::npos);
}

// Items 4 and 5: a run where every request fails exits 1, with a real duration and no burst
// rate; --max-error-rate fails a run past its limit.
TEST_F(Hostile, ARunWithoutSuccessFailsAndKeepsItsDuration) {
  HostileServer server([](int fd, const HostileRequest& r) {
    if (r.method != "POST") return false;
    return Answer(fd, "500 Internal Server Error", "application/json",
                  R"({"error":{"message":"down","type":"server_error"}})");
  });
  const Exited e = Run(Profile(server.url(), "fail", {"--benchmark-duration", "0.5"}));
  EXPECT_EQ(e.code, 1) << e.output;
  EXPECT_NE(e.output.find("no request succeeded"), std::string::npos);
  const Json j = Export("fail");
  ASSERT_TRUE(j.contains("benchmark_duration"));
  EXPECT_GT(j["benchmark_duration"]["value"].get<double>(), 0);
  EXPECT_FALSE(j.contains("achieved_request_rate"));  // closed loop: no target to compare with
  EXPECT_EQ(j["request_count"]["value"], 0);
}

TEST_F(Hostile, MaxErrorRateFailsTheRunPastItsLimit) {
  std::atomic<int> n{0};
  HostileServer server([&](int fd, const HostileRequest& r) {
    if (r.method != "POST") return false;
    if (n++ % 2 == 0) return GoodStream(fd, r);
    return Answer(fd, "503 Service Unavailable", "application/json",
                  R"({"error":{"message":"busy","type":"overloaded"}})");
  });
  EXPECT_EQ(
      Run(Profile(server.url(), "a", {"--request-count", "10", "--max-error-rate", "60"})).code, 0);
  const Exited e =
      Run(Profile(server.url(), "b", {"--request-count", "10", "--max-error-rate", "10"}));
  EXPECT_EQ(e.code, 1) << e.output;
  EXPECT_NE(e.output.find("error rate 50 % is above --max-error-rate 10 %"), std::string::npos)
      << e.output;
}

// Item 7: 0 is refused like a negative value, never read as "not set".
TEST_F(Hostile, ZeroIsRefusedNotReadAsUnset) {
  for (const char* flag : {"--request-count", "--concurrency", "--request-rate"}) {
    const Exited e = Run({"profile", "--model", "m", flag, "0"});
    EXPECT_EQ(e.code, 2) << flag;
    EXPECT_NE(e.output.find(std::string(flag) + ": expected"), std::string::npos) << e.output;
  }
  const Exited both =
      Run({"profile", "--model", "m", "--benchmark-duration", "5", "--request-count", "9"});
  EXPECT_EQ(both.code, 2);
  EXPECT_NE(both.output.find("give one of them"), std::string::npos) << both.output;
}

// Item 8: inputs that crashed (exit 134) are one-line errors with exit 2.
TEST_F(Hostile, BadPathsAndSizesAreErrorsNotCrashes) {
  const fs::path file = dir_ / "a-file";
  std::ofstream(file) << "x";
  const std::vector<std::vector<std::string>> cases = {
      {"--artifact-dir", (file / "under").string()},  // a folder under a file
      {"--artifact-dir", file.string()},              // an existing file
      {"--tokenizer", dir_.string()},                 // a folder
      {"--isl", "999999999999"},                      // beyond any context window
      {"--max-event-bytes", "12"},                    // below its floor
  };
  for (const auto& extra : cases) {
    std::vector<std::string> args = {"profile", "--model", "m", "--request-count", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Exited e = Run(args);
    EXPECT_EQ(e.code, 2) << extra[0] << " " << extra[1] << "\n" << e.output;
    EXPECT_NE(e.output.find(extra[0]), std::string::npos) << e.output;
    EXPECT_EQ(std::count(e.output.begin(), e.output.end(), '\n'), 1) << e.output;
  }
}

// Item 9: one endless SSE event cannot take the client's memory.
TEST_F(Hostile, AnOversizedEventIsTooLargeAndMemoryStaysBounded) {
  HostileServer server([](int fd, const HostileRequest& r) {
    if (r.method != "POST") return false;
    if (!SendAll(fd, Head("200 OK", {"Content-Type: text/event-stream", "Connection: close"}) +
                         "data: "))
      return true;
    const std::string block(1 << 16, 'a');
    for (int i = 0; i < 1000 && SendAll(fd, block); ++i) {  // up to 64 MB with no newline
    }
    return true;
  });
  const Exited e = Run(Profile(server.url(), "big", {"--request-count", "1"}));
  EXPECT_EQ(e.code, 1) << e.output;
  const auto lines = Lines("big");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["error"]["type"], "too_large");
  ExpectPeakUnder64MiB(e);
}

// Item 10: a huge matrix and an alias bomb are refused quickly, in little memory.
TEST_F(Hostile, HugeSuitesAreRefusedBeforeTheyExpand) {
  const fs::path matrix = dir_ / "matrix.yaml";
  {
    std::ofstream out(matrix);
    out << "suite: big\ndefaults: {model: m}\nmatrix:\n  isl: [";
    for (int i = 1; i <= 1000; ++i) out << i << (i < 1000 ? "," : "]\n");
    out << "  osl: [";
    for (int i = 1; i <= 1000; ++i) out << i << (i < 1000 ? "," : "]\n");
    out << "  concurrency: [1,2,3,4,5,6,7,8,9,10]\n";
  }
  Exited e = Run({"list", matrix.string()});
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.output.find("more than 100000 cases"), std::string::npos) << e.output;
  ExpectPeakUnder64MiB(e);

  const fs::path bomb = dir_ / "bomb.yaml";
  {
    std::ofstream out(bomb);
    out << "suite: bomb\ndefaults:\n  model: m\n  extra_inputs:\n"
        << "    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 9; ++i) {
      out << "    a" << i << ": &a" << i << " [";
      for (int k = 0; k < 10; ++k) out << "*a" << i - 1 << (k < 9 ? ", " : "]\n");
    }
  }
  e = Run({"list", bomb.string()});
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.output.find("more than 100000 values"), std::string::npos) << e.output;
  ExpectPeakUnder64MiB(e);
}

// Item 11: CR, LF or NUL in a header is refused with the flag's name.
TEST_F(Hostile, HeaderInjectionIsRefused) {
  const Exited e = Run({"profile", "--model", "m", "-H", "X-Evil: a\r\nInjected: b"});
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.output.find("--header: CR, LF and NUL are not allowed"), std::string::npos)
      << e.output;
}

// Item 12: only http(s); a base URL ending in /v1 is not doubled; the readiness check obeys
// --request-timeout-seconds.
TEST_F(Hostile, UrlsAreCheckedAndV1IsNotDoubled) {
  for (const char* url : {"ftp://127.0.0.1/", "gopher://127.0.0.1/", "file:///etc/passwd"}) {
    const Exited e = Run({"profile", "--model", "m", "--url", url});
    EXPECT_EQ(e.code, 2) << url;
    EXPECT_NE(e.output.find("only http:// and https://"), std::string::npos) << e.output;
  }
  std::vector<std::string> paths;
  std::mutex mutex;
  HostileServer server([&](int fd, const HostileRequest& r) {
    std::lock_guard lock(mutex);
    paths.push_back(r.path);
    return r.method == "POST" && GoodStream(fd, r);
  });
  const Exited e = Run(Profile(server.url() + "/v1/", "v1", {"--request-count", "2"}));
  EXPECT_EQ(e.code, 0) << e.output;
  EXPECT_NE(e.output.find("--url ends in /v1"), std::string::npos) << e.output;
  std::lock_guard lock(mutex);
  EXPECT_EQ(paths.front(), "/v1/models");
  EXPECT_EQ(paths.back(), "/v1/chat/completions");
}

TEST_F(Hostile, TheReadinessCheckObeysTheRequestTimeout) {
  HostileServer server([](int fd, const HostileRequest&) {
    char byte;
    recv(fd, &byte, 1, 0);  // answers nothing; returns when the client gives up
    return true;
  });
  const auto start = std::chrono::steady_clock::now();
  const Exited e = Run(Profile(server.url(), "slow", {"--request-timeout-seconds", "0.5"}));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(e.code, 2) << e.output;
  EXPECT_NE(e.output.find("Timeout was reached"), std::string::npos) << e.output;
  EXPECT_LT(seconds, 8) << "a fixed 10 s readiness timeout would be this slow";
}

// Item 13: error labels say what happened.
TEST_F(Hostile, RedirectsAndWrongContentTypesAreNamed) {
  HostileServer redirect([](int fd, const HostileRequest& r) {
    if (r.method != "POST") return false;
    return Answer(fd, "307 Temporary Redirect", "text/plain", "",
                  {"Location: https://elsewhere.invalid/v1/chat/completions"});
  });
  Exited e = Run(Profile(redirect.url(), "redirect", {"--request-count", "1"}));
  EXPECT_EQ(e.code, 1);
  auto line = Lines("redirect").at(0);
  EXPECT_EQ(line["error"]["type"], "redirect");
  EXPECT_NE(line["error"]["message"].get<std::string>().find(
                "https://elsewhere.invalid/v1/chat/completions (not followed"),
            std::string::npos);

  HostileServer html([](int fd, const HostileRequest& r) {
    if (r.method != "POST") return false;
    return Answer(fd, "200 OK", "text/html; charset=utf-8", "<html>Please log in</html>");
  });
  e = Run(Profile(html.url(), "html", {"--request-count", "1"}));
  line = Lines("html").at(0);
  EXPECT_EQ(line["error"]["type"], "content_type");
  EXPECT_NE(line["error"]["message"].get<std::string>().find("text/html"), std::string::npos);
}

TEST_F(Hostile, UsageThatDisagreesWithTheStreamedTextWarns) {
  HostileServer server([](int fd, const HostileRequest& r) {
    if (r.method != "POST") return false;
    return Answer(fd, "200 OK", "text/event-stream",
                  ChatEvent("hello") + ChatEvent("", "stop") +
                      R"(data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":40}})"
                      "\n\ndata: [DONE]\n\n");
  });
  const Exited e = Run(Profile(server.url(), "usage",
                               {"--request-count", "2", "--tokenizer", SERVEBENCH_TEST_TOKENIZER}));
  EXPECT_EQ(e.code, 0) << e.output;
  EXPECT_NE(e.output.find("2 requests: the server's usage differs from the client tokenizer's"),
            std::string::npos)
      << e.output;
}

// Item 14: SIGTERM and SIGHUP stop issuing, write everything, and exit 143 / 129.
TEST_F(Hostile, TermAndHupWriteTheResultsAndExitWithTheSignal) {
  for (int signal : {SIGTERM, SIGHUP}) {
    HostileServer server(EndlessStream);
    const std::string name = "signal-" + std::to_string(signal);
    const Child child = Start(Profile(
        server.url(), name,
        {"--concurrency", "2", "--request-count", "10", "--benchmark-grace-period", "0.2"}));
    ASSERT_TRUE(server.WaitForPosts(2));
    kill(child.pid, signal);
    const Exited e = Reap(child);
    EXPECT_EQ(e.code, 128 + signal) << e.output;
    const Json j = Export(name);
    EXPECT_TRUE(j["was_cancelled"].get<bool>());
    EXPECT_EQ(static_cast<int>(Lines(name).size()), server.posts());  // every request sent
  }
}

// Item 16, 17, 18: credentials never reach the console, the log or any result file.
TEST_F(Hostile, SecretsAreRedactedEverywhere) {
  std::string seen_cookie;
  std::mutex mutex;
  HostileServer server([&](int fd, const HostileRequest& r) {
    std::lock_guard lock(mutex);
    if (r.head.find("Cookie: sk-2") != std::string::npos) seen_cookie = "sent";
    return r.method == "POST" && GoodStream(fd, r);
  });
  const std::string url = "http://user:sk-1@127.0.0.1:" + std::to_string(server.port());
  const Exited e =
      Run(Profile(url, "secrets",
                  {"--request-count", "2", "-H", "Cookie: sk-2", "-H", "Proxy-Authorization: sk-3",
                   "-H", "X-Goog-Api-Key: sk-4", "-H", "x-custom-token: sk-5", "--redact-header",
                   "X-Plain", "-H", "X-Plain: sk-6"}));
  EXPECT_EQ(e.code, 0) << e.output;
  EXPECT_EQ(seen_cookie, "sent");  // the headers were sent; only their record is redacted
  EXPECT_EQ(e.output.find("sk-"), std::string::npos) << e.output;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "secrets")) {
    if (!entry.is_regular_file()) continue;
    EXPECT_EQ(ReadFile(entry.path()).find("sk-"), std::string::npos) << entry.path();
  }
  const Exited both =
      Run({"profile", "--model", "m", "--api-key", "k", "-H", "authorization: Bearer other"});
  EXPECT_EQ(both.code, 2);
  EXPECT_NE(both.output.find("both set the Authorization header"), std::string::npos);
}

}  // namespace
}  // namespace servebench::testing
