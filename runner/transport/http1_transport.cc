#include "runner/transport/http1_transport.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "runner/base/clock.h"
#include "runner/base/fd_limit.h"
#include "runner/sse/framer.h"
#include "runner/transport/curl_multi_transport.h"
#include "runner/transport/http1_response.h"
#include "runner/transport/http_text.h"
#include "runner/transport/wait_loop.h"

namespace servebench::transport {
namespace {

constexpr size_t kReadBytes = size_t{256} << 10;     // the one receive buffer of the loop
constexpr uint64_t kPrewarmKey = uint64_t{1} << 63;  // prewarm GETs, beside request ids

}  // namespace

// The client's own types; not in the anonymous namespace, as Impl holds them.
namespace http1 {

// http://host[:port][/path]: what a connection and a request line need.
struct Target {
  std::string host;  // an IPv6 literal without its brackets
  std::string port = "80";
  std::string authority;  // the Host header, as the URL wrote it
  std::string path = "/";
  std::string server() const { return host + " " + port; }
};

std::optional<Target> ParseTarget(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() || !EqualsIgnoringCase(url.substr(0, kScheme.size()), kScheme))
    return std::nullopt;
  url.remove_prefix(kScheme.size());
  url = url.substr(0, url.find('#'));
  const size_t slash = url.find_first_of("/?");
  const std::string_view authority = url.substr(0, slash);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  Target t;
  t.authority = authority;
  if (slash != std::string_view::npos) {
    t.path = url.substr(slash);
    if (t.path.front() == '?') t.path.insert(0, "/");
  }
  std::string_view port;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    t.host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return std::nullopt;
    if (!after.empty()) port = after.substr(1);
  } else {
    const size_t colon = authority.rfind(':');
    t.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), IsDigit)) return std::nullopt;
    t.port = port;
  }
  if (t.host.empty()) return std::nullopt;
  return t;
}

struct Connection;

struct Exchange {
  uint64_t key = 0;  // the request id, or kPrewarmKey + n
  records::Record record;
  std::shared_ptr<const std::string> body;
  std::string head;  // the request's line and headers
  size_t written = 0;
  Target target;
  Connection* connection = nullptr;
  bool retried = false;  // sent again once after a kept connection turned out closed
  int64_t deadline_ns = kNever;
  size_t max_response_bytes = 0;
  Http1Response response;
  Http1Response::OnBody on_body;     // made once: Store on this exchange
  int64_t read_ns = 0;               // when the read being consumed arrived
  std::optional<bool> event_stream;  // known once the body starts
  size_t received = 0;               // body bytes so far
  std::string too_large;             // why Store refused the body
  sse::Framer framer;
  size_t total() const { return head.size() + (body ? body->size() : 0); }
};

struct Connection {
  int fd = -1;
  std::string server;
  bool connected = false;
  bool kept = false;  // has carried a whole answer before, so the server may have closed it
  Exchange* transfer = nullptr;  // null while idle in the pool
  size_t address = 0;            // which of the server's addresses is being tried
};

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
};

}  // namespace http1

using namespace http1;  // NOLINT: this file's own types

struct Http1Transport::Impl {
  TransportOptions options;
  std::string user_headers;  // the run's header lines, each ending in \r\n
  bool user_content_type = false, user_accept = false;
  WaitLoop loop;
  std::vector<char> buffer = std::vector<char>(kReadBytes);
  std::unordered_map<uint64_t, std::unique_ptr<Exchange>> exchanges;
  std::unordered_map<int, std::unique_ptr<Connection>> connections;  // by socket
  std::unordered_map<std::string, std::vector<Connection*>> idle;    // by server, oldest first
  size_t idle_count = 0;
  std::unordered_map<std::string, std::vector<Address>> resolved;
  std::set<std::pair<int64_t, uint64_t>> deadlines;
  std::vector<records::Record> done;  // finished or cancelled, not yet handed out
  size_t warming = 0, warmed = 0;

  void Send(Exchange& t);
  void Begin(Exchange& t);
  bool Connect(Exchange& t, Connection* reuse);
  void Connected(Connection& c);
  void Write(Connection& c);
  void Receive(Connection& c);
  void Consume(Exchange& t, std::string_view bytes, int64_t now);
  bool Store(Exchange& t, std::string_view bytes);
  void Settled(Exchange& t, Http1Response::State state);
  void Ended(Connection& c, int error);
  void Finish(Exchange& t, int64_t now);
  void Fail(Exchange& t, const std::string& type, const std::string& message);
  void Retry(Exchange& t);
  void Hand(std::unique_ptr<Exchange> t);
  std::unique_ptr<Exchange> Take(Exchange& t);
  void Close(Connection& c);
  void Park(Connection& c);
  const std::vector<Address>& Resolve(const Target& target);
  Connection* Find(int fd) {
    auto it = connections.find(fd);
    return it == connections.end() ? nullptr : it->second.get();
  }
  bool Step(int64_t deadline_ns);
};

