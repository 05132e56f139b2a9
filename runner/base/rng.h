// Seeded randomness. Decisions that must be reproducible from (seed, index) use the stateless
// hash; streams of draws use Rng.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace servebench::base {

// SplitMix64 finaliser: a good 64-bit mix, used to derive independent values from indices.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline uint64_t HashOf(uint64_t seed, uint64_t a, uint64_t b = 0) {
  return Mix64(Mix64(Mix64(seed) ^ a) ^ b);
}

// A uniform number in [0, 1) that depends only on its arguments.
inline double UnitOf(uint64_t seed, uint64_t a, uint64_t b = 0) {
  return static_cast<double>(HashOf(seed, a, b) >> 11) * 0x1.0p-53;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(Mix64(seed)) {}
  double Uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }
  double Normal(double mean, double stddev) {
    return std::normal_distribution<double>(mean, stddev)(engine_);
  }
  // A lognormal multiplier with mean 1 and coefficient of variation cv (cv = 0 gives 1).
  double LognormalFactor(double cv) {
    if (cv <= 0) return 1.0;
    const double sigma2 = std::log1p(cv * cv);
    return std::exp(Normal(-sigma2 / 2, std::sqrt(sigma2)));
  }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace servebench::base
