// The mock's task queue for cpp-httplib: one thread per open connection (cpp-httplib serves a
// connection's requests on one thread). A stream's thread hands its events to the stream writer
// and sleeps, so an idle or streaming connection costs a small stack, not CPU. Each thread knows
// its connection's socket (see accepted_socket.h).
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>

namespace servebench::mock {

class ConnectionThreads : public httplib::TaskQueue {
 public:
  explicit ConnectionThreads(size_t max_threads) : max_threads_(max_threads) {}
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;  // waits for every connection thread to finish

 private:
  static void* Main(void* arg);
  void Finished();

  const size_t max_threads_;
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t running_ = 0;
};

}  // namespace servebench::mock
