#include "mock/stream_writer.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <future>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_set>
#include <vector>

#include "runner/base/clock.h"

namespace servebench::mock {
namespace {

struct Job {
  int fd = -1;
  EventSource* source = nullptr;
  Piece piece;
  bool has_piece = false;
  std::string out;  // framed bytes the socket has not taken yet
  bool watching = false;
  std::promise<bool> ended;
};

using Due = std::pair<int64_t, Job*>;

}  // namespace

std::string ChunkFrame(const std::string& bytes) {
  char size[20];
  const int n = std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  std::string frame(size, static_cast<size_t>(n));
  frame += bytes;
  frame += "\r\n";
  return frame;
}

struct StreamWriter::Loop {
  int epoll = -1, wake = -1, timer = -1;
  std::thread thread;
  std::mutex mutex;
  std::vector<Job*> submitted;  // guarded by mutex
  bool stopping = false;        // guarded by mutex
  std::priority_queue<Due, std::vector<Due>, std::greater<>> heap;
  std::unordered_set<Job*> running;  // every job the loop holds, for shutdown
  int64_t armed_ns = 0;              // the timer's deadline, 0 when disarmed

  ~Loop() {
    for (int fd : {epoll, wake, timer}) {
      if (fd >= 0) close(fd);
    }
  }

  void Complete(Job* job, bool whole) {
    if (job->watching) epoll_ctl(epoll, EPOLL_CTL_DEL, job->fd, nullptr);
    running.erase(job);
    job->ended.set_value(whole);  // the job belongs to its connection's thread from here on
  }

  // Hands framed bytes to the socket without blocking; false when the connection is gone.
  bool Flush(Job* job) {
    while (!job->out.empty()) {
      const ssize_t n =
          send(job->fd, job->out.data(), job->out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) {
        job->out.erase(0, static_cast<size_t>(n));
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
      }
    }
    return true;
  }

  // Writes every piece that is due, then waits for the next one (or for the socket to drain).
  void Advance(Job* job) {
    while (true) {
      if (!job->has_piece) return Complete(job, true);
      if (job->piece.due_ns > base::MonotonicNs()) {
        heap.emplace(job->piece.due_ns, job);
        return;
      }
      if (job->piece.disconnect) return Complete(job, false);
      const int64_t sent_ns = base::MonotonicNs();
      job->out += ChunkFrame(job->piece.bytes);
      const bool flushed = Flush(job);
      job->source->Sent(job->piece, sent_ns);
      if (!flushed) return Complete(job, false);
      job->has_piece = job->source->Next(job->piece);
      if (!job->out.empty()) {
        epoll_event e{EPOLLOUT, {.ptr = job}};
        job->watching = true;
        epoll_ctl(epoll, EPOLL_CTL_ADD, job->fd, &e);
        return;
      }
    }
  }

  // Programming a timer is costly (a VM exit on virtual machines), so it is re-armed only when
  // the earliest due time changes.
  void ArmTimer() {
    const int64_t due = heap.empty() ? 0 : std::max<int64_t>(heap.top().first, 1);
    if (due == armed_ns) return;
    armed_ns = due;
    itimerspec spec{};
    spec.it_value = {static_cast<time_t>(due / 1'000'000'000),
                     static_cast<long>(due % 1'000'000'000)};
    timerfd_settime(timer, TFD_TIMER_ABSTIME, &spec, nullptr);
  }

  void Main() {
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    std::vector<epoll_event> events(256);
    while (true) {
      const int n = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), -1);
      for (int i = 0; i < n; ++i) {
        void* tag = events[i].data.ptr;
        if (tag == &wake) {
          uint64_t count;
          [[maybe_unused]] ssize_t r = read(wake, &count, sizeof count);
          std::vector<Job*> fresh;
          {
            std::lock_guard lock(mutex);
            if (stopping) return Shutdown();
            fresh.swap(submitted);
          }
          for (Job* job : fresh) {
            running.insert(job);
            job->has_piece = job->source->Next(job->piece);
            Advance(job);
          }
        } else if (tag == &timer) {
          uint64_t expirations;
          [[maybe_unused]] ssize_t r = read(timer, &expirations, sizeof expirations);
          armed_ns = 0;  // a one-shot timer that fired is disarmed
        } else {
          Job* job = static_cast<Job*>(tag);
          if (!Flush(job)) {
            Complete(job, false);
            continue;
          }
          if (!job->out.empty()) continue;
          epoll_ctl(epoll, EPOLL_CTL_DEL, job->fd, nullptr);
          job->watching = false;
          Advance(job);
        }
      }
      const int64_t now = base::MonotonicNs();
      while (!heap.empty() && heap.top().first <= now) {
        Job* job = heap.top().second;
        heap.pop();
        Advance(job);
      }
      ArmTimer();
    }
  }

  void Shutdown() {
    while (!heap.empty()) heap.pop();
    while (!running.empty()) Complete(*running.begin(), false);
  }
};

StreamWriter::StreamWriter() : loop_(std::make_unique<Loop>()) {}

StreamWriter::~StreamWriter() {
  if (!loop_->thread.joinable()) return;
  {
    std::lock_guard lock(loop_->mutex);
    loop_->stopping = true;
  }
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t r = write(loop_->wake, &one, sizeof one);
  loop_->thread.join();
}

base::Status StreamWriter::Start() {
  Loop& l = *loop_;
  l.epoll = epoll_create1(EPOLL_CLOEXEC);
  l.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  l.timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (l.epoll < 0 || l.wake < 0 || l.timer < 0) {
    return base::MakeError("mock: cannot create the stream writer's event loop");
  }
  epoll_event wake{EPOLLIN, {.ptr = &l.wake}};
  epoll_event timer{EPOLLIN, {.ptr = &l.timer}};
  epoll_ctl(l.epoll, EPOLL_CTL_ADD, l.wake, &wake);
  epoll_ctl(l.epoll, EPOLL_CTL_ADD, l.timer, &timer);
  l.thread = std::thread([&l] { l.Main(); });
  return base::Ok{};
}

bool StreamWriter::Run(int fd, EventSource& source) {
  Job job;
  job.fd = fd;
  job.source = &source;
  std::future<bool> ended = job.ended.get_future();
  {
    std::lock_guard lock(loop_->mutex);
    if (loop_->stopping) return false;
    loop_->submitted.push_back(&job);
  }
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t r = write(loop_->wake, &one, sizeof one);
  return ended.get();
}

}  // namespace servebench::mock
