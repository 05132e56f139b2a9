// The helper threads' scheduling: idle while they keep up, a share of the core (nice 10) past
// their backlog, idle again once caught up; where leaving idle is not allowed, nice 10 always.
#include "runner/base/yield_policy.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>

#include <thread>

namespace servebench::base {
namespace {

struct Observed {
  int policy = -1;
  int nice = 0;
};

Observed Now() {
  return {sched_getscheduler(0), getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()))};
}

TEST(YieldPolicy, IdleWhileItKeepsUpAndAShareWhileBehind) {
  std::vector<Observed> seen;
  bool can_idle = false;
  std::thread helper([&] {  // a thread of its own: the policy is per thread
    const sched_param none{};
    can_idle = sched_setscheduler(0, SCHED_IDLE, &none) == 0 &&
               sched_setscheduler(0, SCHED_OTHER, &none) == 0;
    YieldPolicy yield(100, 10);
    seen.push_back(Now());
    yield.Queued(50);  // within the backlog: unchanged
    seen.push_back(Now());
    yield.Queued(101);  // behind
    seen.push_back(Now());
    yield.Queued(50);  // not yet caught up
    seen.push_back(Now());
    yield.Queued(9);  // caught up
    seen.push_back(Now());
  });
  helper.join();
  ASSERT_EQ(seen.size(), 5u);
  if (!can_idle) {  // e.g. without CAP_SYS_NICE: nice 10 throughout
    for (const Observed& o : seen) EXPECT_EQ(o.policy, SCHED_OTHER);
    EXPECT_EQ(seen.back().nice, 10);
    return;
  }
  EXPECT_EQ(seen[0].policy, SCHED_IDLE);
  EXPECT_EQ(seen[1].policy, SCHED_IDLE);
  EXPECT_EQ(seen[2].policy, SCHED_OTHER);
  EXPECT_EQ(seen[2].nice, 10);
  EXPECT_EQ(seen[3].policy, SCHED_OTHER);
  EXPECT_EQ(seen[4].policy, SCHED_IDLE);
}

}  // namespace
}  // namespace servebench::base
