#include "runner/schedule/schedule.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "runner/base/rng.h"

namespace servebench::schedule {
namespace {

constexpr int64_t kReanchorNs = 10'000'000;  // behind by more than this: re-anchor, don't burst

int64_t NsOf(double seconds) { return static_cast<int64_t>(std::llround(seconds * 1e9)); }

// Closed loop: keep `slots` requests in flight.
class ClosedLoop : public Schedule {
 public:
  explicit ClosedLoop(int64_t slots) : slots_(static_cast<uint64_t>(std::max<int64_t>(slots, 0))) {}
  Due Next(const Progress& p) override {
    if (p.in_flight < slots_) return {Due::Kind::kAt, p.now_ns};
    return {Due::Kind::kWhenSlotFrees, 0};
  }
  void Started(const Progress&) override {}

 private:
  uint64_t slots_;
};

// A rate ramp maps the steady process's clock v onto real time t: the cumulative intensity of a
// rate rising linearly to R over D is R t^2 / 2D, so t = sqrt(2 D v) while v < D / 2, and
// t = v + D / 2 after.
int64_t Warp(int64_t v_ns, double ramp_s) {
  if (ramp_s <= 0) return v_ns;
  const double d = ramp_s * 1e9, v = static_cast<double>(v_ns);
  return static_cast<int64_t>(std::llround(v < d / 2 ? std::sqrt(2 * d * v) : v + d / 2));
}
int64_t Unwarp(int64_t t_ns, double ramp_s) {
  if (ramp_s <= 0) return t_ns;
  const double d = ramp_s * 1e9, t = static_cast<double>(t_ns);
  return static_cast<int64_t>(std::llround(t < d ? t * t / (2 * d) : t - d / 2));
}

// Open loop: arrivals of a renewal process at absolute times t0 + sum of gaps, the process's
// clock warped by the rate ramp.
class OpenLoop : public Schedule {
 public:
  OpenLoop(const LoadShape& shape, int64_t t0_ns)
      : gaps_(shape.arrival, shape.request_rate, shape.smoothness, shape.seed),
        ramp_s_(shape.rate_ramp_s),
        t0_(t0_ns) {}
  Due Next(const Progress&) override { return {Due::Kind::kAt, t0_ + Warp(steady_ns_, ramp_s_)}; }
  void Started(const Progress& p) override {
    // Re-anchor when far behind, so the client does not burst to catch up.
    const int64_t due = t0_ + Warp(steady_ns_, ramp_s_);
    if (p.now_ns - due > kReanchorNs) steady_ns_ = Unwarp(p.now_ns - t0_, ramp_s_);
    steady_ns_ += gaps_.NextNs();
  }

 private:
  Gaps gaps_;
  double ramp_s_;
  int64_t t0_;
  int64_t steady_ns_ = 0;  // the arrival's time on the steady process's clock, from t0
};

// A trace replay: absolute times from the trace. Late arrivals leave at once, with their lag
// recorded; the rest keep the trace's times (no re-anchoring: the trace is the truth).
class Trace : public Schedule {
 public:
  Trace(std::vector<int64_t> offsets_ns, int64_t t0_ns)
      : offsets_(std::move(offsets_ns)), t0_(t0_ns) {}
  Due Next(const Progress& p) override {
    if (p.issued >= offsets_.size()) return {Due::Kind::kStop, 0};
    return {Due::Kind::kAt, t0_ + offsets_[p.issued]};
  }
  void Started(const Progress&) override {}

 private:
  std::vector<int64_t> offsets_;
  int64_t t0_;
};

// A schedule that wraps another and changes some of its answers.
class Decorator : public Schedule {
 public:
  explicit Decorator(std::unique_ptr<Schedule> inner) : inner_(std::move(inner)) {}
  void Started(const Progress& p) override { inner_->Started(p); }

 protected:
  std::unique_ptr<Schedule> inner_;
};

// At most `slots` in flight: an arrival that finds every slot busy waits for one, keeping its
// intended time (the engine reports that wait as cap_wait).
class Cap : public Decorator {
 public:
  Cap(std::unique_ptr<Schedule> inner, int64_t slots)
      : Decorator(std::move(inner)), slots_(static_cast<uint64_t>(slots)) {}
  Due Next(const Progress& p) override {
    Due due = inner_->Next(p);
    if (due.kind == Due::Kind::kAt && p.in_flight >= slots_) due.kind = Due::Kind::kWhenSlotFrees;
    return due;
  }