const std::vector<Address>& Http1Transport::Impl::Resolve(const Target& target) {
  auto it = resolved.find(target.server());
  if (it != resolved.end()) return it->second;
  std::vector<Address> addresses;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &found) == 0) {
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      Address address;
      std::memcpy(&address.storage, a->ai_addr, a->ai_addrlen);
      address.length = a->ai_addrlen;
      address.family = a->ai_family;
      addresses.push_back(address);
    }
    freeaddrinfo(found);
  }
  return resolved.emplace(target.server(), std::move(addresses)).first->second;
}

// Opens a connection for t, trying the server's addresses in turn from `reuse`'s next one (or
// the first); false when none accepted (t has then failed).
bool Http1Transport::Impl::Connect(Exchange& t, Connection* reuse) {
  const std::vector<Address>& addresses = Resolve(t.target);
  if (addresses.empty()) {
    Fail(t, "connect", "Could not resolve host: " + t.target.host);
    return false;
  }
  size_t next = 0;
  if (reuse != nullptr) {  // its address refused: the next one
    next = reuse->address + 1;
    reuse->transfer = nullptr;
    t.connection = nullptr;
    Close(*reuse);
  }
  for (; next < addresses.size(); ++next) {
    const Address& a = addresses[next];
    const int fd = socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) break;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length) != 0 &&
        errno != EINPROGRESS) {
      close(fd);
      continue;
    }
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->server = t.target.server();
    c->address = next;
    c->transfer = &t;
    t.connection = c.get();
    loop.Watch(fd, EPOLLOUT, static_cast<uint64_t>(fd), false);
    connections.emplace(fd, std::move(c));
    return true;
  }
  Fail(t, "connect",
       "Failed to connect to " + t.target.host + " port " + t.target.port + ": " +
           std::strerror(errno));
  return false;
}

void Http1Transport::Impl::Connected(Connection& c) {
  Exchange& t = *c.transfer;
  int error = 0;
  socklen_t length = sizeof error;
  getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
  if (error != 0) {
    errno = error;
    Connect(t, &c);  // the next address, if any
    return;
  }
  c.connected = true;
  t.record.connect_ns = base::MonotonicNs() - t.record.start_ns;
  Write(c);
}

// Puts t on a kept connection to its server, or opens one.
void Http1Transport::Impl::Begin(Exchange& t) {
  auto pool = idle.find(t.target.server());
  if (pool == idle.end() || pool->second.empty()) {
    Connect(t, nullptr);
    return;
  }
  Connection* c = pool->second.back();  // the most recently used: the least likely closed
  pool->second.pop_back();
  --idle_count;
  c->transfer = &t;
  t.connection = c;
  // On a kept connection the request starts as its first byte is written (metrics.md).
  t.record.start_ns = base::MonotonicNs();
  t.record.wall_start_ns = base::WallNs();
  Write(*c);
}

void Http1Transport::Impl::Write(Connection& c) {
  Exchange& t = *c.transfer;
  const size_t head = t.head.size();
  const size_t total = head + (t.body ? t.body->size() : 0);
  while (t.written < total) {
    iovec parts[2];
    int count = 0;
    if (t.written < head) {
      parts[count++] = {t.head.data() + t.written, head - t.written};
      if (t.body && !t.body->empty())
        parts[count++] = {const_cast<char*>(t.body->data()), t.body->size()};
    } else {
      parts[count++] = {const_cast<char*>(t.body->data()) + (t.written - head), total - t.written};
    }
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<size_t>(count);
    const ssize_t n = sendmsg(c.fd, &message, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      loop.Watch(c.fd, EPOLLOUT | EPOLLIN, static_cast<uint64_t>(c.fd), true);
      return;
    }
    if (n < 0) {
      Ended(c, errno);
      return;
    }
    t.written += static_cast<size_t>(n);
  }
  loop.Watch(c.fd, EPOLLIN, static_cast<uint64_t>(c.fd), true);
}

