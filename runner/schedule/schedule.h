// When the next request is due (load.md). A schedule is a pure function of progress: absolute
// times from t0, never "sleep after the previous send", so it cannot drift. MakeSchedule composes
// one from a base process (closed loop, open loop, trace) and decorators: a concurrency cap, a
// slot ramp and the request count that ends it.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::schedule {

struct Progress {
  int64_t now_ns = 0;
  uint64_t issued = 0;     // requests started so far
  uint64_t in_flight = 0;  // requests started and not finished
};

struct Due {
  enum class Kind { kAt, kWhenSlotFrees, kStop } kind = Kind::kStop;
  int64_t at_ns = 0;  // kAt: when; kWhenSlotFrees: the intended time (for schedule_lag)
};

class Schedule {
 public:
  virtual ~Schedule() = default;
  virtual Due Next(const Progress& progress) = 0;
  // The request due now was started; the next call to Next concerns the one after it.
  virtual void Started(const Progress& progress) = 0;
};

enum class Arrival { kPoisson, kConstant, kGamma };
base::Expected<Arrival> ParseArrival(const std::string& name);

struct LoadShape {
  int64_t concurrency = 0;  // closed loop when request_rate == 0; a cap otherwise (0 = none)
  double request_rate = 0;  // requests per second; 0 = closed loop
  Arrival arrival = Arrival::kPoisson;
  double smoothness = 1;  // gamma shape k
  uint64_t total = 0;     // requests to issue; 0 = no limit (duration-bound)
  uint64_t seed = 0;
  // A trace replay: arrival k leaves at t0 + fixed_offsets_ns[k] (non-decreasing), never
  // re-anchored; concurrency, if set, is a cap.
  std::vector<int64_t> fixed_offsets_ns;
  // Ramps: the open loop's rate rises linearly from 0 to request_rate over rate_ramp_s; the
  // closed loop opens its slots one at a time over concurrency_ramp_s.
  double rate_ramp_s = 0;
  double concurrency_ramp_s = 0;

  // What kind of load this is, decided here once for the schedule, the engine and the report.
  // A trace replay: requests leave at the trace's times.
  bool Replay() const { return !fixed_offsets_ns.empty(); }
  // Requests leave at their own times (a rate or a trace), whatever the server does: a client
  // behind that schedule makes the run invalid. Else a closed loop: the client's own pace.
  bool OpenLoop() const { return request_rate > 0 || Replay(); }
  // An open loop with at most `concurrency` in flight: arrivals may wait for a slot.
  bool Capped() const { return OpenLoop() && concurrency > 0; }
  // How many requests are expected in flight at once, the connections worth opening before
  // the clock starts: the closed loop's slots or an open loop's cap; with no cap, the most
  // arrivals due in any one second (a rate, or the trace's busiest second), at most 1,000.
  size_t ExpectedConcurrency() const;
};

std::unique_ptr<Schedule> MakeSchedule(const LoadShape& shape, int64_t t0_ns);

// The gap generator behind open-loop schedules, exposed for goodness-of-fit tests.
class Gaps {
 public:
  Gaps(Arrival arrival, double rate, double smoothness, uint64_t seed);
  int64_t NextNs();

 private:
  double NextStratifiedUniform();

  Arrival arrival_;
  double mean_s_;
  double smoothness_;
  std::mt19937_64 engine_;
  std::vector<double> strata_;  // shuffled stratified uniforms for the current block
};

}  // namespace servebench::schedule