 private:
  uint64_t slots_;
};

// Slots open one at a time: slot k (from 0) of n opens at t0 + k * ramp / (n - 1), the first at
// once, the last when the ramp ends.
class SlotRamp : public Decorator {
 public:
  SlotRamp(std::unique_ptr<Schedule> inner, int64_t slots, double ramp_s, int64_t t0_ns)
      : Decorator(std::move(inner)),
        slots_(static_cast<uint64_t>(slots)),
        ramp_ns_(NsOf(ramp_s)),
        t0_(t0_ns) {}
  Due Next(const Progress& p) override {
    Due due = inner_->Next(p);
    if (due.kind != Due::Kind::kAt || p.in_flight >= slots_) return due;
    const int64_t opens_at = t0_ + static_cast<int64_t>(static_cast<double>(ramp_ns_) *
                                                        static_cast<double>(p.in_flight) /
                                                        static_cast<double>(slots_ - 1));
    if (opens_at > due.at_ns) due.at_ns = opens_at;
    return due;
  }

 private:
  uint64_t slots_;
  int64_t ramp_ns_;
  int64_t t0_;
};

// Termination: nothing is issued once `total` requests have been.
class StopAfter : public Decorator {
 public:
  StopAfter(std::unique_ptr<Schedule> inner, uint64_t total)
      : Decorator(std::move(inner)), total_(total) {}
  Due Next(const Progress& p) override {
    if (p.issued >= total_) return {Due::Kind::kStop, 0};
    return inner_->Next(p);
  }

 private:
  uint64_t total_;
};

}  // namespace
base::Expected<Arrival> ParseArrival(const std::string& name) {
  if (name == "poisson") return Arrival::kPoisson;
  if (name == "constant") return Arrival::kConstant;
  if (name == "gamma") return Arrival::kGamma;
  return base::MakeError("--arrival-pattern: expected poisson, constant or gamma, got '" + name +
                         "'");
}

Gaps::Gaps(Arrival arrival, double rate, double smoothness, uint64_t seed)
    : arrival_(arrival),
      mean_s_(1.0 / rate),
      smoothness_(smoothness),
      engine_(base::Mix64(seed ^ 0xa77)) {}

int64_t Gaps::NextNs() {
  double gap_s = mean_s_;
  if (arrival_ == Arrival::kPoisson) {
    gap_s = -mean_s_ * std::log1p(-NextStratifiedUniform());  // inverse of the exponential CDF
  } else if (arrival_ == Arrival::kGamma) {
    gap_s = std::gamma_distribution<double>(smoothness_, mean_s_ / smoothness_)(engine_);
  }
  return static_cast<int64_t>(std::llround(gap_s * 1e9));
}

// Each block of kBlock gaps takes one uniform from each of kBlock equal strata, in shuffled
// order: every gap is still exactly exponential, but the block's mean sits at 1/rate, so a run
// delivers the rate it was asked for instead of the rate its seed happened to draw.
double Gaps::NextStratifiedUniform() {
  constexpr size_t kBlock = 1024;
  if (strata_.empty()) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (size_t k = 0; k < kBlock; ++k)
      strata_.push_back((static_cast<double>(k) + unit(engine_)) / kBlock);
    std::shuffle(strata_.begin(), strata_.end(), engine_);
  }
  const double u = strata_.back();
  strata_.pop_back();
  return u;
}

// The base process (closed loop, open loop or trace), then its decorators: a concurrency cap on
// an open loop or a trace, a slot ramp on a closed loop, and the request count.
size_t LoadShape::ExpectedConcurrency() const {
  constexpr size_t kMost = 1000;
  if (!OpenLoop() || Capped()) return static_cast<size_t>(std::max<int64_t>(1, concurrency));
  if (!Replay()) return std::min(kMost, static_cast<size_t>(std::ceil(request_rate)));
  size_t busiest = 0;  // the offsets do not decrease: a window slides over them
  for (size_t first = 0, last = 0; last < fixed_offsets_ns.size(); ++last) {
    while (fixed_offsets_ns[last] - fixed_offsets_ns[first] >= 1'000'000'000) ++first;
    busiest = std::max(busiest, last - first + 1);
  }
  return std::min(kMost, busiest);
}

std::unique_ptr<Schedule> MakeSchedule(const LoadShape& shape, int64_t t0_ns) {
  std::unique_ptr<Schedule> s;
  if (shape.Replay()) {
    s = std::make_unique<Trace>(shape.fixed_offsets_ns, t0_ns);
  } else if (shape.OpenLoop()) {
    s = std::make_unique<OpenLoop>(shape, t0_ns);
  } else {
    s = std::make_unique<ClosedLoop>(shape.concurrency);
  }
  if (shape.Capped()) s = std::make_unique<Cap>(std::move(s), shape.concurrency);
  if (!shape.OpenLoop() && shape.concurrency_ramp_s > 0 && shape.concurrency > 1) {
    s = std::make_unique<SlotRamp>(std::move(s), shape.concurrency, shape.concurrency_ramp_s,
                                   t0_ns);
  }
  if (shape.total > 0) s = std::make_unique<StopAfter>(std::move(s), shape.total);
  return s;
}

}  // namespace servebench::schedule
