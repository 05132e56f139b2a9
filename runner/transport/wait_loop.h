// The sleeping half of a transport's event loop, shared by both clients: an epoll set of the
// sockets plus one timer, woken for the caller's deadline (a scheduled start, worth spinning
// for: the spin window) or for the client's own timeouts (not worth it).
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <limits>

#include "runner/transport/spin_window.h"

namespace servebench::transport {

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
// How often a wait that Ctrl-C may cut short (the prewarm) looks at the interrupt count.
inline constexpr int64_t kInterruptCheckNs = 50'000'000;

class WaitLoop {
 public:
  WaitLoop();
  ~WaitLoop();
  WaitLoop(const WaitLoop&) = delete;
  WaitLoop& operator=(const WaitLoop&) = delete;

  // Watches fd for `events` (EPOLLIN, EPOLLOUT), reporting `tag` with them; Watch again
  // changes what it waits for.
  void Watch(int fd, uint32_t events, uint64_t tag, bool added);
  void Forget(int fd);

  // Waits until a socket is ready, deadline_ns (the caller's) or timeout_ns (the client's own)
  // and fills `ready` with at most `most` socket events (never the timer's); 0 when a deadline
  // came. Returns at once when deadline_ns is within the spin window.
  int Wait(int64_t deadline_ns, int64_t timeout_ns, epoll_event* ready, int most);

 private:
  void Arm(int64_t at_ns);

  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int64_t armed_ns_ = 0;     // re-arming costs a system call (and a VM exit)
  bool armed_ours_ = false;  // armed for the caller's deadline (less the spin window)
  SpinWindow spin_;
};

}  // namespace servebench::transport
