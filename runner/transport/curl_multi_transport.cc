#include "runner/transport/curl_multi_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

#include "runner/base/clock.h"
#include "runner/base/fd_limit.h"
#include "runner/sse/framer.h"
#include "runner/transport/http_text.h"
#include "runner/transport/wait_loop.h"

namespace servebench::transport {
namespace {

struct GlobalInit {
  GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

void EnsureCurl() { static GlobalInit init; }

curl_slist* MakeHeaderList(const std::vector<std::string>& headers) {
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Content-Type: application/json");
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip before the body
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  return list;
}

std::string TransportErrorType(CURLcode code) {
  if (base::IsTlsError(code)) return "tls";
  switch (code) {
    case CURLE_PARTIAL_FILE:
      return "truncated";  // the connection closed before the body's framing said it ended
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return "connect";
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout";
    case CURLE_UNSUPPORTED_PROTOCOL:
      return "url";
    default:
      return "reset";  // empty reply, receive or send failure
  }
}

// What every request and prewarm GET shares: TLS, protocols, no signals, HTTP/1.1 without
// Nagle's delay, the receive buffer.
void SetCommonOptions(CURL* e, const TransportOptions& options) {
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  base::SetTls(e, options.insecure, options.ca_cert);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  // curl's receive buffer is per handle (16 KiB by default). SSE events are a few hundred
  // bytes, so its minimum, 1 KiB, costs no throughput and keeps memory per stream low.
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 1024L);
}

bool HeaderIs(std::string_view line, std::string_view name) {
  return line.size() > name.size() && line[name.size()] == ':' &&
         EqualsIgnoringCase(line.substr(0, name.size()), name);
}

std::string HeaderValue(std::string_view line) {
  line.remove_prefix(line.find(':') + 1);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  return std::string(TrimSpaces(line));
}

}  // namespace

struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  records::Record record;
  std::shared_ptr<const std::string> body;
  sse::Framer framer;
  bool event_stream = false;  // the response is text/event-stream
  size_t received = 0;        // body bytes so far
  int64_t sending_ns = 0;     // when curl began writing the request (connected by then)
  const TransportOptions* options = nullptr;
};

struct CurlMultiTransport::Impl {
  TransportOptions options;
  CURLM* multi = nullptr;
  WaitLoop loop;
  int64_t curl_deadline_ns = kNever;
  curl_slist* base_headers = nullptr;
  std::unordered_map<uint64_t, std::unique_ptr<Transfer>> transfers;
  std::vector<CURL*> idle_handles;
  std::vector<records::Record> cancelled;
  std::vector<CURL*> warming;  // prewarm GETs running
  size_t warmed = 0;           // connections they opened
  bool warm_ended = false;     // one of them ended since Poll last looked

  static int OnSocket(CURL*, curl_socket_t fd, int what, void* self, void* socket_data);
  static int OnTimer(CURLM*, long timeout_ms, void* self);
  static size_t OnData(char* data, size_t size, size_t count, void* transfer);
  static size_t OnHeader(char* data, size_t size, size_t count, void* transfer);
  static int OnSending(void* transfer, char*, char*, int, int);
  void Collect(std::vector<records::Record>& finished);
  void Release(std::unique_ptr<Transfer> transfer);
};

int CurlMultiTransport::Impl::OnSocket(CURL*, curl_socket_t fd, int what, void* self,
                                       void* socket_data) {
  auto* impl = static_cast<Impl*>(self);
  if (what == CURL_POLL_REMOVE) {
    impl->loop.Forget(fd);
    curl_multi_assign(impl->multi, fd, nullptr);
    return 0;
  }
  const uint32_t events =
      ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  impl->loop.Watch(fd, events, static_cast<uint64_t>(fd), socket_data != nullptr);
  // non-null marks the socket as registered
  if (socket_data == nullptr) curl_multi_assign(impl->multi, fd, impl);
  return 0;
}

int CurlMultiTransport::Impl::OnTimer(CURLM*, long timeout_ms, void* self) {
  auto* impl = static_cast<Impl*>(self);
  impl->curl_deadline_ns = timeout_ms < 0 ? kNever : base::MonotonicNs() + timeout_ms * 1'000'000;
  return 0;
}