void Http1Transport::Impl::Receive(Connection& c) {
  const ssize_t n = recv(c.fd, buffer.data(), buffer.size(), 0);
  const int64_t now = base::MonotonicNs();
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    Ended(c, n < 0 ? errno : 0);
    return;
  }
  if (c.transfer == nullptr) {  // an idle connection the server wrote to: not reusable
    Close(c);
    return;
  }
  Consume(*c.transfer, std::string_view(buffer.data(), static_cast<size_t>(n)), now);
}

// The connection ended (error 0: closed by the server) while c carried t, or while idle.
void Http1Transport::Impl::Ended(Connection& c, int error) {
  if (c.transfer == nullptr) {
    Close(c);
    return;
  }
  Exchange& t = *c.transfer;
  if (!t.response.any_byte() && c.kept && !t.retried) {
    Retry(t);  // the server had closed the kept connection before our request reached it
  } else if (error != 0) {
    Fail(t, "reset", t.written < t.total() ? kCurlSendFailed : kCurlRecvFailed);
  } else {
    Settled(t, t.response.Closed());
  }
}

void Http1Transport::Impl::Retry(Exchange& t) {
  t.retried = true;
  t.written = 0;
  Connection* old = t.connection;
  t.connection = nullptr;
  old->transfer = nullptr;
  Close(*old);
  Connect(t, nullptr);
}

void Http1Transport::Impl::Consume(Exchange& t, std::string_view bytes, int64_t now) {
  t.read_ns = now;
  Settled(t, t.response.Feed(bytes, now, t.on_body));
}

// What a read or a close left the response in.
void Http1Transport::Impl::Settled(Exchange& t, Http1Response::State state) {
  switch (state) {
    case Http1Response::State::kReading:
      return;
    case Http1Response::State::kDone:
      Finish(t, base::MonotonicNs());
      return;
    case Http1Response::State::kFailed:
      Fail(t, t.response.error_type(), t.response.error_message());
      return;
    case Http1Response::State::kStopped:
      Fail(t, "too_large", t.too_large);
      return;
  }
}

// Body bytes, unframed: SSE events or the whole body; false past a size cap.
bool Http1Transport::Impl::Store(Exchange& t, std::string_view bytes) {
  if (!t.event_stream)
    t.event_stream = t.response.content_type().find("event-stream") != std::string::npos;
  t.received += bytes.size();
  if (*t.event_stream) {
    t.framer.Feed(bytes, t.read_ns, t.record.events);
  } else {
    t.record.body.append(bytes);
  }
  if (t.framer.pending_bytes() > options.max_event_bytes) {
    t.too_large =
        "one SSE event grew past --max-event-bytes " + std::to_string(options.max_event_bytes);
    return false;
  }
  if (t.received > t.max_response_bytes) {
    t.too_large =
        "the response grew past --max-response-bytes " + std::to_string(t.max_response_bytes);
    return false;
  }
  return true;
}

std::unique_ptr<Exchange> Http1Transport::Impl::Take(Exchange& t) {
  deadlines.erase({t.deadline_ns, t.key});
  auto it = exchanges.find(t.key);
  std::unique_ptr<Exchange> owned = std::move(it->second);
  exchanges.erase(it);
  return owned;
}

// Hands a finished request to the caller (a prewarm GET is only counted).
void Http1Transport::Impl::Hand(std::unique_ptr<Exchange> t) {
  if (t->key >= kPrewarmKey) {
    --warming;
    return;
  }
  done.push_back(std::move(t->record));
}

// The response's head, as far as it came, into the record.
void CopyHead(const Http1Response& response, records::Record& r) {
  r.status = response.status();
  r.content_type = response.content_type();
  r.location = response.location();
  r.headers_ns = response.headers_ns();
}

void Http1Transport::Impl::Finish(Exchange& t, int64_t now) {
  std::unique_ptr<Exchange> owned = Take(t);
  t.record.end_ns = now;
  CopyHead(t.response, t.record);
  t.framer.Finish(t.record.events);
  Connection* c = t.connection;
  c->transfer = nullptr;
  // An answer that came before the whole request was written (a 413, say) leaves the rest of
  // the request unsent: the connection cannot carry another.
  if (t.response.keep_alive() && t.written == t.total()) {
    c->kept = true;
    Park(*c);
    if (t.key >= kPrewarmKey) ++warmed;
  } else {
    Close(*c);
  }
  Hand(std::move(owned));
}

