#include "mock/server_loop.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_map>
#include <vector>

#include "mock/openai_shapes.h"
#include "runner/base/clock.h"

namespace servebench::mock {
namespace {

// epoll tags of the loop's own descriptors; connections are numbered above them.
constexpr uint64_t kListenTag = 1, kWakeTag = 2, kTimerTag = 3, kFirstConnection = 16;
constexpr size_t kReadBytes = 64 * 1024;

// read(), keeping the kernel's receive time of the bytes (SO_TIMESTAMPNS, CLOCK_REALTIME) as
// CLOCK_MONOTONIC in *arrived_ns when it gives one.
ssize_t ReadStamped(int fd, char* buffer, size_t size, int64_t* arrived_ns) {
  iovec part{buffer, size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  const ssize_t n = recvmsg(fd, &message, 0);
  if (n <= 0) return n;
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
    timespec at;
    std::memcpy(&at, CMSG_DATA(c), sizeof at);
    const int64_t wall = int64_t{at.tv_sec} * 1'000'000'000 + at.tv_nsec;
    *arrived_ns = wall - (base::WallNs() - base::MonotonicNs());
  }
  return n;
}

enum class State {
  kReading,      // waiting for (the rest of) a request
  kWorking,      // a worker is building the reply
  kWaitingSlot,  // admitted when a decode slot frees
  kDelayed,      // a whole reply waits for its due time
  kStreaming,    // writing a stream's pieces at their due times
  kFlushing,     // the reply is written; the socket has not taken all of it yet
};

struct Connection {
  uint64_t id = 0;
  int fd = -1;
  State state = State::kReading;
  std::string in, out;
  bool close_after = false;    // Connection: close, HTTP/1.0, a pipelined request or an error
  bool continue_sent = false;  // 100 Continue for the request being read
  bool want_write = false;     // EPOLLOUT is being watched
  bool holds_slot = false;
  bool head_sent = false;  // a stream's head went out before it was admitted
  bool ended = false;      // reply.ended has been called
  uint64_t timer_seq = 0;  // only the newest timer entry of a connection counts
  int64_t received_ns = 0;
  int64_t arrived_ns = 0;  // the kernel's receive time of the last bytes read (monotonic)
  Pending pending;
  Reply reply;
  Piece piece;
  bool has_piece = false;
};

struct Timer {
  int64_t due_ns;
  uint64_t id, seq;
  bool operator>(const Timer& other) const { return due_ns > other.due_ns; }
};

struct Job {
  uint64_t id;
  HttpRequest request;
  int64_t received_ns;
};

struct Done {
  uint64_t id;
  Pending pending;
};

Reply ErrorReply(int status, const std::string& message) {
  Reply r;
  r.status = status;
  r.body = ErrorBody(message, "invalid_request_error", "bad_http_request");
  return r;
}

}  // namespace

struct ServerLoop::Impl {
  Impl(LoopOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {}
  ~Impl() {
    for (int fd : {listener, epoll, wake, timer}) {
      if (fd >= 0) close(fd);
    }
  }

  LoopOptions options;
  Handler handler;
  int listener = -1, epoll = -1, wake = -1, timer = -1;
  std::thread loop;
  std::vector<std::thread> workers;
  std::atomic<bool> stopped{false};
  std::atomic<int64_t> accepted{0}, streams{0};

  // Shared with the workers.
  std::mutex mutex;
  std::condition_variable job_ready;
  std::deque<Job> jobs;
  std::vector<Done> done;
  bool stopping = false;

  // The loop's own.
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  std::deque<uint64_t> waiting;  // for a decode slot, in arrival order
  int64_t slots_used = 0;
  uint64_t next_id = kFirstConnection;
  int64_t armed_ns = 0;
  bool accepting = true;

  base::Expected<int> Listen();
  void Main();
  void WorkerMain();
  void Wake() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t r = write(wake, &one, sizeof one);
  }

