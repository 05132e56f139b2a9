#include "runner/base/http_fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace servebench::base {
namespace {

struct GlobalInit {
  GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

struct Transfer {
  const HttpOptions* options;
  const BodySink* on_body;
  HttpResult* result;
  size_t received = 0;
  bool sink_ended = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* p) {
  auto* t = static_cast<Transfer*>(p);
  const size_t n = size * count;
  t->received += n;
  if (t->received > t->options->max_body_bytes) {
    t->result->body_too_large = true;
    return 0;
  }
  if (!(*t->on_body)(std::string_view(data, n))) {
    t->sink_ended = true;
    return 0;
  }
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* p) {
  const std::string_view line(data, size * count);
  constexpr std::string_view kName = "server:";
  if (line.size() > kName.size() &&
      std::equal(kName.begin(), kName.end(), line.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    std::string value(line.substr(kName.size()));
    const auto first = value.find_first_not_of(" \t");
    const auto last = value.find_last_not_of(" \t\r\n");
    static_cast<Transfer*>(p)->result->server =
        first == std::string::npos ? "" : value.substr(first, last - first + 1);
  }
  return size * count;
}

// Ends the transfer when the stop flag is raised (a signal).
int OnProgress(void* p, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* t = static_cast<Transfer*>(p);
  if (t->options->stop == nullptr || t->options->stop->load() == 0) return 0;
  t->result->stopped = true;
  return 1;
}

}  // namespace

std::string CaBundle(const std::string& ca_cert) {
  if (!ca_cert.empty()) return ca_cert;
  for (const char* name : {"SSL_CERT_FILE", "CURL_CA_BUNDLE"}) {
    if (const char* value = std::getenv(name); value != nullptr && *value != '\0') return value;
  }
  return "";
}

bool IsTlsError(int code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return true;
    default:
      return false;
  }
}

std::string CurlErrorText(int code) {
  std::string message = curl_easy_strerror(static_cast<CURLcode>(code));
  if (IsTlsError(code)) {
    message +=
        " (to trust the server's certificate give --ca-cert FILE, SSL_CERT_FILE or "
        "CURL_CA_BUNDLE; to skip verification, --insecure)";
  }
  return message;
}

void SetTls(void* curl_easy, bool insecure, const std::string& ca_cert) {
  CURL* e = static_cast<CURL*>(curl_easy);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, insecure ? 0L : 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, insecure ? 0L : 2L);
  if (const std::string ca = CaBundle(ca_cert); !ca.empty())
    curl_easy_setopt(e, CURLOPT_CAINFO, ca.c_str());
}

HttpResult HttpRequest(const std::string& url, const HttpOptions& o, const std::string* post_body,
                       const BodySink& on_body) {
  static GlobalInit init;
  HttpResult result;
  Transfer transfer{&o, &on_body, &result};
  CURL* e = curl_easy_init();
  curl_slist* headers = nullptr;
  if (post_body != nullptr) headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  for (const auto& h : o.headers) headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  SetTls(e, o.insecure, o.ca_cert);
  if (post_body != nullptr) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post_body->size()));
  }
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, o.follow_redirects ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout_s * 1000));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_s * 1000));
  if (o.stall_s > 0) {  // under a byte a second for that long: the server stopped sending
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, std::max(1L, static_cast<long>(o.stall_s)));
  }
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, &transfer);
  const CURLcode code = curl_easy_perform(e);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &result.status);
  if (result.body_too_large) {
    result.error = "the body is larger than " + std::to_string(o.max_body_bytes) + " bytes";
  } else if (result.stopped) {
    result.error = "interrupted";
  } else if (code == CURLE_OPERATION_TIMEDOUT && o.stall_s > 0 && transfer.received > 0) {
    result.error = "the server stopped sending";
  } else if (code != CURLE_OK && !transfer.sink_ended) {
    result.error = CurlErrorText(code);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(e);
  return result;
}

HttpResult HttpRequest(const std::string& url, const HttpOptions& options,
                       const std::string* post_body, std::string* body) {
  return HttpRequest(url, options, post_body, [body](std::string_view bytes) {
    body->append(bytes);
    return true;
  });
}

}  // namespace servebench::base