void Http1Transport::Impl::Fail(Exchange& t, const std::string& type, const std::string& message) {
  std::unique_ptr<Exchange> owned = Take(t);
  records::Record& r = t.record;
  r.end_ns = base::MonotonicNs();
  CopyHead(t.response, r);
  r.error = records::RecordError{0, type, message};
  if (type == "too_large") {  // frees what was buffered
    t.framer = sse::Framer();
    std::vector<records::Event>().swap(r.events);
    std::string().swap(r.body);
  }
  if (t.connection != nullptr) {
    t.connection->transfer = nullptr;
    Close(*t.connection);
  }
  Hand(std::move(owned));
}

// An idle connection waits in its server's pool, watched so that a close by the server is seen.
void Http1Transport::Impl::Park(Connection& c) {
  loop.Watch(c.fd, EPOLLIN, static_cast<uint64_t>(c.fd), true);
  idle[c.server].push_back(&c);
  if (++idle_count <= static_cast<size_t>(std::max<long>(options.max_connections, 1))) return;
  // Past the pool's size the oldest idle connection of the fullest server goes.
  auto fullest = std::max_element(idle.begin(), idle.end(), [](const auto& a, const auto& b) {
    return a.second.size() < b.second.size();
  });
  Close(*fullest->second.front());
}

void Http1Transport::Impl::Close(Connection& c) {
  if (c.transfer == nullptr) {
    auto pool = idle.find(c.server);
    if (pool != idle.end()) {
      auto it = std::find(pool->second.begin(), pool->second.end(), &c);
      if (it != pool->second.end()) {
        pool->second.erase(it);
        --idle_count;
      }
    }
  }
  loop.Forget(c.fd);
  close(c.fd);
  connections.erase(c.fd);  // frees c
}

bool Http1Transport::Impl::Step(int64_t deadline_ns) {
  const int64_t now = base::MonotonicNs();
  while (!deadlines.empty() && deadlines.begin()->first <= now) {
    Fail(*exchanges.at(deadlines.begin()->second), "timeout", kCurlTimedOut);
  }
  if (!done.empty() || now >= deadline_ns) return false;
  const int64_t timeout_ns = deadlines.empty() ? kNever : deadlines.begin()->first;
  epoll_event events[256];
  const int n = loop.Wait(deadline_ns, timeout_ns, events, 256);
  for (int i = 0; i < n; ++i) {
    // A scheduled start is not kept waiting behind a batch of reads; epoll is level-triggered,
    // so what is left here is reported again.
    if (i > 0 && base::MonotonicNs() >= deadline_ns) break;
    const int fd = static_cast<int>(events[i].data.u64);
    Connection* c = Find(fd);
    if (c == nullptr) continue;  // closed earlier in this batch
    if (!c->connected && c->transfer != nullptr) {
      Connected(*c);
      continue;
    }
    if ((events[i].events & EPOLLOUT) && c->transfer != nullptr) {
      Write(*c);
      if ((c = Find(fd)) == nullptr) continue;
    }
    if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) Receive(*c);
  }
  return true;
}

Http1Transport::Http1Transport(TransportOptions options) : impl_(std::make_unique<Impl>()) {
  base::RaiseFdLimit();
  Impl& m = *impl_;
  m.options = std::move(options);
  for (const std::string& h : m.options.headers) {
    const size_t colon = h.find(':');
    // "Name:" with nothing after it removes a header for curl; here there is nothing to remove.
    if (colon == std::string::npos || TrimSpaces(std::string_view(h).substr(colon + 1)).empty())
      continue;
    const std::string_view name = TrimSpaces(std::string_view(h).substr(0, colon));
    if (EqualsIgnoringCase(name, "content-type")) m.user_content_type = true;
    if (EqualsIgnoringCase(name, "accept")) m.user_accept = true;
    m.user_headers += h + "\r\n";
  }
}

Http1Transport::~Http1Transport() {
  for (auto& [fd, c] : impl_->connections) close(fd);
}

