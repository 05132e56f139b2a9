// Both HTTP clients (libcurl's and servebench's own, http1_transport.h) pass the same tests,
// driven directly over loopback: framings, cuts, interim answers, caps, timeouts, keep-alive
// reuse, a kept connection the server closed, cancellation and the prewarm.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runner/base/clock.h"
#include "runner/transport/http1_transport.h"
#include "tests/support/hostile_server.h"
#include "tests/support/mock_fixture.h"

namespace servebench {
namespace {

using testing::Chunk;
using testing::Head;
using testing::HostileRequest;
using testing::HostileServer;
using testing::SendAll;

constexpr int64_t kSecond = 1'000'000'000;
const std::atomic<int> kGoOn{0};  // no Ctrl-C

class TransportTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<transport::Transport> Make(transport::TransportOptions options = {}) {
    options.http_client = GetParam();
    return transport::MakeTransport(options, "http://127.0.0.1/");
  }
  // Sends one POST and waits (at most 20 s) for its record.
  records::Record Send(transport::Transport& t, const std::string& url, uint64_t id = 1) {
    records::Record seed;
    seed.request_id = id;
    t.Start(seed, url, std::make_shared<const std::string>(R"({"stream":true})"));
    return Wait(t);
  }
  records::Record Wait(transport::Transport& t) {
    std::vector<records::Record> finished;
    const int64_t give_up = base::MonotonicNs() + 20 * kSecond;
    while (finished.empty() && base::MonotonicNs() < give_up) t.Poll(give_up, finished);
    EXPECT_EQ(finished.size(), 1u);
    return finished.empty() ? records::Record{} : finished.front();
  }
};

std::string Events(const records::Record& r) {
  std::string all;
  for (const auto& e : r.events) all += e.data + "|";
  return all;
}

TEST_P(TransportTest, ChunksSplitAnywhereGiveTheSameEventsWithExtensionsAndTrailers) {
  HostileServer server([](int fd, const HostileRequest&) {
    const std::string events = "data: one\n\ndata: two\r\n\r\n: comment\ndata: three\n\n";
    std::string body;
    // Chunks of 1, 2, 3... bytes: boundaries inside lines, inside CRLF, inside "data:".
    for (size_t at = 0, size = 1; at < events.size(); at += size, ++size) {
      const std::string piece = events.substr(at, size);
      char line[32];
      std::snprintf(line, sizeof line, "%zx;ext=1\r\n", piece.size());
      body += line + piece + "\r\n";
    }
    body += "0\r\nX-Trailer: yes\r\n\r\n";
    SendAll(fd, Head("200 OK", {"Content-Type: text/event-stream; charset=utf-8",
                                "Transfer-Encoding: chunked"}) +
                    body);
    return true;
  });
  auto t = Make();
  const int64_t before = base::MonotonicNs();
  const records::Record r = Send(*t, server.url() + "/v1/chat/completions");
  EXPECT_FALSE(r.error) << r.error->type << ": " << r.error->message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/event-stream; charset=utf-8");
  EXPECT_EQ(Events(r), "one|two|three|");
  EXPECT_GE(r.start_ns, before);
  EXPECT_LE(r.start_ns, r.headers_ns);
  EXPECT_LE(r.headers_ns, r.events.front().ns);
  EXPECT_LE(r.events.back().ns, r.end_ns);
}

TEST_P(TransportTest, ALengthOrACloseEndsABodyAndTheRequestCarriesItsHeaders) {
  for (bool by_length : {true, false}) {
    std::string head_seen;
    HostileServer server([&](int fd, const HostileRequest& request) {
      head_seen = request.head;
      const std::string body = R"({"choices":[]})";
      SendAll(fd,
              Head("200 OK", by_length ? std::vector<std::string>{"Content-Type: application/json",
                                                                  "Content-Length: 14"}
                                       : std::vector<std::string>{"Connection: close"}) +
                  body);
      return true;
    });
    transport::TransportOptions options;
    options.headers = {"Authorization: Bearer sk-test", "X-Extra: 1"};
    auto t = Make(options);
    const records::Record r = Send(*t, server.url() + "/v1/chat/completions", 42);
    EXPECT_FALSE(r.error) << (r.error ? r.error->message : "");
    EXPECT_EQ(r.body, R"({"choices":[]})");
    EXPECT_NE(head_seen.find("X-Request-Id: 42"), std::string::npos) << head_seen;
    EXPECT_NE(head_seen.find("Authorization: Bearer sk-test"), std::string::npos);
    EXPECT_NE(head_seen.find("Content-Type: application/json"), std::string::npos);
  }
}

TEST_P(TransportTest, CutsAndEmptyRepliesAreNamed) {
  struct Case {
    std::string reply, type;
  };
  const std::vector<Case> cases = {
      {Head("200 OK", {"Content-Type: text/event-stream", "Transfer-Encoding: chunked"}) +
           Chunk("data: one\n\n") + "20\r\ndata: t",
       "truncated"},
      {Head("200 OK", {"Content-Length: 100"}) + "{\"partial\"", "truncated"},
      {"", "reset"},
  };
  for (const Case& c : cases) {
    HostileServer server([&](int fd, const HostileRequest&) {
      SendAll(fd, c.reply);
      return true;
    });
    auto t = Make();
    const records::Record r = Send(*t, server.url() + "/v1/chat/completions");
    ASSERT_TRUE(r.error) << c.type;
    EXPECT_EQ(r.error->type, c.type) << r.error->message;
  }
}

TEST_P(TransportTest, AnInterimAnswerIsSkipped) {
  HostileServer server([](int fd, const HostileRequest&) {
    SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n" +
                    Head("201 Created", {"Content-Type: application/json", "Content-Length: 2"}) +
                    "{}");
    return true;
  });
  auto t = Make();
  const records::Record r = Send(*t, server.url() + "/v1/completions");
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "{}");
}

