// The one-sided exact Mann–Whitney U test: the probability, under the hypothesis that both
// samples come from one distribution, of a rank sum of `greater` at least as large as observed.
// Exact over every split of the pooled ranks (ties get mid-ranks), so 5 vs 5 with every value of
// `greater` above every value of `other` gives exactly 1/252.
#pragma once

#include <vector>

namespace servebench::verdicts {

// p-value of "greater tends to be larger than other". Both samples must be non-empty.
double MannWhitneyGreaterP(const std::vector<double>& greater, const std::vector<double>& other);

}  // namespace servebench::verdicts