void Http1Transport::Start(records::Record seed, const std::string& url,
                           std::shared_ptr<const std::string> body) {
  Impl& m = *impl_;
  auto owned = std::make_unique<Exchange>();
  Exchange& t = *owned;
  t.key = seed.request_id;
  t.on_body = [&m, &t](std::string_view bytes) { return m.Store(t, bytes); };
  t.record = std::move(seed);
  t.body = std::move(body);
  t.max_response_bytes = m.options.max_response_bytes;
  t.record.wall_start_ns = base::WallNs();
  t.record.start_ns = base::MonotonicNs();
  std::optional<Target> target = ParseTarget(url);
  m.exchanges.emplace(t.key, std::move(owned));
  if (!target) {
    m.Fail(t, "url", "URL rejected: not a plain http:// URL");
    return;
  }
  t.target = std::move(*target);
  t.head = "POST " + t.target.path + " HTTP/1.1\r\nHost: " + t.target.authority + "\r\n";
  if (!m.user_accept) t.head += "Accept: */*\r\n";
  if (!m.user_content_type) t.head += "Content-Type: application/json\r\n";
  t.head += "Content-Length: " + std::to_string(t.body ? t.body->size() : 0) + "\r\n";
  // The request's id, so the server's logs can be matched to the record; one id for every
  // turn of a conversation.
  t.head += "X-Request-Id: " + std::to_string(t.record.request_id) + "\r\n";
  if (!t.record.session_id.empty()) t.head += "X-Correlation-ID: " + t.record.session_id + "\r\n";
  t.head += m.user_headers;
  t.head += "\r\n";
  if (m.options.timeout_s > 0) {
    t.deadline_ns = t.record.start_ns + static_cast<int64_t>(m.options.timeout_s * 1e9);
    m.deadlines.insert({t.deadline_ns, t.key});
  }
  m.Begin(t);
}

void Http1Transport::Cancel(uint64_t request_id, records::RecordError error) {
  Impl& m = *impl_;
  auto it = m.exchanges.find(request_id);
  if (it == m.exchanges.end()) return;
  m.Fail(*it->second, error.type, error.message);
  m.done.back().error = std::move(error);
}

void Http1Transport::Poll(int64_t deadline_ns, std::vector<records::Record>& finished) {
  Impl& m = *impl_;
  while (m.Step(deadline_ns)) {
  }
  for (auto& r : m.done) finished.push_back(std::move(r));
  m.done.clear();
}

size_t Http1Transport::Prewarm(const std::string& url, size_t connections, int64_t deadline_ns,
                               const std::atomic<int>& interrupted) {
  Impl& m = *impl_;
  std::optional<Target> target = ParseTarget(url);
  if (!target) return 0;
  // The pool must hold them all, or the oldest would be closed as the newest come back.
  m.options.max_connections = std::max<long>(m.options.max_connections, connections);
  m.warmed = 0;
  for (size_t i = 0; i < connections; ++i) {
    auto owned = std::make_unique<Exchange>();
    Exchange& t = *owned;
    t.key = kPrewarmKey + i;
    t.on_body = [&m, &t](std::string_view bytes) { return m.Store(t, bytes); };
    t.target = *target;
    t.max_response_bytes = size_t{1} << 20;  // a model list is small
    t.head = "GET " + t.target.path + " HTTP/1.1\r\nHost: " + t.target.authority +
             "\r\nAccept: */*\r\n" + m.user_headers + "\r\n";
    t.record.start_ns = base::MonotonicNs();
    t.deadline_ns = deadline_ns;
    m.deadlines.insert({t.deadline_ns, t.key});
    m.exchanges.emplace(t.key, std::move(owned));
    ++m.warming;
    m.Connect(t, nullptr);  // a new connection each, not one of the pool's
  }
  while (m.warming > 0 && base::MonotonicNs() < deadline_ns && interrupted.load() == 0) {
    m.done.clear();  // (no request is in flight before the clock starts)
    m.Step(std::min(deadline_ns, base::MonotonicNs() + kInterruptCheckNs));
  }
  std::vector<uint64_t> left;
  for (const auto& [key, t] : m.exchanges)
    if (key >= kPrewarmKey) left.push_back(key);
  for (uint64_t key : left) m.Fail(*m.exchanges.at(key), "timeout", kCurlTimedOut);
  m.warming = 0;
  return m.warmed;
}

size_t Http1Transport::in_flight() const { return impl_->exchanges.size() + impl_->done.size(); }

bool Http1Serves(const std::string& url) {
  for (const char* name : {"http_proxy", "all_proxy", "ALL_PROXY"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return false;
  }
  return ParseTarget(url).has_value();
}

std::unique_ptr<Transport> MakeTransport(const TransportOptions& options, const std::string& url) {
  const bool builtin =
      options.http_client == "builtin" || (options.http_client == "auto" && Http1Serves(url));
  if (builtin) return std::make_unique<Http1Transport>(options);
  return std::make_unique<CurlMultiTransport>(options);
}

}  // namespace servebench::transport
