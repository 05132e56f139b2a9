// The built-in OpenAI-compatible mock server: GET /v1/models, POST /v1/chat/completions,
// /v1/completions and /v1/embeddings, with controllable timing and seeded faults.
// One event loop owns every connection (mock/server_loop.h); in-process behind `url: mock`, or
// under `servebench mock`.
#pragma once

#include <cstdint>
#include <memory>

#include "mock/mock_options.h"
#include "runner/base/expected.h"

namespace servebench::mock {

// Counters of what the mock did; also served as JSON at GET /mock/stats.
struct MockStats {
  int64_t requests = 0;
  int64_t ok = 0;
  int64_t server_errors = 0;
  int64_t rate_limited = 0;
  int64_t unauthorized = 0;
  int64_t bad_requests = 0;
  int64_t disconnects = 0;
  int64_t malformed = 0;
  int64_t stalls = 0;
  int64_t streams_active = 0;
  int64_t streams_peak = 0;
  int64_t connections_accepted = 0;
  int64_t loop_streams = 0;    // streams written by the server's event loop (all of them)
  int64_t server_threads = 0;  // the event loop's and its workers'
};

class MockServer {
 public:
  explicit MockServer(MockOptions options);
  ~MockServer();  // stops the server and waits for its connections to end
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  // Binds and starts serving on a background thread; returns the bound port.
  base::Expected<int> Start();
  void Stop();
  MockStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace servebench::mock
