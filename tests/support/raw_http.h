// Test-side HTTP/1.1 client over a plain socket and a test-side SSE reader. They share no code
// with the runner, so a bug in the runner's parser cannot hide a bug in the mock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace servebench::testing {

struct HttpReply {
  int status = 0;
  std::string head;              // status line and headers
  std::string body;              // de-chunked
  std::vector<int64_t> byte_ns;  // arrival time (CLOCK_MONOTONIC) of each body byte
  bool complete = false;         // the body ended as its framing says (not cut off)
  std::string Header(const std::string& name) const;
};

// A blocking TCP connection to 127.0.0.1:port, or -1.
int ConnectLoopback(int port);

HttpReply HttpPost(int port, const std::string& path, const std::string& body,
                   const std::vector<std::string>& headers = {});
HttpReply HttpGet(int port, const std::string& path);

struct SseEvent {
  std::string data;
  int64_t first_byte_ns = 0;
};

// Splits an SSE body into events on blank lines ("\n\n"; the mock only writes "\n").
std::vector<SseEvent> ReadSse(const HttpReply& reply);

}  // namespace servebench::testing
