#include "mock/connection_threads.h"

#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>

#include <cerrno>
#include <memory>

#include "mock/accepted_socket.h"

namespace servebench::mock {
namespace {

constexpr size_t kStackBytes = 256 * 1024;

struct Task {
  ConnectionThreads* owner;
  std::function<void()> fn;
  int socket;  // the connection's, as accept() returned it on the listening thread
};

// cpp-httplib waits for a request by polling for 10 ms and sleeping for 1 ms, over and over: a
// thread per idle connection then wakes 90 times a second, and a burst of thousands of new
// connections melts the CPU. One blocking wait for the first request avoids that where it hurts.
void WaitForFirstRequest(int socket) {
  if (socket < 0) return;
  pollfd p{socket, POLLIN, 0};
  constexpr int kWaitMs = 5000;  // then cpp-httplib's own keep-alive timeout decides
  while (poll(&p, 1, kWaitMs) < 0 && errno == EINTR) {
  }
}

}  // namespace

void ConnectionThreads::enqueue(std::function<void()> fn) {
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return running_ < max_threads_; });
    ++running_;
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kStackBytes);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  auto task = std::make_unique<Task>(Task{this, std::move(fn), TakeJustAccepted()});
  pthread_t thread;
  if (pthread_create(&thread, &attr, &ConnectionThreads::Main, task.get()) == 0) {
    task.release();
  } else {
    SetConnectionSocket(-1);  // no thread to be had: serve the connection on the accept thread
    task->fn();
    Finished();
  }
  pthread_attr_destroy(&attr);
}

void* ConnectionThreads::Main(void* arg) {
  std::unique_ptr<Task> task(static_cast<Task*>(arg));
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  SetConnectionSocket(task->socket);
  WaitForFirstRequest(task->socket);
  task->fn();
  ConnectionThreads* owner = task->owner;
  task.reset();  // release the connection's state before the queue may be destroyed
  owner->Finished();
  return nullptr;
}

void ConnectionThreads::Finished() {
  std::lock_guard lock(mutex_);
  --running_;
  changed_.notify_all();
}

void ConnectionThreads::shutdown() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return running_ == 0; });
}

}  // namespace servebench::mock