  Connection* Find(uint64_t id) {
    auto it = connections.find(id);
    return it == connections.end() ? nullptr : it->second.get();
  }
  void Watch(Connection& c, bool write) {
    epoll_event e{EPOLLIN | EPOLLRDHUP | (write ? EPOLLOUT : 0u), {.u64 = c.id}};
    epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &e);
    c.want_write = write;
  }
  void SetTimer(Connection& c, int64_t due_ns) { timers.push({due_ns, c.id, ++c.timer_seq}); }
  void ArmTimer();
  void SetAccepting(bool on);

  void AcceptAll();
  void OnReadable(Connection& c);
  void OnWritable(Connection& c);
  void OnTimer(Connection& c);
  void OnDone(Done& d);
  void ReadRequest(Connection& c);
  void Admit(Connection& c, int64_t admitted_ns);
  void AdmitWaiting();
  void StartReply(Connection& c, Reply reply);
  void SendWhole(Connection& c);
  void Advance(Connection& c);
  void EndReply(Connection& c, bool whole, int64_t sent_ns);
  bool Flush(Connection& c);
  void FlushThen(Connection& c);
  void FinishResponse(Connection& c);
  void Close(Connection& c);
};

base::Expected<int> ServerLoop::Impl::Listen() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options.port);
  const std::string where = options.host + ":" + port;
  if (getaddrinfo(options.host.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
    return base::MakeError("mock: cannot resolve the host of " + where + "; check --host");
  }
  for (addrinfo* a = found; a && listener < 0; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // Receive times from the kernel (accepted sockets inherit it). Set here, at start: the
    // kernel turns its time stamping on a moment after the first socket asks, and a request
    // on a connection accepted just then would go unstamped.
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    // A burst of connects must not wait for SYN retransmits (1 s): a deep accept queue.
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 4096) == 0) {
      listener = fd;
    } else {
      close(fd);
    }
  }
  freeaddrinfo(found);
  if (listener < 0) {
    return base::MakeError("mock: cannot listen on " + where +
                           " (is the port in use? --port 0 picks a free one)");
  }
  sockaddr_storage bound{};
  socklen_t size = sizeof bound;
  getsockname(listener, reinterpret_cast<sockaddr*>(&bound), &size);
  return bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<const sockaddr_in6&>(bound).sin6_port)
                                     : ntohs(reinterpret_cast<const sockaddr_in&>(bound).sin_port);
}