size_t CurlMultiTransport::Impl::OnData(char* data, size_t size, size_t count, void* p) {
  const int64_t now = base::MonotonicNs();
  auto* t = static_cast<Transfer*>(p);
  const size_t bytes = size * count;
  t->received += bytes;
  if (t->event_stream) {
    t->framer.Feed(std::string_view(data, bytes), now, t->record.events);
  } else {
    t->record.body.append(data, bytes);
  }
  const bool event_too_large = t->framer.pending_bytes() > t->options->max_event_bytes;
  if (event_too_large || t->received > t->options->max_response_bytes) {
    t->record.error =
        records::RecordError{0, "too_large",
                             event_too_large ? "one SSE event grew past --max-event-bytes " +
                                                   std::to_string(t->options->max_event_bytes)
                                             : "the response grew past --max-response-bytes " +
                                                   std::to_string(t->options->max_response_bytes)};
    t->framer = sse::Framer();  // frees what was buffered
    std::vector<records::Event>().swap(t->record.events);
    std::string().swap(t->record.body);
    return 0;  // curl aborts the transfer
  }
  return bytes;
}

int CurlMultiTransport::Impl::OnSending(void* p, char*, char*, int, int) {
  static_cast<Transfer*>(p)->sending_ns = base::MonotonicNs();
  return CURL_PREREQFUNC_OK;
}

size_t CurlMultiTransport::Impl::OnHeader(char* data, size_t size, size_t count, void* p) {
  auto* t = static_cast<Transfer*>(p);
  const size_t bytes = size * count;
  const std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) t->record.location.clear();  // a new response (after a 100)
  if (HeaderIs(line, "location")) t->record.location = HeaderValue(line);
  if (line == "\r\n" || line == "\n") {
    t->record.headers_ns = base::MonotonicNs();
    long status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    t->record.status = static_cast<int>(status);
    char* type = nullptr;
    curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &type);
    t->record.content_type = type != nullptr ? type : "";
    t->event_stream = t->record.content_type.find("event-stream") != std::string::npos;
  }
  return bytes;
}

CurlMultiTransport::CurlMultiTransport(TransportOptions options) : impl_(std::make_unique<Impl>()) {
  EnsureCurl();
  base::RaiseFdLimit();
  Impl& m = *impl_;
  m.options = std::move(options);
  m.multi = curl_multi_init();
  curl_multi_setopt(m.multi, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
  curl_multi_setopt(m.multi, CURLMOPT_SOCKETDATA, &m);
  curl_multi_setopt(m.multi, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
  curl_multi_setopt(m.multi, CURLMOPT_TIMERDATA, &m);
  curl_multi_setopt(m.multi, CURLMOPT_MAXCONNECTS, m.options.max_connections);
  curl_multi_setopt(m.multi, CURLMOPT_PIPELINING, CURLPIPE_NOTHING);
  m.base_headers = MakeHeaderList(m.options.headers);
}

CurlMultiTransport::~CurlMultiTransport() {
  Impl& m = *impl_;
  for (auto& [id, t] : m.transfers) {
    curl_multi_remove_handle(m.multi, t->easy);
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
  }
  for (CURL* easy : m.idle_handles) curl_easy_cleanup(easy);
  curl_multi_cleanup(m.multi);
  curl_slist_free_all(m.base_headers);
}

void CurlMultiTransport::Start(records::Record seed, const std::string& url,
                               std::shared_ptr<const std::string> body) {
  Impl& m = *impl_;
  auto t = std::make_unique<Transfer>();
  t->record = std::move(seed);
  t->body = std::move(body);
  t->options = &m.options;
  if (m.idle_handles.empty()) {
    t->easy = curl_easy_init();
  } else {
    t->easy = m.idle_handles.back();
    m.idle_handles.pop_back();
    curl_easy_reset(t->easy);
  }
  // The base list plus this request's id, so the server's logs can be matched to the record.
  t->headers =
      curl_slist_append(nullptr, ("X-Request-Id: " + std::to_string(t->record.request_id)).c_str());
  if (!t->record.session_id.empty()) {  // one id for every turn of a conversation
    t->headers =
        curl_slist_append(t->headers, ("X-Correlation-ID: " + t->record.session_id).c_str());
  }
  for (curl_slist* h = m.base_headers; h != nullptr; h = h->next)
    t->headers = curl_slist_append(t->headers, h->data);
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body->data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body->size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::OnData);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, &Impl::OnSending);
  curl_easy_setopt(e, CURLOPT_PREREQDATA, t.get());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  SetCommonOptions(e, m.options);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(m.options.timeout_s * 1000));
  t->record.wall_start_ns = base::WallNs();
  t->record.start_ns = base::MonotonicNs();
  curl_multi_add_handle(m.multi, e);
  m.transfers.emplace(t->record.request_id, std::move(t));
}

