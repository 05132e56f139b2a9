// An outside client for bursts of new connections: opens N connections to a server at once,
// sends one streaming chat request on each as soon as it connects, and reports the time from
// that send to the first content event (TTFT) at p50 and p99. Plain sockets and one epoll loop,
// so its own cost per connection stays in the microseconds and the figure is the server's.
//   usage: mock_burst_client PORT CONNECTIONS
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
#include <string>
#include <vector>

#include "bench/loopback_streams.h"
#include "runner/base/clock.h"

namespace {

struct Stream {
  int fd = -1;
  bool sent = false;
  int64_t sent_ns = 0, content_ns = 0;
  std::string in;
};

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double at = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(at);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (at - static_cast<double>(lo));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: mock_burst_client PORT CONNECTIONS\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int n = std::atoi(argv[2]);
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  const std::string request = servebench::bench::StreamingChatRequest(4, "hi");
  const int epoll = epoll_create1(0);
  const std::vector<int> fds = servebench::bench::ConnectAll(port, static_cast<size_t>(n), epoll);
  if (fds.empty()) return 1;
  std::vector<Stream> streams(static_cast<size_t>(n));
  for (size_t i = 0; i < fds.size(); ++i) streams[i].fd = fds[i];
  int done = 0;
  std::vector<epoll_event> events(256);
  char buffer[65536];
  while (done < n) {
    const int ready = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 20000);
    if (ready <= 0) {
      std::fprintf(stderr, "timed out with %d of %d streams\n", done, n);
      return 1;
    }
    for (int k = 0; k < ready; ++k) {
      Stream& s = streams[events[static_cast<size_t>(k)].data.u32];
      if (!s.sent && (events[static_cast<size_t>(k)].events & EPOLLOUT)) {
        s.sent_ns = servebench::base::MonotonicNs();
        if (send(s.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(request.size())) {
          std::perror("send");
          return 1;
        }
        s.sent = true;
        epoll_event e{EPOLLIN, {.u32 = events[static_cast<size_t>(k)].data.u32}};
        epoll_ctl(epoll, EPOLL_CTL_MOD, s.fd, &e);
      }
      if (!(events[static_cast<size_t>(k)].events & EPOLLIN) || s.content_ns != 0) continue;
      const int64_t now = servebench::base::MonotonicNs();
      const ssize_t got = read(s.fd, buffer, sizeof buffer);
      if (got <= 0) {
        std::fprintf(stderr, "a stream ended before its first token\n");
        return 1;
      }
      s.in.append(buffer, static_cast<size_t>(got));
      if (s.in.find(R"("content":" )") != std::string::npos) {  // the first generated token
        s.content_ns = now;
        ++done;
        epoll_ctl(epoll, EPOLL_CTL_DEL, s.fd, nullptr);
      }
    }
  }
  std::vector<double> ttft_ms;
  for (const auto& s : streams) {
    ttft_ms.push_back(static_cast<double>(s.content_ns - s.sent_ns) / 1e6);
    close(s.fd);
  }
  std::printf("%.2f %.2f\n", Percentile(ttft_ms, 0.5), Percentile(ttft_ms, 0.99));
  return 0;
}
