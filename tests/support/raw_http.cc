#include "tests/support/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "runner/base/clock.h"

namespace servebench::testing {

int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

namespace {

struct Received {
  std::string bytes;
  std::vector<int64_t> ns;  // per byte
};

Received Exchange(int port, const std::string& request) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) throw std::runtime_error("connect failed");
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  Received r;
  char buffer[65536];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    const int64_t now = base::MonotonicNs();
    r.bytes.append(buffer, static_cast<size_t>(n));
    r.ns.insert(r.ns.end(), static_cast<size_t>(n), now);
  }
  close(fd);
  return r;
}

HttpReply Parse(const Received& r) {
  HttpReply reply;
  const size_t head_end = r.bytes.find("\r\n\r\n");
  if (head_end == std::string::npos) return reply;
  reply.head = r.bytes.substr(0, head_end);
  reply.status = std::atoi(reply.head.c_str() + reply.head.find(' ') + 1);
  size_t pos = head_end + 4;
  if (reply.Header("Transfer-Encoding") != "chunked") {
    reply.body = r.bytes.substr(pos);
    reply.byte_ns.assign(r.ns.begin() + static_cast<long>(pos), r.ns.end());
    reply.complete = reply.Header("Content-Length").empty() ||
                     std::stoul(reply.Header("Content-Length")) == reply.body.size();
    return reply;
  }
  for (;;) {
    const size_t line_end = r.bytes.find("\r\n", pos);
    if (line_end == std::string::npos) return reply;
    const size_t size = std::stoul(r.bytes.substr(pos, line_end - pos), nullptr, 16);
    pos = line_end + 2;
    if (size == 0) {
      reply.complete = true;
      return reply;
    }
    if (pos + size > r.bytes.size()) return reply;
    reply.body.append(r.bytes, pos, size);
    reply.byte_ns.insert(reply.byte_ns.end(), r.ns.begin() + static_cast<long>(pos),
                         r.ns.begin() + static_cast<long>(pos + size));
    pos += size + 2;
  }
}

}  // namespace

std::string HttpReply::Header(const std::string& name) const {
  std::string lower_head = head, lower_name = name + ":";
  std::transform(lower_head.begin(), lower_head.end(), lower_head.begin(), ::tolower);
  std::transform(lower_name.begin(), lower_name.end(), lower_name.begin(), ::tolower);
  const size_t at = lower_head.find("\r\n" + lower_name);
  if (at == std::string::npos) return "";
  size_t start = at + 2 + lower_name.size();
  while (start < head.size() && head[start] == ' ') ++start;
  const size_t end = head.find("\r\n", start);
  return head.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

HttpReply HttpPost(int port, const std::string& path, const std::string& body,
                   const std::vector<std::string>& headers) {
  std::string request =
      "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
      "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& h : headers) request += h + "\r\n";
  return Parse(Exchange(port, request + "\r\n" + body));
}

HttpReply HttpGet(int port, const std::string& path) {
  return Parse(
      Exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
}

std::vector<SseEvent> ReadSse(const HttpReply& reply) {
  std::vector<SseEvent> events;
  size_t pos = 0;
  while (pos < reply.body.size()) {
    const size_t end = reply.body.find("\n\n", pos);
    const size_t stop = end == std::string::npos ? reply.body.size() : end;
    std::string block = reply.body.substr(pos, stop - pos);
    SseEvent event{"", reply.byte_ns[pos]};
    size_t line_start = 0;
    while (line_start <= block.size()) {
      size_t line_end = block.find('\n', line_start);
      if (line_end == std::string::npos) line_end = block.size();
      const std::string line = block.substr(line_start, line_end - line_start);
      if (line.rfind("data:", 0) == 0) {
        if (!event.data.empty()) event.data += "\n";
        event.data += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
      }
      line_start = line_end + 1;
    }
    events.push_back(std::move(event));
    if (end == std::string::npos) break;
    pos = end + 2;
  }
  return events;
}

}  // namespace servebench::testing