// metrics.md's start: on a warm connection, the moment curl began writing the request, so that
// a request handed over in a burst does not count the client's work on the others before it in
// its TTFT (that wait is schedule lag). A request that had to connect keeps the hand-over time:
// its connect counts, and connect_ns says how long it took.
static void StampStart(Transfer& t) {
  records::Record& r = t.record;
  long connects = 0;
  curl_off_t connect_us = 0;
  curl_easy_getinfo(t.easy, CURLINFO_NUM_CONNECTS, &connects);
  if (connects > 0) {
    if (curl_easy_getinfo(t.easy, CURLINFO_CONNECT_TIME_T, &connect_us) == CURLE_OK)
      r.connect_ns = static_cast<int64_t>(connect_us) * 1000;
  } else if (t.sending_ns > r.start_ns) {
    r.wall_start_ns += t.sending_ns - r.start_ns;
    r.start_ns = t.sending_ns;
  }
}

void CurlMultiTransport::Impl::Release(std::unique_ptr<Transfer> t) {
  curl_multi_remove_handle(multi, t->easy);
  idle_handles.push_back(t->easy);
  curl_slist_free_all(t->headers);
}

void CurlMultiTransport::Cancel(uint64_t request_id, records::RecordError error) {
  Impl& m = *impl_;
  auto it = m.transfers.find(request_id);
  if (it == m.transfers.end()) return;
  std::unique_ptr<Transfer> t = std::move(it->second);
  m.transfers.erase(it);
  t->record.end_ns = base::MonotonicNs();
  t->record.error = std::move(error);
  StampStart(*t);
  m.cancelled.push_back(std::move(t->record));
  m.Release(std::move(t));
}

void CurlMultiTransport::Impl::Collect(std::vector<records::Record>& finished) {
  for (auto& r : cancelled) finished.push_back(std::move(r));
  cancelled.clear();
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Transfer* raw = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &raw);
    if (raw == nullptr) {  // a prewarm GET: its connection stays in the pool
      // It counts when it opened a connection that is still open in the pool (a server may
      // close it after the answer).
      long connects = 0;
      curl_socket_t kept = CURL_SOCKET_BAD;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_NUM_CONNECTS, &connects);
      curl_easy_getinfo(msg->easy_handle, CURLINFO_ACTIVESOCKET, &kept);
      if (msg->data.result == CURLE_OK && connects > 0 && kept != CURL_SOCKET_BAD) ++warmed;
      CURL* easy = msg->easy_handle;
      curl_multi_remove_handle(multi, easy);
      idle_handles.push_back(easy);
      std::erase(warming, easy);
      warm_ended = true;
      continue;
    }
    auto it = transfers.find(raw->record.request_id);
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers.erase(it);
    records::Record& r = t->record;
    r.end_ns = base::MonotonicNs();
    StampStart(*t);
    t->framer.Finish(r.events);
    // An error set while receiving (too_large) says more than curl's "write error".
    if (msg->data.result != CURLE_OK && !r.error) {
      r.error = records::RecordError{0, TransportErrorType(msg->data.result),
                                     base::CurlErrorText(msg->data.result)};
    }
    finished.push_back(std::move(r));
    Release(std::move(t));
  }
}

