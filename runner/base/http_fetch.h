// One blocking HTTP request (libcurl's easy interface) for everything but the load itself: the
// readiness check and the output-cap probe, --tokenizer server's /tokenize and /detokenize, and
// the downloads of tokenizers and ShareGPT. Each verifies TLS as the load does (--ca-cert,
// SSL_CERT_FILE, CURL_CA_BUNDLE, or --insecure), and each ends on its own: a whole-request
// timeout, a server that stops sending, a body past its cap, or a signal.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace servebench::base {

struct HttpOptions {
  std::vector<std::string> headers;  // "Name: value", never logged
  double timeout_s = 600;            // the whole request; 0 = none
  double connect_timeout_s = 10;
  double stall_s = 0;  // ends the request when no byte came for this long; 0 = never
  bool insecure = false;
  std::string ca_cert;  // CA bundle file; empty: SSL_CERT_FILE, CURL_CA_BUNDLE, the system's
  size_t max_body_bytes = size_t{16} << 20;  // past it the request ends (body_too_large)
  bool follow_redirects = false;
  const std::atomic<int>* stop = nullptr;  // when it is > 0 (a signal came), the request ends
};

struct HttpResult {
  long status = 0;     // 0: no response
  std::string error;   // why the request ended early, one line; "" when it completed
  std::string server;  // the Server header, when sent
  bool body_too_large = false;
  bool stopped = false;  // ended by HttpOptions::stop
};

// Receives the body as it comes; returning false ends the request (no error is set).
using BodySink = std::function<bool(std::string_view)>;

// GET (post_body null) or POST of JSON.
HttpResult HttpRequest(const std::string& url, const HttpOptions& options,
                       const std::string* post_body, const BodySink& on_body);

// The same, collecting the body.
HttpResult HttpRequest(const std::string& url, const HttpOptions& options,
                       const std::string* post_body, std::string* body);

// The CA bundle: ca_cert, else the variables curl's own tool honours; "" for the system's.
std::string CaBundle(const std::string& ca_cert);
// True for the CURLcodes of a failed TLS handshake or certificate check.
bool IsTlsError(int code);
// libcurl's words for a CURLcode, with the fix for a TLS failure.
std::string CurlErrorText(int code);
// The TLS settings every request shares (the load's transfers too): libcurl's easy handle.
void SetTls(void* curl_easy, bool insecure, const std::string& ca_cert);

}  // namespace servebench::base
