#include "runner/schedule/schedule.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "runner/base/rng.h"

namespace servebench::schedule {
namespace {

constexpr int64_t kReanchorNs = 10'000'000;  // behind by more than this: re-anchor, don't burst

int64_t NsOf(double seconds) { return static_cast<int64_t>(std::llround(seconds * 1e9)); }

// Closed loop: keep `concurrency` requests in flight. With a ramp, slot k (from 0) opens at
// t0 + k * ramp / (concurrency - 1): the first at once, the last when the ramp ends.
class ClosedLoop : public Schedule {
 public:
  ClosedLoop(const LoadShape& shape, int64_t t0_ns) : shape_(shape), t0_(t0_ns) {}
  Due Next(const Progress& p) override {
    if (shape_.total > 0 && p.issued >= shape_.total) return {Due::Kind::kStop, 0};
    const auto slots = static_cast<uint64_t>(shape_.concurrency);
    if (shape_.concurrency_ramp_s > 0 && slots > 1 && p.in_flight < slots) {
      const int64_t ramp = NsOf(shape_.concurrency_ramp_s);
      const auto opens_at = [&](uint64_t slot) {
        return t0_ + static_cast<int64_t>(static_cast<double>(ramp) * static_cast<double>(slot) /
                                          static_cast<double>(slots - 1));
      };
      const int64_t at = opens_at(p.in_flight);
      if (at > p.now_ns) return {Due::Kind::kAt, at};
    }
    if (p.in_flight < slots) return {Due::Kind::kAt, p.now_ns};
    return {Due::Kind::kWhenSlotFrees, 0};
  }
  void Started(const Progress&) override {}

 private:
  LoadShape shape_;
  int64_t t0_;
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

// Open loop: arrivals of a renewal process at absolute times t0 + sum of gaps; with a cap, an
// arrival that finds every slot busy waits for one (the engine reports that wait as cap_wait).
class OpenLoop : public Schedule {
 public:
  OpenLoop(const LoadShape& shape, int64_t t0_ns)
      : shape_(shape),
        gaps_(shape.arrival, shape.request_rate, shape.smoothness, shape.seed),
        t0_(t0_ns) {}
  Due Next(const Progress& p) override {
    if (shape_.total > 0 && p.issued >= shape_.total) return {Due::Kind::kStop, 0};
    const int64_t due = t0_ + Warp(steady_ns_, shape_.rate_ramp_s);
    if (shape_.concurrency > 0 && p.in_flight >= static_cast<uint64_t>(shape_.concurrency)) {
      return {Due::Kind::kWhenSlotFrees, due};
    }
    return {Due::Kind::kAt, due};
  }
  void Started(const Progress& p) override {
    // Re-anchor when far behind, so the client does not burst to catch up.
    const int64_t due = t0_ + Warp(steady_ns_, shape_.rate_ramp_s);
    if (p.now_ns - due > kReanchorNs) steady_ns_ = Unwarp(p.now_ns - t0_, shape_.rate_ramp_s);
    steady_ns_ += gaps_.NextNs();
  }

 private:
  LoadShape shape_;
  Gaps gaps_;
  int64_t t0_;
  int64_t steady_ns_ = 0;  // the arrival's time on the steady process's clock, from t0
};

// A trace replay: absolute times from the trace. Late arrivals leave at once, with their lag
// recorded; the rest keep the trace's times (no re-anchoring: the trace is the truth).
class Fixed : public Schedule {
 public:
  Fixed(const LoadShape& shape, int64_t t0_ns) : shape_(shape), t0_(t0_ns) {}
  Due Next(const Progress& p) override {
    const auto& offsets = shape_.fixed_offsets_ns;
    if (p.issued >= offsets.size() || (shape_.total > 0 && p.issued >= shape_.total)) {
      return {Due::Kind::kStop, 0};
    }
    const int64_t at = t0_ + offsets[p.issued];
    if (shape_.concurrency > 0 && p.in_flight >= static_cast<uint64_t>(shape_.concurrency)) {
      return {Due::Kind::kWhenSlotFrees, at};
    }
    return {Due::Kind::kAt, at};
  }
  void Started(const Progress&) override {}

 private:
  LoadShape shape_;
  int64_t t0_;
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

std::unique_ptr<Schedule> MakeSchedule(const LoadShape& shape, int64_t t0_ns) {
  if (!shape.fixed_offsets_ns.empty()) return std::make_unique<Fixed>(shape, t0_ns);
  if (shape.request_rate > 0) return std::make_unique<OpenLoop>(shape, t0_ns);
  return std::make_unique<ClosedLoop>(shape, t0_ns);
}

}  // namespace servebench::schedule
