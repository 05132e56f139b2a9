// The built-in client's response reader on exact bytes: every split of a response reads the
// same; framings, interim answers, keep-alive rules, and each malformed head or chunk is named.
#include "runner/transport/http1_response.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace servebench::transport {
namespace {

using State = Http1Response::State;

struct Read {
  State state = State::kReading;
  std::string body;
  Http1Response response;
};

// Feeds the pieces in order (then the close, when asked) and keeps the body.
Read ReadPieces(const std::vector<std::string>& pieces, bool close = false) {
  Read r;
  int64_t now = 0;
  for (const std::string& piece : pieces) {
    if (r.state != State::kReading) break;
    r.state = r.response.Feed(piece, ++now, [&](std::string_view b) {
      r.body.append(b);
      return true;
    });
  }
  if (close && r.state == State::kReading) r.state = r.response.Closed();
  return r;
}

Read ReadAll(const std::string& bytes, bool close = false) { return ReadPieces({bytes}, close); }

const std::string kChunkedStream =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\ntransfer-encoding: Chunked\r\n\r\n"
    "5;name=value\r\ndata:\r\nB\r\n one\n\ndata:\r\n0\r\nX-Trailer: 1\r\n\r\n";

TEST(Http1Response, EverySplitReadsTheSame) {
  const Read whole = ReadAll(kChunkedStream);
  ASSERT_EQ(whole.state, State::kDone);
  EXPECT_EQ(whole.body, "data: one\n\ndata:");
  EXPECT_EQ(whole.response.status(), 200);
  EXPECT_EQ(whole.response.content_type(), "text/event-stream");
  EXPECT_TRUE(whole.response.keep_alive());
  for (size_t cut = 1; cut < kChunkedStream.size(); ++cut) {
    const Read split = ReadPieces({kChunkedStream.substr(0, cut), kChunkedStream.substr(cut)});
    EXPECT_EQ(split.state, State::kDone) << cut;
    EXPECT_EQ(split.body, whole.body) << cut;
  }
  std::vector<std::string> bytes;
  for (char c : kChunkedStream) bytes.emplace_back(1, c);
  EXPECT_EQ(ReadPieces(bytes).body, whole.body);
  EXPECT_EQ(ReadPieces(bytes).response.headers_ns(), 80);  // the read with the blank line
}

TEST(Http1Response, LengthCloseAndNoBodyFramings) {
  Read r = ReadAll("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_EQ(r.state, State::kDone);
  EXPECT_EQ(r.body, "{}");
  EXPECT_TRUE(r.response.keep_alive());

  r = ReadAll("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}extra");
  EXPECT_EQ(r.body, "{}");
  EXPECT_FALSE(r.response.keep_alive());  // bytes past the answer

  r = ReadAll("HTTP/1.1 200 OK\r\n\r\nuntil the close", true);
  EXPECT_EQ(r.state, State::kDone);
  EXPECT_EQ(r.body, "until the close");
  EXPECT_FALSE(r.response.keep_alive());

  r = ReadAll("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(r.state, State::kDone);
  EXPECT_EQ(r.body, "");

  r = ReadAll("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\nContent-Length: 1\n\nx");
  EXPECT_EQ(r.state, State::kDone);
  EXPECT_EQ(r.response.status(), 404);
  EXPECT_EQ(r.body, "x");
}

TEST(Http1Response, KeepAliveFollowsTheVersionAndTheConnectionHeader) {
  EXPECT_FALSE(ReadAll("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").response.keep_alive());
  EXPECT_TRUE(ReadAll("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")
                  .response.keep_alive());
  EXPECT_FALSE(ReadAll("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                   .response.keep_alive());
}

TEST(Http1Response, ARedirectKeepsItsLocation) {
  const Read r =
      ReadAll("HTTP/1.1 301 Moved\r\nLocation:  http://elsewhere/v1 \r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(r.response.status(), 301);
  EXPECT_EQ(r.response.location(), "http://elsewhere/v1");
}

TEST(Http1Response, CutsAndGarbageAreNamed) {
  struct Case {
    std::string bytes, type, message;
  };
  const std::vector<Case> cases = {
      {"", "reset", kCurlNothing},
      {"HTTP/1.1 200 OK\r\nContent-Le", "reset", kCurlRecvFailed},
      {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "truncated", kCurlPartial},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "truncated", kCurlPartial},
      {"SSH-2.0-OpenSSH\r\n", "reset", kCurlWeirdReply},
      {"HTTP/1.1 2x0 OK\r\n", "reset", kCurlWeirdReply},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "reset", kCurlWeirdReply},
      {"HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n", "reset", kCurlWeirdReply},
      {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", "reset",
       kCurlWeirdReply},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "reset", kCurlRecvFailed},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", "reset",
       kCurlRecvFailed},
      {"HTTP/1.1 200 OK\r\nX: " + std::string(200'000, 'a'), "too_large", ""},
  };
  for (const Case& c : cases) {
    const Read r = ReadAll(c.bytes, true);
    EXPECT_EQ(r.state, State::kFailed) << c.bytes.substr(0, 60);
    EXPECT_EQ(r.response.error_type(), c.type) << c.bytes.substr(0, 60);
    if (!c.message.empty()) {
      EXPECT_EQ(r.response.error_message(), c.message);
    }
  }
}

TEST(Http1Response, ABodyCallbackThatRefusesStopsTheResponse) {
  Http1Response response;
  int calls = 0;
  const State state = response.Feed(kChunkedStream, 1, [&](std::string_view) {
    ++calls;
    return false;
  });
  EXPECT_EQ(state, State::kStopped);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(response.Feed("more", 2, [](std::string_view) { return true; }), State::kStopped);
}

}  // namespace
}  // namespace servebench::transport
