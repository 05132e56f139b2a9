// The mock's own HTTP/1.1 server: every stream is written by its event loop (no thread per
// connection), keep-alive, Content-Length and chunked framing, pipelining refused cleanly, and
// the limits on heads and bodies. cpp-httplib, a client servebench did not write, checks the
// framing.
#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "mock/server_loop.h"
#include "tests/support/hostile_server.h"
#include "tests/support/mock_fixture.h"
#include "tests/support/run_command.h"

namespace servebench::testing {
namespace {

// Reads until the server closes the connection (or 20 s pass, a failure).
std::string ReadToClose(int fd) {
  std::string all;
  char buffer[65536];
  pollfd p{fd, POLLIN, 0};
  while (poll(&p, 1, 20000) > 0) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return all;
    all.append(buffer, static_cast<size_t>(n));
  }
  ADD_FAILURE() << "the server did not close the connection";
  return all;
}

// Reads until `needle` has arrived.
std::string ReadUntil(int fd, const std::string& needle) {
  std::string all;
  char buffer[4096];
  pollfd p{fd, POLLIN, 0};
  while (all.find(needle) == std::string::npos && poll(&p, 1, 20000) > 0) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    all.append(buffer, static_cast<size_t>(n));
  }
  return all;
}

int ThreadsOfThisProcess() {
  int n = 0;
  DIR* dir = opendir("/proc/self/task");
  while (dirent* entry = readdir(dir)) n += entry->d_name[0] != '.';
  closedir(dir);
  return n;
}

std::string StreamRequest() {
  const std::string body =
      R"({"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]})";
  return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(MockHttp, EveryStreamIsWrittenByTheEventLoopWithoutAThreadPerConnection) {
  mock::MockOptions o;
  o.ttft_ms = 60'000;  // every stream stays open until the test leaves
  RunningMock mock(o);
  const int threads_before = ThreadsOfThisProcess();
  constexpr int kStreams = 300;
  std::vector<int> sockets;
  for (int i = 0; i < kStreams; ++i) {
    sockets.push_back(ConnectLoopback(mock.port()));
    ASSERT_GE(sockets.back(), 0);
    ASSERT_TRUE(SendAll(sockets.back(), StreamRequest()));
  }
  // A stream's head goes out when it is admitted: all 300 are open at once.
  for (int fd : sockets) {
    EXPECT_NE(ReadUntil(fd, "\r\n\r\n").find("Transfer-Encoding: chunked"), std::string::npos);
  }
  const mock::MockStats s = mock.server().Stats();
  EXPECT_EQ(s.streams_active, kStreams);
  EXPECT_EQ(s.loop_streams, kStreams);
  EXPECT_EQ(s.connections_accepted, kStreams);
  EXPECT_EQ(ThreadsOfThisProcess(), threads_before);  // serving them started no thread
  EXPECT_LE(s.server_threads, 9);                     // the loop and at most 8 workers
  for (int fd : sockets) close(fd);
}

TEST(MockHttp, KeepAliveServesManyRequestsOnOneConnectionToAnIndependentClient) {
  mock::MockOptions o;
  o.ttft_ms = 1;
  o.itl_ms = 0.1;
  RunningMock mock(o);
  httplib::Client client("127.0.0.1", mock.port());
  client.set_keep_alive(true);
  const std::string body =
      R"({"model":"m","max_completion_tokens":3,"ignore_eos":true,"stream":S,"messages":[{"role":"user","content":"hi"}]})";
  for (const char* stream : {"false", "true", "false", "true"}) {
    std::string b = body;
    b.replace(b.find('S'), 1, stream);
    auto res = client.Post("/v1/chat/completions", b, "application/json");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    if (std::string(stream) == "true") {
      EXPECT_EQ(res->get_header_value("Transfer-Encoding"), "chunked");
      EXPECT_EQ(Occurrences(res->body, "data: "), 1 + 3 + 1 + 1u);  // role, tokens, finish, [DONE]
      EXPECT_NE(res->body.find("data: [DONE]\n\n"), std::string::npos);
    } else {
      EXPECT_EQ(res->get_header_value("Content-Length"), std::to_string(res->body.size()));
      EXPECT_EQ(nlohmann::json::parse(res->body)["usage"]["completion_tokens"], 3);
    }
  }
  auto res = client.Get("/v1/models");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(mock.server().Stats().connections_accepted, 1);
}

