#include "runner/transport/wait_loop.h"

#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "runner/base/clock.h"

namespace servebench::transport {
namespace {
constexpr uint64_t kTimerTag = std::numeric_limits<uint64_t>::max();
}

WaitLoop::WaitLoop()
    : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)),
      timer_fd_(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);  // precise timer wake-ups for this (the loop's) thread
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kTimerTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &ev);
}

WaitLoop::~WaitLoop() {
  close(timer_fd_);
  close(epoll_fd_);
}

void WaitLoop::Watch(int fd, uint32_t events, uint64_t tag, bool added) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = tag;
  epoll_ctl(epoll_fd_, added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
}

void WaitLoop::Forget(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void WaitLoop::Arm(int64_t at_ns) {
  if (at_ns == armed_ns_) return;
  armed_ns_ = at_ns;
  itimerspec spec{};
  spec.it_value.tv_sec = at_ns / 1'000'000'000;
  spec.it_value.tv_nsec = at_ns % 1'000'000'000;
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

int WaitLoop::Wait(int64_t deadline_ns, int64_t timeout_ns, epoll_event* ready, int most) {
  const int64_t now = base::MonotonicNs();
  const bool ours = deadline_ns <= timeout_ns;
  const bool spin = ours && deadline_ns - now <= spin_.ns();
  if (!spin) {
    Arm(ours ? deadline_ns - spin_.ns() : timeout_ns);
    armed_ours_ = ours;
  }
  const int n = epoll_wait(epoll_fd_, ready, most, spin ? 0 : -1);
  int kept = 0;
  for (int i = 0; i < n; ++i) {
    if (ready[i].data.u64 != kTimerTag) {
      ready[kept++] = ready[i];
      continue;
    }
    uint64_t expirations;
    [[maybe_unused]] ssize_t r = read(timer_fd_, &expirations, sizeof expirations);
    if (armed_ours_) spin_.Woke(base::MonotonicNs() - armed_ns_);
    armed_ns_ = 0;  // a one-shot timer that fired is disarmed
  }
  return kept;
}

}  // namespace servebench::transport
