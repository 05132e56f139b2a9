// A loopback HTTP server for tests that plays a server servebench did not write: each request
// is handed to a script that writes whatever raw bytes it likes (a cut stream, an endless event,
// a redirect, an HTML page) and the connection is closed when the script returns. GET /v1/models
// answers with one model unless the script takes it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace servebench::testing {

struct HostileRequest {
  std::string method, path, head, body;
};

class HostileServer {
 public:
  // Returns false to fall through to the default answer (used for /v1/models).
  using Script = std::function<bool(int fd, const HostileRequest& request)>;
  explicit HostileServer(Script script);
  ~HostileServer();
  HostileServer(const HostileServer&) = delete;
  HostileServer& operator=(const HostileServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // POSTs received so far; WaitForPosts blocks until n arrived (or the bound passes).
  int posts() const { return posts_.load(); }
  bool WaitForPosts(int n, int timeout_ms = 20000);

 private:
  void Accept();
  void Serve(int fd);

  Script script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> posts_{0};
  std::mutex mutex_;
  std::condition_variable posted_;
  std::thread acceptor_;
  std::vector<std::thread> connections_;
};

// Writes all of text; false once the peer has gone.
bool SendAll(int fd, const std::string& text);
// "HTTP/1.1 200 OK" head with these header lines, then a blank line.
std::string Head(const std::string& status, const std::vector<std::string>& headers);
// One HTTP/1.1 chunk holding text.
std::string Chunk(const std::string& text);
// A chat completion chunk event carrying `content` (and finish_reason when given).
std::string ChatEvent(const std::string& content, const std::string& finish_reason = "");
// A whole streamed chat reply ("hi", stop, [DONE]) with a Content-Length.
void SendFinishedChat(int fd);
// A streamed chat reply that never ends: an event every 20 ms until the client leaves (or a
// minute passes).
void SendEndlessChat(int fd);

}  // namespace servebench::testing