TEST(MockHttp, HealthAnswersOkWithAnEmptyBody) {
  RunningMock mock(mock::MockOptions{});
  httplib::Client client("127.0.0.1", mock.port());
  auto health = client.Get("/health");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "");
  EXPECT_EQ(health->get_header_value("Content-Length"), "0");
  auto post = client.Post("/health", "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 404);
}

TEST(MockHttp, PipelinedRequestsGetOneAnswerAndAClose) {
  RunningMock mock(mock::MockOptions{});
  const int fd = ConnectLoopback(mock.port());
  const std::string get = "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(SendAll(fd, get + get + get));
  const std::string reply = ReadToClose(fd);
  close(fd);
  EXPECT_EQ(Occurrences(reply, "HTTP/1.1 200 OK"), 1u);
  EXPECT_NE(reply.find("Connection: close"), std::string::npos);
}

// A bare loop with an echoing handler, for the protocol's edges.
class EchoLoop {
 public:
  explicit EchoLoop(mock::LoopOptions o)
      : loop_(o, [](const mock::HttpRequest& r, int64_t) {
          mock::Pending p;
          p.reply.body = r.method + " " + r.path + " " + r.body;
          return p;
        }) {
    port_ = *loop_.Start();
  }
  int port() const { return port_; }
  mock::ServerLoop& loop() { return loop_; }

 private:
  mock::ServerLoop loop_;
  int port_ = 0;
};

std::string Exchange(int port, const std::string& request) {
  const int fd = ConnectLoopback(port);
  SendAll(fd, request);
  std::string reply = ReadToClose(fd);
  close(fd);
  return reply;
}

TEST(MockHttp, HeadsAndBodiesOverTheLimitsAreRefusedWithTheirStatus) {
  mock::LoopOptions o;
  o.limits.max_head_bytes = 1024;
  o.limits.max_body_bytes = 100;
  EchoLoop echo(o);
  const std::string big_head = "GET / HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n";
  EXPECT_EQ(Exchange(echo.port(), big_head).rfind("HTTP/1.1 431 ", 0), 0u);
  EXPECT_EQ(Exchange(echo.port(), "POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n")
                .rfind("HTTP/1.1 413 ", 0),
            0u);
  EXPECT_EQ(Exchange(echo.port(), "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                .rfind("HTTP/1.1 411 ", 0),
            0u);
  EXPECT_EQ(Exchange(echo.port(), "NOT HTTP\r\n\r\n").rfind("HTTP/1.1 400 ", 0), 0u);
  EXPECT_EQ(Exchange(echo.port(), "GET / HTTP/2.0\r\n\r\n").rfind("HTTP/1.1 400 ", 0), 0u);
}

TEST(MockHttp, ABodyInPiecesAndExpectContinueAreServed) {
  EchoLoop echo(mock::LoopOptions{});
  const int fd = ConnectLoopback(echo.port());
  ASSERT_TRUE(
      SendAll(fd, "POST /p HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n"));
  EXPECT_EQ(ReadUntil(fd, "\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(SendAll(fd, "01234"));
  ASSERT_TRUE(SendAll(fd, "56789"));
  const std::string reply = ReadUntil(fd, "0123456789");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(reply.find("Content-Length: 18\r\n"), std::string::npos);
  EXPECT_NE(reply.find("\r\n\r\nPOST /p 0123456789"), std::string::npos);
  // HTTP/1.0 without keep-alive: answered, then closed.
  ASSERT_TRUE(SendAll(fd, "GET /q?x=1 HTTP/1.0\r\n\r\n"));
  const std::string last = ReadToClose(fd);
  close(fd);
  EXPECT_NE(last.find("Connection: close\r\n\r\nGET /q "), std::string::npos);
}

TEST(MockHttp, AnIdleConnectionIsClosedAfterTheKeepAliveTimeout) {
  mock::LoopOptions o;
  o.idle_timeout_ns = 50'000'000;
  EchoLoop echo(o);
  const int fd = ConnectLoopback(echo.port());
  EXPECT_EQ(ReadToClose(fd), "");  // closed by the server, with nothing sent
  close(fd);
  EXPECT_EQ(echo.loop().Stats().connections_accepted, 1);
}

}  // namespace
}  // namespace servebench::testing
