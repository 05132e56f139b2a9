// Issue 9 on the suite side and over TLS, end to end with the real binary: a baseline of another
// suite, an interrupted suite (one signal and two), and TLS failures that say how to fix them.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runner/tokenizers/server_tokenizer.h"
#include "tests/support/binary_test.h"
#include "tests/support/hostile_server.h"

namespace servebench::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

bool FinishedStream(int fd, const HostileRequest& r) {
  if (r.method != "POST") return false;
  SendFinishedChat(fd);
  return true;
}

// The first `quick` requests finish at once; later ones stream until the client leaves.
HostileServer::Script QuickThenEndless(int quick) {
  auto count = std::make_shared<std::atomic<int>>(0);
  return [count, quick](int fd, const HostileRequest& r) {
    if (r.method != "POST") return false;
    if (count->fetch_add(1) < quick) {
      SendFinishedChat(fd);
    } else {
      SendEndlessChat(fd);
    }
    return true;
  };
}

class SuiteReliability : public BinaryTest {
 protected:
  SuiteReliability() : BinaryTest("servebench-suite-rel") {}

  fs::path WriteSuite(const std::string& url, const std::string& name = "stop") {
    const fs::path file = dir_ / (name + ".yaml");
    std::ofstream(file) << "suite: " << name << "\nserver: {url: '" << url
                        << "'}\ndefaults: {model: m, streaming: true, request_count: 2, isl: 8, "
                           "benchmark_grace_period: 0.2}\nmatrix: {concurrency: [1, 2]}\n";
    return file;
  }
  Json Read(const fs::path& file) { return Json::parse(ReadFile(file)); }
};

std::vector<std::string> Names(const Json& results) {
  std::vector<std::string> names;
  for (const auto& b : results["benchmarks"]) {
    if (b["run_type"] == "iteration" && b.value("label", "") != "gate")
      names.push_back(b["run_name"]);
  }
  return names;
}

// Item 6: a baseline of another suite is an error; a changed suite file a warning.
TEST_F(SuiteReliability, ABaselineOfAnotherSuiteIsRefused) {
  HostileServer server(FinishedStream);
  const fs::path suite = WriteSuite(server.url());
  Exited e = Run({"run", suite.string(), "--out", (dir_ / "a").string()});
  ASSERT_EQ(e.code, 0) << e.output;
  Json other = Read(dir_ / "a" / "results.json");
  other["context"]["suite"] = "nightly";
  std::ofstream(dir_ / "other.json") << other.dump();
  e = Run({"run", suite.string(), "--baseline", (dir_ / "other.json").string(), "--out",
           (dir_ / "b").string()});
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.output.find("is a baseline of suite 'nightly', not 'stop'"), std::string::npos)
      << e.output;
  EXPECT_FALSE(fs::exists(dir_ / "b"));  // refused before anything ran
  e = Run({"compare", (dir_ / "other.json").string(), (dir_ / "a" / "results.json").string()});
  EXPECT_EQ(e.code, 2) << e.output;

  Json changed = Read(dir_ / "a" / "results.json");
  changed["context"]["suite_sha256"] = std::string(64, '0');
  std::ofstream(dir_ / "changed.json") << changed.dump();
  e = Run({"run", suite.string(), "--baseline", (dir_ / "changed.json").string(), "--out",
           (dir_ / "c").string()});
  EXPECT_EQ(e.code, 0) << e.output;
  EXPECT_NE(e.output.find("warning: the suite file changed since"), std::string::npos) << e.output;
}

