#include "runner/schedule/schedule.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "runner/base/rng.h"

namespace servebench::schedule {
namespace {

constexpr int64_t kReanchorNs = 10'000'000;  // behind by more than this: re-anchor, don't burst

// Closed loop: keep `concurrency` requests in flight.
class ClosedLoop : public Schedule {
 public:
  explicit ClosedLoop(const LoadShape& shape) : shape_(shape) {}
  Due Next(const Progress& p) override {
    if (shape_.total > 0 && p.issued >= shape_.total) return {Due::Kind::kStop, 0};
    if (p.in_flight < static_cast<uint64_t>(shape_.concurrency)) return {Due::Kind::kAt, p.now_ns};
    return {Due::Kind::kWhenSlotFrees, 0};
  }
  void Started(const Progress&) override {}

 private:
  LoadShape shape_;
};

// Open loop: arrivals of a renewal process at absolute times t0 + sum of gaps; with a cap, an
// arrival that finds every slot busy waits for one (the engine reports that wait as cap_wait).
class OpenLoop : public Schedule {
 public:
  OpenLoop(const LoadShape& shape, int64_t t0_ns)
      : shape_(shape),
        gaps_(shape.arrival, shape.request_rate, shape.smoothness, shape.seed),
        due_ns_(t0_ns) {}
  Due Next(const Progress& p) override {
    if (shape_.total > 0 && p.issued >= shape_.total) return {Due::Kind::kStop, 0};
    if (shape_.concurrency > 0 && p.in_flight >= static_cast<uint64_t>(shape_.concurrency)) {
      return {Due::Kind::kWhenSlotFrees, due_ns_};
    }
    return {Due::Kind::kAt, due_ns_};
  }
  void Started(const Progress& p) override {
    // Re-anchor when far behind, so the client does not burst to catch up.
    const int64_t base = p.now_ns - due_ns_ > kReanchorNs ? p.now_ns : due_ns_;
    due_ns_ = base + gaps_.NextNs();
  }

 private:
  LoadShape shape_;
  Gaps gaps_;
  int64_t due_ns_;
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
  if (shape.request_rate > 0) return std::make_unique<OpenLoop>(shape, t0_ns);
  return std::make_unique<ClosedLoop>(shape);
}

}  // namespace servebench::schedule
