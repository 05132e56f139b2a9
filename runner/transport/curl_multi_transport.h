// The event-driven HTTP client: libcurl's multi interface driven by epoll through
// curl_multi_socket_action, so cost follows active sockets. One thread runs it. The receive path
// stamps CLOCK_MONOTONIC at each read, frames SSE events and stores bytes; nothing else.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runner/base/http_fetch.h"
#include "runner/records/record.h"
#include "runner/transport/transport.h"

namespace servebench::transport {

class CurlMultiTransport : public Transport {
 public:
  explicit CurlMultiTransport(TransportOptions options);
  ~CurlMultiTransport() override;
  CurlMultiTransport(const CurlMultiTransport&) = delete;
  CurlMultiTransport& operator=(const CurlMultiTransport&) = delete;

  // start_ns is stamped as the request is handed to libcurl, and moved to when curl began
  // writing it if it went on a warm connection (see StampStart).
  void Start(records::Record seed, const std::string& url,
             std::shared_ptr<const std::string> body) override;
  void Cancel(uint64_t request_id, records::RecordError error) override;
  // Runs the event loop until deadline_ns or until at least one request has finished.
  void Poll(int64_t deadline_ns, std::vector<records::Record>& finished) override;
  size_t in_flight() const override;
  size_t Prewarm(const std::string& url, size_t connections, int64_t deadline_ns,
                 const std::atomic<int>& interrupted) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The run's headers, timeout and TLS settings for the requests around the load (readiness, the
// cap probe, --tokenizer server), which go through base::HttpRequest.
base::HttpOptions HttpOptionsOf(const TransportOptions& options);

// One blocking GET for readiness checks: the status (0 when unreachable), the body, and the
// transport error text when there was no response.
struct FetchResult {
  long status = 0;
  std::string body;
  std::string error;
  std::string server;  // the Server header, when sent
};
FetchResult Fetch(const std::string& url, const TransportOptions& options, double timeout_s);
// The same, polled for up to wait_s seconds while the server is unreachable or answers 5xx (a
// server still loading its model): a suite may start together with its server.
FetchResult FetchWhenUp(const std::string& url, const TransportOptions& options, double wait_s);

// One blocking streaming POST that stops by itself after max_events SSE events (a server that
// ignores an output cap could otherwise stream until its context is full). The events read, the
// status, and the transport error text when there was no response.
struct ProbeResult {
  long status = 0;
  std::vector<records::Event> events;
  std::string body;  // when the answer is not an event stream (an error body)
  std::string error;
};
ProbeResult ProbeStream(const std::string& url, const std::string& body,
                        const TransportOptions& options, size_t max_events);

}  // namespace servebench::transport
