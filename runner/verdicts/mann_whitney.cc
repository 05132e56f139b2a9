#include "runner/verdicts/mann_whitney.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace servebench::verdicts {

double MannWhitneyGreaterP(const std::vector<double>& greater, const std::vector<double>& other) {
  // Pool the samples; a value from `greater` is marked true.
  std::vector<std::pair<double, bool>> pooled;
  for (double v : greater) pooled.emplace_back(v, true);
  for (double v : other) pooled.emplace_back(v, false);
  std::sort(pooled.begin(), pooled.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  const size_t n_all = pooled.size();
  const size_t n = greater.size();

  // Doubled mid-ranks keep every rank sum an integer: a tie over positions i..j (1-based) gets i+j.
  std::vector<size_t> rank2(n_all);
  for (size_t i = 0; i < n_all;) {
    size_t j = i;
    while (j + 1 < n_all && pooled[j + 1].first == pooled[i].first) ++j;
    for (size_t k = i; k <= j; ++k) rank2[k] = (i + 1) + (j + 1);
    i = j + 1;
  }
  size_t observed = 0;
  for (size_t k = 0; k < n_all; ++k) {
    if (pooled[k].second) observed += rank2[k];
  }

  // ways[k][s]: subsets of k pooled items whose doubled ranks sum to s.
  const size_t max_sum = 2 * n_all * n_all + 1;
  std::vector<std::vector<long double>> ways(n + 1, std::vector<long double>(max_sum, 0));
  ways[0][0] = 1;
  for (size_t item = 0; item < n_all; ++item) {
    for (size_t k = std::min(n, item + 1); k >= 1; --k) {
      for (size_t s = rank2[item]; s < max_sum; ++s) ways[k][s] += ways[k - 1][s - rank2[item]];
    }
  }
  long double at_least = 0, all = 0;
  for (size_t s = 0; s < max_sum; ++s) {
    all += ways[n][s];
    if (s >= observed) at_least += ways[n][s];
  }
  return static_cast<double>(at_least / all);
}

}  // namespace servebench::verdicts
