// How a helper thread yields to an event loop that stamps time: while it keeps up it runs only
// when a core has nothing else to do (SCHED_IDLE), so on a core it shares with the loop the
// loop's wake-up preempts it at once (under a low priority, nice, it could hold the core for a
// scheduler slice of milliseconds and the loop would stamp reads and sends late). When the loop
// keeps every core busy that would starve the helper and its queue would grow without bound:
// past `behind` queued items it takes a small share of the core again (nice 10) until fewer
// than `caught_up` wait. Leaving SCHED_IDLE needs CAP_SYS_NICE or a nice limit (RLIMIT_NICE)
// that allows nice 0; without either the thread never enters it and only takes nice 10.
#pragma once

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstddef>

namespace servebench::base {

class YieldPolicy {
 public:
  YieldPolicy(size_t behind, size_t caught_up)
      : behind_(behind), caught_up_(caught_up), idle_(CanLeaveIdle()) {
    Apply();
  }
  // Called by the helper thread with its queue's length before each item.
  void Queued(size_t waiting) {
    if (!can_idle_) return;
    if ((idle_ && waiting > behind_) || (!idle_ && waiting < caught_up_)) {
      idle_ = !idle_;
      Apply();
    }
  }

 private:
  void Apply() const {
    const sched_param none{};
    sched_setscheduler(0, idle_ ? SCHED_IDLE : SCHED_OTHER, &none);
    if (!idle_) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  }

  // Tried, not reasoned about: root in a container may lack CAP_SYS_NICE.
  static bool CanLeaveIdle() {
    const sched_param none{};
    return sched_setscheduler(0, SCHED_IDLE, &none) == 0 &&
           sched_setscheduler(0, SCHED_OTHER, &none) == 0;
  }

  size_t behind_, caught_up_;
  bool idle_;
  const bool can_idle_ = idle_;
};

}  // namespace servebench::base