// Item 15: an interrupted suite writes what finished, marked interrupted, with the process's
// exit status; a second signal leaves the last complete results file.
TEST_F(SuiteReliability, AnInterruptedSuiteSaysSoInItsResults) {
  for (int signals : {1, 2}) {
    HostileServer server(QuickThenEndless(2));  // case 1's two requests, then case 2 hangs
    const fs::path out = dir_ / ("out-" + std::to_string(signals));
    const Child child = Start({"run", WriteSuite(server.url()).string(), "--out", out.string()});
    ASSERT_TRUE(server.WaitForPosts(3));
    kill(child.pid, SIGTERM);
    if (signals == 2) kill(child.pid, SIGTERM);
    const Exited e = Reap(child);
    EXPECT_EQ(e.code, 143) << e.output;
    const Json results = Read(out / "results.json");  // complete JSON, never empty
    EXPECT_EQ(Names(results), std::vector<std::string>{"stop/chat/concurrency:1"});
    EXPECT_TRUE(results["context"]["interrupted"].get<bool>());
    if (signals == 1) {
      EXPECT_EQ(results["context"]["exit_code"], 143);
      const Json verdicts = Read(out / "verdicts.json");
      EXPECT_TRUE(verdicts["interrupted"].get<bool>());
      EXPECT_EQ(verdicts["exit_code"], 143);
    }
  }
}

// Item 13: a TLS failure says how to trust the server; --ca-cert and SSL_CERT_FILE do.
TEST_F(SuiteReliability, TlsFailuresHintAtTheFixAndCaCertIsHonoured) {
  const fs::path cert = dir_ / "cert.pem", key = dir_ / "key.pem";
  ASSERT_EQ(RunCommand("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                       "-addext subjectAltName=IP:127.0.0.1 -keyout " +
                       key.string() + " -out " + cert.string())
                .status,
            0);
  // A free port for openssl's server.
  const int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &size);
  const int port = ntohs(addr.sin_port);
  close(probe);
  const Child tls = Spawn({"/usr/bin/openssl", "s_server", "-accept", std::to_string(port), "-cert",
                           cert.string(), "-key", key.string(), "-www", "-quiet"},
                          dir_ / "s_server.txt");
  bool up = false;  // wait (bounded) until it accepts connections
  for (int i = 0; i < 500 && !up; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    up = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (!up) usleep(10'000);
  }
  ASSERT_TRUE(up);
  const std::string url = "https://127.0.0.1:" + std::to_string(port);
  // openssl's -www server answers GET only: the POST ends at the request timeout.
  const std::vector<std::string> profile = {
      "profile", "--model",         "m", "--url",
      url,       "--request-count", "1", "--request-timeout-seconds",
      "1",       "--artifact-dir"};
  auto with = [&](std::vector<std::string> extra, const std::string& name) {
    std::vector<std::string> args = profile;
    args.push_back((dir_ / name).string());
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  };
  Exited e = with({}, "untrusted");
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.output.find("give --ca-cert FILE, SSL_CERT_FILE or CURL_CA_BUNDLE"),
            std::string::npos)
      << e.output;
  EXPECT_NE(e.output.find("--insecure"), std::string::npos);
  e = with({"--ca-cert", cert.string()}, "trusted");
  EXPECT_EQ(e.output.find("SSL certificate"), std::string::npos) << e.output;
  EXPECT_NE(e.code, 2) << e.output;  // past the readiness check: the TLS handshake held
  setenv("SSL_CERT_FILE", cert.c_str(), 1);
  e = with({}, "trusted-by-env");
  unsetenv("SSL_CERT_FILE");
  EXPECT_EQ(e.output.find("SSL certificate"), std::string::npos) << e.output;
  // --tokenizer server goes through the same TLS settings and request timeout (its own curl
  // handle trusted no --ca-cert and waited 60 s).
  base::HttpOptions http;
  http.timeout_s = 1;
  auto untrusted = tokenizers::MakeServerTokenizer({url, "m", http});
  ASSERT_FALSE(untrusted);
  EXPECT_NE(untrusted.error().message.find("give --ca-cert FILE"), std::string::npos)
      << untrusted.error().message;
  for (bool insecure : {false, true}) {
    http.ca_cert = insecure ? "" : cert.string();
    http.insecure = insecure;
    auto trusted = tokenizers::MakeServerTokenizer({url, "m", http});
    ASSERT_FALSE(trusted);  // openssl's server answers no POST: the request timeout ends it
    EXPECT_EQ(trusted.error().message.find("SSL certificate"), std::string::npos)
        << trusted.error().message;
    EXPECT_NE(trusted.error().message.find("Timeout was reached"), std::string::npos)
        << trusted.error().message;
  }
  kill(tls.pid, SIGTERM);
  Reap(tls);
}

}  // namespace
}  // namespace servebench::testing