TEST_P(TransportTest, AnOversizedEventIsTooLargeAndARefusedConnectIsConnect) {
  HostileServer server([](int fd, const HostileRequest&) {
    SendAll(fd, Head("200 OK", {"Content-Type: text/event-stream", "Connection: close"}) +
                    "data: " + std::string(5000, 'x'));
    return true;
  });
  transport::TransportOptions options;
  options.max_event_bytes = 1024;
  auto t = Make(options);
  records::Record r = Send(*t, server.url() + "/v1/chat/completions");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->type, "too_large");
  EXPECT_TRUE(r.events.empty());

  const int port = [] {  // a port nobody listens on: the server's, once it has gone
    HostileServer gone([](int, const HostileRequest&) { return true; });
    return gone.port();
  }();
  r = Send(*t, "http://127.0.0.1:" + std::to_string(port) + "/v1/chat/completions");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->type, "connect");
  EXPECT_EQ(r.connect_ns, -1);
}

TEST_P(TransportTest, ASilentServerTimesOutAndACancelledRequestIsRecorded) {
  HostileServer server([](int fd, const HostileRequest&) {
    char byte;
    [[maybe_unused]] ssize_t n = recv(fd, &byte, 1, 0);  // until the client leaves
    return true;
  });
  transport::TransportOptions options;
  options.timeout_s = 0.2;
  auto t = Make(options);
  const int64_t before = base::MonotonicNs();
  records::Record r = Send(*t, server.url() + "/v1/chat/completions");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->type, "timeout");
  EXPECT_EQ(r.error->message, "Timeout was reached");
  EXPECT_GE(r.end_ns - before, 200'000'000);

  auto untimed = Make();
  records::Record seed;
  seed.request_id = 9;
  untimed->Start(seed, server.url() + "/v1/chat/completions",
                 std::make_shared<const std::string>("{}"));
  std::vector<records::Record> none;  // the loop runs only inside Poll
  const int64_t give_up = base::MonotonicNs() + 20 * kSecond;
  while (server.posts() < 2 && base::MonotonicNs() < give_up)
    untimed->Poll(base::MonotonicNs() + 10'000'000, none);
  ASSERT_EQ(server.posts(), 2);
  ASSERT_TRUE(none.empty());
  untimed->Cancel(9, records::RecordError{499, "cancelled", "stopped"});
  untimed->Cancel(10, records::RecordError{499, "cancelled", "not in flight: ignored"});
  EXPECT_EQ(untimed->in_flight(), 1u);  // finished, not yet handed out
  r = Wait(*untimed);
  EXPECT_EQ(r.request_id, 9u);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, (records::RecordError{499, "cancelled", "stopped"}));
  EXPECT_EQ(untimed->in_flight(), 0u);
}

