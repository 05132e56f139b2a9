// What the benchmarks' own plain-socket clients share: a streaming chat request as the mock
// reads it, and connections to the loopback port opened without waiting, each watched by epoll
// under its index.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace servebench::bench {

inline std::string StreamingChatRequest(int64_t max_tokens, const std::string& prompt) {
  const std::string body = R"({"model":"mock-model","stream":true,"ignore_eos":true,)"
                           R"("max_completion_tokens":)" +
                           std::to_string(max_tokens) +
                           R"(,"messages":[{"role":"user","content":")" + prompt + R"("}]})";
  return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// n sockets connecting to 127.0.0.1:port (TCP_NODELAY), added to epoll_fd for reading and
// writing with data.u32 = their index; empty after a failed connect (reported on stderr).
inline std::vector<int> ConnectAll(int port, size_t n, int epoll_fd) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<int> fds;
  for (size_t i = 0; i < n; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 &&
        errno != EINPROGRESS) {
      std::perror("connect");
      return {};
    }
    epoll_event e{EPOLLOUT | EPOLLIN, {.u32 = static_cast<uint32_t>(i)}};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &e);
    fds.push_back(fd);
  }
  return fds;
}

}  // namespace servebench::bench
