#include "runner/metrics/distribution.h"

#include <algorithm>
#include <cmath>

namespace servebench::metrics {

std::vector<std::pair<const char*, double>> NamedStats(const Stats& s) {
  return {{"avg", s.avg}, {"min", s.min},
          {"max", s.max}, {"p1", s.p1},
          {"p5", s.p5},   {"p10", s.p10},
          {"p25", s.p25}, {"p50", s.p50},
          {"p75", s.p75}, {"p90", s.p90},
          {"p95", s.p95}, {"p99", s.p99},
          {"std", s.std}, {"count", static_cast<double>(s.count)},
          {"sum", s.sum}};
}

double Percentile(const std::vector<double>& sorted, double q) {
  const double index = q / 100.0 * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(index));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = index - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

std::optional<Stats> Summarize(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  Stats s;
  s.count = static_cast<int64_t>(values.size());
  for (double v : values) s.sum += v;
  s.avg = s.sum / static_cast<double>(s.count);
  double squares = 0;
  for (double v : values) squares += (v - s.avg) * (v - s.avg);
  s.std = std::sqrt(squares / static_cast<double>(s.count));
  s.min = values.front();
  s.max = values.back();
  s.p1 = Percentile(values, 1);
  s.p5 = Percentile(values, 5);
  s.p10 = Percentile(values, 10);
  s.p25 = Percentile(values, 25);
  s.p50 = Percentile(values, 50);
  s.p75 = Percentile(values, 75);
  s.p90 = Percentile(values, 90);
  s.p95 = Percentile(values, 95);
  s.p99 = Percentile(values, 99);
  return s;
}

}  // namespace servebench::metrics