// The mock keeps connections: after the prewarm every request goes on a warm one.
TEST_P(TransportTest, PrewarmedConnectionsCarryTheRequests) {
  mock::MockOptions options;
  options.ttft_ms = 1;
  options.itl_ms = 0;
  testing::RunningMock mock(options);
  const std::string base = "http://127.0.0.1:" + std::to_string(mock.port());
  auto t = Make();
  EXPECT_EQ(t->Prewarm(base + "/v1/models", 3, base::MonotonicNs() + 10 * kSecond, kGoOn), 3u);
  for (uint64_t id = 1; id <= 3; ++id) {
    records::Record seed;
    seed.request_id = id;
    seed.model = "m";
    t->Start(
        seed, base + "/v1/chat/completions",
        std::make_shared<const std::string>(
            R"({"model":"m","stream":true,"max_tokens":3,"messages":[{"role":"user","content":"hi"}]})"));
  }
  std::vector<records::Record> finished;
  const int64_t give_up = base::MonotonicNs() + 20 * kSecond;
  while (finished.size() < 3 && base::MonotonicNs() < give_up) t->Poll(give_up, finished);
  ASSERT_EQ(finished.size(), 3u);
  for (const auto& r : finished) {
    EXPECT_FALSE(r.error) << r.error->message;
    EXPECT_EQ(r.connect_ns, -1) << "request " << r.request_id << " connected";
    EXPECT_GE(r.events.size(), 3u);
  }
}

// A server that answers with a kept connection and then closes it: the next request still
// succeeds (sent again on a new connection, or the close was seen first); a prewarm of a server
// that says it closes keeps nothing.
TEST_P(TransportTest, AKeptConnectionTheServerClosedIsNotAnError) {
  HostileServer server([](int fd, const HostileRequest& request) {
    SendAll(fd, Head("200 OK", {"Content-Type: application/json", "Content-Length: 2",
                                request.method == "GET" ? "Connection: close" : "X-Kept: yes"}) +
                    "{}");
    return true;  // and the connection closes
  });
  auto t = Make();
  for (uint64_t id = 1; id <= 5; ++id) {
    const records::Record r = Send(*t, server.url() + "/v1/completions", id);
    EXPECT_FALSE(r.error) << "request " << id << ": " << r.error->message;
    EXPECT_EQ(r.body, "{}");
  }
  EXPECT_EQ(t->Prewarm(server.url() + "/v1/models", 2, base::MonotonicNs() + 10 * kSecond, kGoOn),
            0u);
}

// Ctrl-C during the prewarm of a server that accepts but never answers: the prewarm gives up
// within a check interval, not at its ten-second deadline. The interrupt comes once the server
// has the GETs.
TEST_P(TransportTest, APrewarmStopsAtCtrlC) {
  std::atomic<int> gets{0};
  HostileServer server([&](int fd, const HostileRequest& request) {
    if (request.method != "GET") return true;
    ++gets;
    char byte;
    [[maybe_unused]] ssize_t n = recv(fd, &byte, 1, 0);  // until the client leaves
    return true;
  });
  auto t = Make();
  std::atomic<int> interrupted{0};
  const int64_t before = base::MonotonicNs();
  std::thread ctrl_c([&] {
    while (gets.load() < 2 && base::MonotonicNs() < before + 20 * kSecond)
      std::this_thread::yield();
    interrupted = 1;
  });
  EXPECT_EQ(t->Prewarm(server.url() + "/v1/models", 2, before + 10 * kSecond, interrupted), 0u);
  ctrl_c.join();
  EXPECT_LT(base::MonotonicNs() - before, 5 * kSecond);  // far from the 10 s deadline
}

INSTANTIATE_TEST_SUITE_P(BothClients, TransportTest, ::testing::Values("curl", "builtin"),
                         [](const auto& info) { return info.param; });

TEST(Http1Serves, PlainHttpWithoutAProxyOnly) {
  EXPECT_TRUE(transport::Http1Serves("http://127.0.0.1:8000/v1/chat/completions"));
  EXPECT_TRUE(transport::Http1Serves("HTTP://[::1]:8000/v1"));
  EXPECT_TRUE(transport::Http1Serves("http://localhost"));
  EXPECT_FALSE(transport::Http1Serves("https://api.example.com/v1"));
  EXPECT_FALSE(transport::Http1Serves("http://user:secret@host/v1"));
  EXPECT_FALSE(transport::Http1Serves("http://host:99999999/v1"));
  EXPECT_FALSE(transport::Http1Serves("http://:80/v1"));
  setenv("http_proxy", "http://proxy.internal:3128", 1);  // libcurl's to honour
  EXPECT_FALSE(transport::Http1Serves("http://127.0.0.1:8000/v1"));
  unsetenv("http_proxy");
}

}  // namespace
}  // namespace servebench
