#include "tests/support/hostile_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace servebench::testing {
namespace {

// Reads one request: its head, then Content-Length bytes of body.
bool ReadRequest(int fd, HostileRequest& out) {
  std::string data;
  char buffer[8192];
  size_t head_end = std::string::npos;
  size_t length = 0;
  for (;;) {
    if (head_end != std::string::npos && data.size() >= head_end + 4 + length) break;
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    data.append(buffer, static_cast<size_t>(n));
    if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
      const size_t at = data.find("Content-Length: ");
      if (at != std::string::npos && at < head_end)
        length = std::strtoul(&data[at + 16], nullptr, 10);
    }
  }
  out.head = data.substr(0, head_end);
  out.body = data.substr(head_end + 4, length);
  out.method = out.head.substr(0, out.head.find(' '));
  const size_t path_start = out.method.size() + 1;
  out.path = out.head.substr(path_start, out.head.find(' ', path_start) - path_start);
  return true;
}

}  // namespace

bool SendAll(int fd, const std::string& text) {
  for (size_t sent = 0; sent < text.size();) {
    const ssize_t n = send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::string Head(const std::string& status, const std::vector<std::string>& headers) {
  std::string head = "HTTP/1.1 " + status + "\r\n";
  for (const auto& h : headers) head += h + "\r\n";
  return head + "\r\n";
}

std::string Chunk(const std::string& text) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", text.size());
  return size + text + "\r\n";
}

std::string ChatEvent(const std::string& content, const std::string& finish_reason) {
  return R"(data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":")" +
         content + R"("},"finish_reason":)" +
         (finish_reason.empty() ? "null" : "\"" + finish_reason + "\"") + "}]}\n\n";
}

void SendFinishedChat(int fd) {
  const std::string body = ChatEvent("hi") + ChatEvent("", "stop") + "data: [DONE]\n\n";
  SendAll(fd, Head("200 OK", {"Content-Type: text/event-stream",
                              "Content-Length: " + std::to_string(body.size())}) +
                  body);
}

void SendEndlessChat(int fd) {
  SendAll(fd, Head("200 OK", {"Content-Type: text/event-stream", "Connection: close"}));
  for (int i = 0; i < 3000 && SendAll(fd, ChatEvent("x")); ++i) usleep(20'000);
}

HostileServer::HostileServer(Script script) : script_(std::move(script)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 128) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    throw std::runtime_error("hostile server: cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

HostileServer::~HostileServer() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  close(listen_fd_);
  for (auto& t : connections_) t.join();
}

bool HostileServer::WaitForPosts(int n, int timeout_ms) {
  std::unique_lock lock(mutex_);
  return posted_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                          [&] { return posts_.load() >= n; });
}

void HostileServer::Accept() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;  // shut down
    if (stopping_) {
      close(fd);
      return;
    }
    connections_.emplace_back([this, fd] { Serve(fd); });
  }
}

void HostileServer::Serve(int fd) {
  HostileRequest request;
  // Keep-alive: one request after another until the script closes or the peer leaves.
  while (!stopping_ && ReadRequest(fd, request)) {
    if (request.method == "POST") {
      {
        std::lock_guard lock(mutex_);
        ++posts_;
      }
      posted_.notify_all();
    }
    if (script_(fd, request)) break;
    const std::string models = R"({"object":"list","data":[{"id":"m","object":"model"}]})";
    SendAll(fd, Head("200 OK", {"Content-Type: application/json",
                                "Content-Length: " + std::to_string(models.size())}) +
                    models);
  }
  close(fd);
}

}  // namespace servebench::testing
