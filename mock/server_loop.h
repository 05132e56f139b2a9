// The mock's HTTP/1.1 server: one epoll loop owns every connection (accept, read, write, the
// due time of each streamed event), and a few workers turn complete requests into replies. A
// thousand open streams cost one thread's wakeups, not a thousand threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mock/http_reply.h"
#include "mock/http_request.h"
#include "runner/base/expected.h"

namespace servebench::mock {

struct LoopOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free one
  int64_t max_connections = 12000;
  int64_t decode_slots = 0;  // requests that may decode at once; 0 is unlimited
  int workers = 2;
  int64_t idle_timeout_ns = 5'000'000'000;   // keep-alive between requests
  int64_t read_timeout_ns = 30'000'000'000;  // a request that has started to arrive
  HttpLimits limits;
};

struct LoopStats {
  int64_t connections_accepted = 0;
  int64_t streams_served = 0;  // streams written by the event loop
  int64_t threads = 0;         // the loop's and its workers'
};

// Runs on a worker thread; received_ns is when the request's last byte was read.
using Handler = std::function<Pending(const HttpRequest& request, int64_t received_ns)>;

class ServerLoop {
 public:
  ServerLoop(LoopOptions options, Handler handler);
  ~ServerLoop();  // Stop()
  ServerLoop(const ServerLoop&) = delete;
  ServerLoop& operator=(const ServerLoop&) = delete;

  // Binds, listens and starts serving; returns the bound port.
  base::Expected<int> Start();
  // Closes every connection (replies still running end as not whole) and joins the threads.
  void Stop();
  LoopStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace servebench::mock