void CurlMultiTransport::Poll(int64_t deadline_ns, std::vector<records::Record>& finished) {
  Impl& m = *impl_;
  int running = 0;
  epoll_event events[256];
  const size_t had = finished.size();
  for (;;) {
    m.Collect(finished);
    const int64_t now = base::MonotonicNs();
    if (finished.size() > had || m.warm_ended || now >= deadline_ns) return;
    if (now >= m.curl_deadline_ns) {
      m.curl_deadline_ns = kNever;
      curl_multi_socket_action(m.multi, CURL_SOCKET_TIMEOUT, 0, &running);
      continue;
    }
    const int n = m.loop.Wait(deadline_ns, m.curl_deadline_ns, events, 256);
    for (int i = 0; i < n; ++i) {
      // A scheduled start is not kept waiting behind a batch of reads; epoll is level-triggered,
      // so what is left here is reported again.
      if (i > 0 && base::MonotonicNs() >= deadline_ns) break;
      int mask = 0;
      if (events[i].events & EPOLLIN) mask |= CURL_CSELECT_IN;
      if (events[i].events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
      if (events[i].events & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
      curl_multi_socket_action(m.multi, static_cast<int>(events[i].data.u64), mask, &running);
    }
  }
}

// Drops a prewarm GET's answer, up to a model list's size (past it the GET fails, and its
// connection is not kept).
size_t DiscardAnswer(char*, size_t size, size_t count, void* received) {
  size_t& total = *static_cast<size_t*>(received);
  total += size * count;
  return total > (size_t{1} << 20) ? 0 : size * count;
}

size_t CurlMultiTransport::Prewarm(const std::string& url, size_t connections, int64_t deadline_ns,
                                   const std::atomic<int>& interrupted) {
  Impl& m = *impl_;
  // The pool must hold them all, or curl closes the oldest as the newest come back.
  m.options.max_connections = std::max<long>(m.options.max_connections, connections);
  curl_multi_setopt(m.multi, CURLMOPT_MAXCONNECTS, m.options.max_connections);
  std::vector<size_t> received(connections, 0);
  m.warmed = 0;
  for (size_t i = 0; i < connections; ++i) {
    CURL* e = m.idle_handles.empty() ? curl_easy_init() : m.idle_handles.back();
    if (!m.idle_handles.empty()) {
      m.idle_handles.pop_back();
      curl_easy_reset(e);
    }
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, m.base_headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &DiscardAnswer);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &received[i]);
    curl_easy_setopt(e, CURLOPT_PRIVATE, nullptr);
    SetCommonOptions(e, m.options);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                     std::max<long>(1, (deadline_ns - base::MonotonicNs()) / 1'000'000));
    curl_multi_add_handle(m.multi, e);
    m.warming.push_back(e);
  }
  std::vector<records::Record> none;
  while (!m.warming.empty() && base::MonotonicNs() < deadline_ns && interrupted.load() == 0) {
    m.warm_ended = false;
    Poll(std::min(deadline_ns, base::MonotonicNs() + kInterruptCheckNs), none);
  }
  for (CURL* e : m.warming) {  // past the deadline, or interrupted: given up
    curl_multi_remove_handle(m.multi, e);
    m.idle_handles.push_back(e);
  }
  m.warming.clear();
  m.warm_ended = false;
  return m.warmed;
}

// Cancelled records not yet handed out by Poll still count: they are not finished for the caller.
size_t CurlMultiTransport::in_flight() const {
  return impl_->transfers.size() + impl_->cancelled.size();
}

base::HttpOptions HttpOptionsOf(const TransportOptions& options) {
  base::HttpOptions http;
  http.headers = options.headers;
  http.timeout_s = options.timeout_s;
  http.insecure = options.insecure;
  http.ca_cert = options.ca_cert;
  return http;
}

FetchResult Fetch(const std::string& url, const TransportOptions& options, double timeout_s) {
  base::HttpOptions http = HttpOptionsOf(options);
  http.timeout_s = timeout_s;
  http.max_body_bytes = size_t{16} << 20;  // a model list is small; an endless one is cut
  FetchResult result;
  const base::HttpResult r = base::HttpRequest(url, http, nullptr, &result.body);
  if (r.error.empty()) {
    result.status = r.status;
  } else {
    result.error = r.error;
  }
  result.server = r.server;
  return result;
}

FetchResult FetchWhenUp(const std::string& url, const TransportOptions& options, double wait_s) {
  const int64_t deadline = base::MonotonicNs() + static_cast<int64_t>(wait_s * 1e9);
  for (;;) {
    FetchResult r = Fetch(url, options, options.timeout_s);
    const bool down = r.status == 0 || r.status >= 500;
    if (!down || base::MonotonicNs() >= deadline) return r;
    usleep(250'000);  // polling a server that is starting up
  }
}

ProbeResult ProbeStream(const std::string& url, const std::string& body,
                        const TransportOptions& options, size_t max_events) {
  ProbeResult result;
  sse::Framer framer;
  base::HttpOptions http = HttpOptionsOf(options);
  http.max_body_bytes = size_t{1} << 20;
  const base::HttpResult r = base::HttpRequest(url, http, &body, [&](std::string_view bytes) {
    result.body.append(bytes);
    framer.Feed(bytes, base::MonotonicNs(), result.events);
    return result.events.size() < max_events;
  });
  result.status = r.status;
  if (!r.error.empty() && !r.body_too_large) result.error = r.error;
  framer.Finish(result.events);
  return result;
}

}  // namespace servebench::transport
