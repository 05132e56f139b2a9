// The machine's limit for reading SSE streams, as a reference for servebench's own client: no
// HTTP library, no JSON. It keeps STREAMS keep-alive connections busy until REQUESTS streaming
// chat requests have finished, reads every ready socket once into one large buffer shared by
// the loop, and stamps each event's first byte (the read holding its "data: "). A connection
// keeps only the last few bytes of its previous read, to find a marker cut in two.
//   usage: raw_reader PORT STREAMS REQUESTS OSL
// Prints: events, seconds, events per second, CPU (user + system) microseconds per event.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "bench/loopback_streams.h"
#include "runner/base/clock.h"

namespace {

constexpr std::string_view kEvent = "data: ";
constexpr std::string_view kEnd = "\r\n0\r\n\r\n";  // the last chunk of a chunked response
constexpr size_t kCarry = kEnd.size() - 1;          // a marker cut in two is whole again

struct Stream {
  int fd = -1;
  bool sent = false;
  char carry[kCarry] = {};
  size_t carried = 0;
  int64_t last_event_ns = 0;
};

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Markers in text that end past its first `seen` bytes (the carried ones, counted before).
size_t Count(std::string_view text, std::string_view marker, size_t seen) {
  size_t n = 0;
  for (size_t at = text.find(marker); at != std::string_view::npos; at = text.find(marker, at + 1))
    n += at + marker.size() > seen ? 1 : 0;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: raw_reader PORT STREAMS REQUESTS OSL\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int streams_wanted = std::atoi(argv[2]);
  const long requests = std::atol(argv[3]);
  const std::string request =
      servebench::bench::StreamingChatRequest(std::atoll(argv[4]), "hello there");
  const int epoll = epoll_create1(0);
  const std::vector<int> fds =
      servebench::bench::ConnectAll(port, static_cast<size_t>(streams_wanted), epoll);
  if (fds.empty()) return 1;
  std::vector<Stream> streams(fds.size());
  for (size_t i = 0; i < fds.size(); ++i) streams[i].fd = fds[i];
  std::vector<char> buffer(size_t{1} << 20);  // one buffer for the whole loop
  std::vector<epoll_event> ready(1024);
  long started = 0, finished = 0;
  uint64_t events = 0;
  const double cpu0 = CpuSeconds();
  const int64_t t0 = servebench::base::MonotonicNs();
  auto send_request = [&](Stream& s) {
    if (send(s.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      std::perror("send");
      std::exit(1);
    }
    ++started;
  };
  while (finished < requests) {
    const int n = epoll_wait(epoll, ready.data(), static_cast<int>(ready.size()), 20000);
    if (n <= 0) {
      std::fprintf(stderr, "timed out with %ld of %ld requests finished\n", finished, requests);
      return 1;
    }
    for (int k = 0; k < n; ++k) {
      const uint32_t index = ready[static_cast<size_t>(k)].data.u32;
      Stream& s = streams[index];
      if (!s.sent) {  // connected: the first request, then only reads are watched
        s.sent = true;
        if (started < requests) send_request(s);
        epoll_event e{EPOLLIN, {.u32 = index}};
        epoll_ctl(epoll, EPOLL_CTL_MOD, s.fd, &e);
        continue;
      }
      const int64_t now = servebench::base::MonotonicNs();
      // The carried tail goes just before this read, in the same buffer.
      std::memcpy(buffer.data(), s.carry, s.carried);
      const ssize_t got = read(s.fd, buffer.data() + s.carried, buffer.size() - s.carried);
      if (got <= 0) {
        std::fprintf(stderr, "a stream closed before its end\n");
        return 1;
      }
      const std::string_view text(buffer.data(), s.carried + static_cast<size_t>(got));
      const size_t found = Count(text, kEvent, s.carried);
      if (found > 0) s.last_event_ns = now;
      events += found;
      const bool ended = text.find(kEnd) != std::string_view::npos;
      s.carried = ended ? 0 : std::min(kCarry, text.size());
      std::memcpy(s.carry, text.data() + text.size() - s.carried, s.carried);
      if (!ended) continue;
      ++finished;
      if (started < requests) send_request(s);
    }
  }
  const double seconds = static_cast<double>(servebench::base::MonotonicNs() - t0) / 1e9;
  const double cpu = CpuSeconds() - cpu0;
  for (const Stream& s : streams) close(s.fd);
  std::printf("%llu %.3f %.0f %.3f\n", static_cast<unsigned long long>(events), seconds,
              static_cast<double>(events) / seconds, cpu * 1e6 / static_cast<double>(events));
  return 0;
}
