// Statistics of one metric (metrics.md §6): linear interpolation between order statistics
// (numpy's default) and the population standard deviation. Built from raw values, so it is exact.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace servebench::metrics {

struct Stats {
  double avg = 0, min = 0, max = 0, std = 0, sum = 0;
  double p1 = 0, p5 = 0, p10 = 0, p25 = 0, p50 = 0, p75 = 0, p90 = 0, p95 = 0, p99 = 0;
  int64_t count = 0;
};

// The statistics by name in outputs.md's order (avg, min, max, p1 ... p99, std, count, sum).
std::vector<std::pair<const char*, double>> NamedStats(const Stats& s);

// q in [0, 100]; values must be sorted and non-empty.
double Percentile(const std::vector<double>& sorted, double q);
// Empty input gives nothing: empty distributions are omitted, never zero-filled.
std::optional<Stats> Summarize(std::vector<double> values);

}  // namespace servebench::metrics