// Programming a timer is costly (a VM exit on virtual machines), so it is re-armed only when
// the earliest due time changes.
void ServerLoop::Impl::ArmTimer() {
  const int64_t due = timers.empty() ? 0 : std::max<int64_t>(timers.top().due_ns, 1);
  if (due == armed_ns) return;
  armed_ns = due;
  itimerspec spec{};
  spec.it_value = {static_cast<time_t>(due / 1'000'000'000),
                   static_cast<long>(due % 1'000'000'000)};
  timerfd_settime(timer, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void ServerLoop::Impl::SetAccepting(bool on) {
  if (on == accepting) return;
  accepting = on;
  epoll_event e{on ? static_cast<uint32_t>(EPOLLIN) : 0u, {.u64 = kListenTag}};
  epoll_ctl(epoll, EPOLL_CTL_MOD, listener, &e);
}

void ServerLoop::Impl::AcceptAll() {
  while (static_cast<int64_t>(connections.size()) < options.max_connections) {
    const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      // Out of descriptors or memory: wait for a connection to close before accepting more.
      if (errno != EAGAIN && errno != EWOULDBLOCK) SetAccepting(false);
      return;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // The kernel stamps each read with when its bytes arrived (SO_TIMESTAMPNS, inherited from
    // the listener): the send log's ground truth of a request's arrival, before the loop's own
    // queue of reads.
    auto c = std::make_unique<Connection>();
    c->id = next_id++;
    c->fd = fd;
    epoll_event e{EPOLLIN | EPOLLRDHUP, {.u64 = c->id}};
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &e);
    SetTimer(*c, base::MonotonicNs() + options.idle_timeout_ns);
    connections.emplace(c->id, std::move(c));
    ++accepted;
  }
  SetAccepting(false);
}

void ServerLoop::Impl::OnReadable(Connection& c) {
  char buffer[kReadBytes];
  for (;;) {
    const ssize_t n = ReadStamped(c.fd, buffer, sizeof buffer, &c.arrived_ns);
    if (n > 0) {
      c.in.append(buffer, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof buffer) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return Close(c);  // the client closed or reset the connection
  }
  if (c.state == State::kReading) return ReadRequest(c);
  // Bytes while a reply is under way: a pipelined request. It is not served; the connection
  // closes after this reply, and the client sends it again on a new one (RFC 9112 §9.3.2).
  c.close_after = true;
  if (c.in.size() > options.limits.max_head_bytes) c.in.clear();
}

void ServerLoop::Impl::ReadRequest(Connection& c) {
  HttpRequest request;
  const ParseResult r = ParseRequest(c.in, options.limits, &request);
  const int64_t now = base::MonotonicNs();
  switch (r.state) {
    case ParseState::kIncomplete:
      return SetTimer(c, now + (c.in.empty() ? options.idle_timeout_ns : options.read_timeout_ns));
    case ParseState::kHeadOnly:
      if (request.ExpectsContinue() && !c.continue_sent) {
        c.continue_sent = true;
        c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        if (!Flush(c)) return Close(c);
        if (!c.out.empty()) Watch(c, true);
      }
      return SetTimer(c, now + options.read_timeout_ns);
    case ParseState::kBad:
      c.in.clear();
      c.close_after = true;
      return StartReply(c, ErrorReply(r.error_status, "mock: " + r.error));
    case ParseState::kDone:
      break;
  }
  c.in.erase(0, r.consumed);
  c.continue_sent = false;
  if (!c.in.empty() || !request.KeepAlive()) c.close_after = true;
  c.state = State::kWorking;
  c.received_ns = now;
  request.arrived_ns = std::min(c.arrived_ns, now);
  ++c.timer_seq;  // no timeout while the reply is built
  {
    std::lock_guard lock(mutex);
    jobs.push_back({c.id, std::move(request), now});
  }
  job_ready.notify_one();
}

void ServerLoop::Impl::WorkerMain() {
  // Due times count from when a request was read, so a reply built a little later still leaves
  // on time; the loop's reads and writes cannot wait. On a busy machine the scheduler should
  // prefer the loop. (Not SCHED_IDLE, as the client's records thread: a reply must not wait
  // for every other process on the machine to pause, or the mock's TTFT would follow the
  // machine's load.)
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  std::unique_lock lock(mutex);
  for (;;) {
    job_ready.wait(lock, [&] { return stopping || !jobs.empty(); });
    if (stopping) return;
    Job job = std::move(jobs.front());
    jobs.pop_front();
    lock.unlock();
    Pending pending = handler(job.request, job.received_ns);
    lock.lock();
    done.push_back({job.id, std::move(pending)});
    Wake();
  }
}

void ServerLoop::Impl::OnDone(Done& d) {
  Connection* c = Find(d.id);
  if (!c) {
    if (d.pending.reply.ended) d.pending.reply.ended(false, 0);
    return;
  }
  if (!d.pending.admit) return StartReply(*c, std::move(d.pending.reply));
  c->pending = std::move(d.pending);
  c->state = State::kWaitingSlot;
  // Admitted at once when a slot is free: decoding starts when the request arrived.
  if (options.decode_slots <= 0 || (slots_used < options.decode_slots && waiting.empty())) {
    return Admit(*c, c->received_ns);
  }
  if (c->pending.streams) {
    const Reply& head = c->pending.reply;
    c->out += ResponseHead(head.status, head.content_type, head.headers, -1, c->close_after);
    c->head_sent = true;
    if (!Flush(*c)) return Close(*c);
  }
  waiting.push_back(c->id);
}

void ServerLoop::Impl::Admit(Connection& c, int64_t admitted_ns) {
  if (options.decode_slots > 0) {
    ++slots_used;
    c.holds_slot = true;
  }
  Reply reply = c.pending.admit(admitted_ns);
  if (c.pending.streams) {  // the head was decided with the request
    reply.status = c.pending.reply.status;
    reply.content_type = std::move(c.pending.reply.content_type);
    reply.headers = std::move(c.pending.reply.headers);
  }
  c.pending = Pending{};
  StartReply(c, std::move(reply));
}

void ServerLoop::Impl::AdmitWaiting() {
  while (!waiting.empty() && slots_used < options.decode_slots) {
    Connection* c = Find(waiting.front());
    waiting.pop_front();
    if (c && c->state == State::kWaitingSlot) Admit(*c, base::MonotonicNs());
  }
}

void ServerLoop::Impl::StartReply(Connection& c, Reply reply) {
  c.reply = std::move(reply);
  c.ended = false;
  if (c.reply.stream) {
    if (!c.head_sent) {
      c.out +=
          ResponseHead(c.reply.status, c.reply.content_type, c.reply.headers, -1, c.close_after);
    }
    c.state = State::kStreaming;
    ++streams;
    if (!Flush(c)) return Close(c);  // the head goes out before the first token is due
    c.has_piece = c.reply.stream->Next(c.piece);
    return Advance(c);
  }
  if (c.reply.due_ns > base::MonotonicNs()) {
    c.state = State::kDelayed;
    return SetTimer(c, c.reply.due_ns);
  }
  SendWhole(c);
}

void ServerLoop::Impl::SendWhole(Connection& c) {
  const int64_t sent_ns = base::MonotonicNs();
  c.out += ResponseHead(c.reply.status, c.reply.content_type, c.reply.headers,
                        static_cast<int64_t>(c.reply.body.size()), c.close_after);
  c.out += c.reply.body;
  c.state = State::kFlushing;
  EndReply(c, true, sent_ns);
  FlushThen(c);
}

// Writes every piece that is due, all of them with one send (as a server's decode step hands
// the socket what it has), then waits for the next one or for the socket to drain. Each piece
// is logged as sent when its batch is handed over.
void ServerLoop::Impl::Advance(Connection& c) {
  constexpr size_t kBatchBytes = 64 * 1024;
  while (true) {
    const int64_t now = base::MonotonicNs();
    while (c.has_piece && !c.piece.disconnect && c.piece.due_ns <= now &&
           c.out.size() < kBatchBytes) {
      AppendChunkFrame(c.out, c.piece.bytes);
      c.reply.stream->Sent(c.piece, now);
      c.has_piece = c.reply.stream->Next(c.piece);
    }
    if (!c.has_piece) {
      c.out += kLastChunk;
      c.state = State::kFlushing;
      EndReply(c, true, 0);
      return FlushThen(c);
    }
    if (c.piece.disconnect && c.piece.due_ns <= now) {
      Flush(c);  // what was already due goes out before the cut
      return Close(c);
    }
    if (!Flush(c)) return Close(c);
    if (!c.out.empty()) return Watch(c, true);  // resumes in OnWritable
    if (c.piece.due_ns > now) return SetTimer(c, c.piece.due_ns);
  }
}

void ServerLoop::Impl::EndReply(Connection& c, bool whole, int64_t sent_ns) {
  if (!c.ended && c.reply.ended) c.reply.ended(whole, sent_ns);
  c.ended = true;
  if (c.holds_slot) {
    c.holds_slot = false;
    --slots_used;
  }
}

// Hands buffered bytes to the socket without blocking; false when the connection is gone.
bool ServerLoop::Impl::Flush(Connection& c) {
  while (!c.out.empty()) {
    const ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      c.out.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
  }
  return true;
}

void ServerLoop::Impl::FlushThen(Connection& c) {
  if (!Flush(c)) return Close(c);
  if (!c.out.empty()) return Watch(c, true);
  FinishResponse(c);
}

void ServerLoop::Impl::OnWritable(Connection& c) {
  if (!Flush(c)) return Close(c);
  if (!c.out.empty()) return;
  Watch(c, false);
  if (c.state == State::kStreaming) return Advance(c);
  if (c.state == State::kFlushing) return FinishResponse(c);
}

void ServerLoop::Impl::FinishResponse(Connection& c) {
  if (c.close_after) return Close(c);
  c.state = State::kReading;
  c.reply = Reply{};
  c.head_sent = false;
  ReadRequest(c);
}

void ServerLoop::Impl::OnTimer(Connection& c) {
  switch (c.state) {
    case State::kReading:
      return Close(c);  // idle, or a request that stopped arriving
    case State::kDelayed:
      return SendWhole(c);
    case State::kStreaming:
      return Advance(c);
    default:
      return;
  }
}

void ServerLoop::Impl::Close(Connection& c) {
  EndReply(c, false, 0);
  epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd, nullptr);
  close(c.fd);
  connections.erase(c.id);  // c is gone from here on
  SetAccepting(true);
}

void ServerLoop::Impl::Main() {
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  std::vector<epoll_event> events(256);
  for (;;) {
    const int n = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64;
      if (tag == kListenTag) {
        AcceptAll();
      } else if (tag == kWakeTag) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = read(wake, &count, sizeof count);
        std::vector<Done> finished;
        {
          std::lock_guard lock(mutex);
          if (stopping) return;
          finished.swap(done);
        }
        for (Done& d : finished) OnDone(d);
      } else if (tag == kTimerTag) {
        uint64_t expirations;
        [[maybe_unused]] ssize_t r = read(timer, &expirations, sizeof expirations);
        armed_ns = 0;  // a one-shot timer that fired is disarmed
      } else {
        const uint32_t what = events[i].events;
        if (Connection* c = Find(tag); c && (what & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
          OnReadable(*c);
        if (Connection* c = Find(tag); c && (what & EPOLLOUT) && c->want_write) OnWritable(*c);
      }
    }
    const int64_t now = base::MonotonicNs();
    while (!timers.empty() && timers.top().due_ns <= now) {
      const Timer t = timers.top();
      timers.pop();
      if (Connection* c = Find(t.id); c && c->timer_seq == t.seq) OnTimer(*c);
    }
    if (options.decode_slots > 0) AdmitWaiting();
    ArmTimer();
  }
}

ServerLoop::ServerLoop(LoopOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

ServerLoop::~ServerLoop() { Stop(); }

base::Expected<int> ServerLoop::Start() {
  Impl& l = *impl_;
  auto port = l.Listen();
  if (!port) return port.error();
  l.epoll = epoll_create1(EPOLL_CLOEXEC);
  l.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  l.timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (l.epoll < 0 || l.wake < 0 || l.timer < 0) {
    return base::MakeError("mock: cannot create the server's event loop");
  }
  const std::pair<int, uint64_t> watched[] = {
      {l.listener, kListenTag}, {l.wake, kWakeTag}, {l.timer, kTimerTag}};
  for (const auto& [fd, tag] : watched) {
    epoll_event e{EPOLLIN, {.u64 = tag}};
    epoll_ctl(l.epoll, EPOLL_CTL_ADD, fd, &e);
  }
  for (int i = 0; i < l.options.workers; ++i) l.workers.emplace_back([&l] { l.WorkerMain(); });
  l.loop = std::thread([&l] { l.Main(); });
  return *port;
}

void ServerLoop::Stop() {
  Impl& l = *impl_;
  if (l.stopped.exchange(true)) return;
  {
    std::lock_guard lock(l.mutex);
    l.stopping = true;
  }
  l.job_ready.notify_all();
  for (auto& w : l.workers) w.join();
  if (l.loop.joinable()) {
    l.Wake();
    l.loop.join();
  }
  // Replies still under way end as not whole, so their owners' counters settle.
  while (!l.connections.empty()) l.Close(*l.connections.begin()->second);
}

LoopStats ServerLoop::Stats() const {
  return {impl_->accepted.load(), impl_->streams.load(),
          1 + static_cast<int64_t>(impl_->workers.size())};
}

}  // namespace servebench::mock
