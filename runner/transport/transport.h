// What the engine needs of an HTTP client: start a request, cancel one, and wait for finished
// ones until a deadline. curl-multi is the real one (curl_multi_transport.h); tests drive the
// engine with a scripted fake on a fake clock (tests/support/fakes.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runner/records/record.h"

namespace servebench::transport {

struct TransportOptions {
  std::vector<std::string> headers;  // "Name: value", sent with every request
  double timeout_s = 600;            // whole-request timeout; 0 = none
  bool insecure = false;             // skip TLS verification
  std::string ca_cert;               // CA bundle file; empty: the system's
  long max_connections = 64;         // size of the keep-alive pool
  // "auto": the built-in HTTP/1.1 client for plain http:// (http1_transport.h), libcurl for the
  // rest; "curl" or "builtin" to choose.
  std::string http_client = "auto";
  // A hostile server cannot take the client's memory: past either cap the request ends as
  // error "too_large" and its buffers are freed.
  size_t max_event_bytes = size_t{16} << 20;      // one SSE event
  size_t max_response_bytes = size_t{256} << 20;  // one response, all events together
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts a POST now. `seed` carries request_id, scheduled_ns, ready_ns, warmup, streaming,
  // input_tokens, requested_max_tokens, model, session_id and turn; the transport stamps start_ns
  // as it hands it on.
  virtual void Start(records::Record seed, const std::string& url,
                     std::shared_ptr<const std::string> body) = 0;
  // Ends a request now with this error (499 "cancelled" for a deliberate cancellation); an id
  // not in flight is ignored.
  virtual void Cancel(uint64_t request_id, records::RecordError error) = 0;
  // Waits until deadline_ns or until at least one request has finished; appends the finished.
  virtual void Poll(int64_t deadline_ns, std::vector<records::Record>& finished) = 0;
  // Before the clock starts: opens up to `connections` keep-alive connections to url's server,
  // each carrying one GET of url (its answer is dropped), so that no measured request pays for
  // connecting, nor waits behind another's connect. Returns how many were opened by deadline_ns,
  // or by the time `interrupted` turned non-zero (Ctrl-C: within about 50 ms).
  virtual size_t Prewarm(const std::string& url, size_t connections, int64_t deadline_ns,
                         const std::atomic<int>& interrupted) = 0;
  virtual size_t in_flight() const = 0;
};

}  // namespace servebench::transport
