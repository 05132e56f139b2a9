// servebench's own HTTP/1.1 client for plain http:// (issue 25's lean receive path): one epoll
// loop, every ready socket read once into one buffer the loop shares, chunked decoding and SSE
// framing straight from it, so a transfer keeps only an unfinished event. Keep-alive
// connections are pooled per server; a request sent on a kept connection the server had
// already closed is sent again once on a new one. libcurl (curl_multi_transport.h) stays for
// TLS, proxies and HTTP/2; both pass the same transport tests (tests/transport).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runner/transport/transport.h"

namespace servebench::transport {

class Http1Transport : public Transport {
 public:
  explicit Http1Transport(TransportOptions options);
  ~Http1Transport() override;
  Http1Transport(const Http1Transport&) = delete;
  Http1Transport& operator=(const Http1Transport&) = delete;

  // start_ns is when the request's first byte is written on a kept connection, or when it was
  // handed over when it had to connect (connect_ns then says how long connecting took).
  void Start(records::Record seed, const std::string& url,
             std::shared_ptr<const std::string> body) override;
  void Cancel(uint64_t request_id, records::RecordError error) override;
  void Poll(int64_t deadline_ns, std::vector<records::Record>& finished) override;
  size_t Prewarm(const std::string& url, size_t connections, int64_t deadline_ns,
                 const std::atomic<int>& interrupted) override;
  size_t in_flight() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether the built-in client can carry requests to url: plain http://, and no proxy set in
// the environment (libcurl honours http_proxy and all_proxy).
bool Http1Serves(const std::string& url);

// The client a run uses: "curl", "builtin", or "auto" (builtin where Http1Serves, else curl).
std::unique_ptr<Transport> MakeTransport(const TransportOptions& options, const std::string& url);

}  // namespace servebench::transport
