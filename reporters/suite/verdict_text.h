// Words and numbers shared by the verdict outputs (summary.md, JUnit, console).
#pragma once

#include <string>

#include "runner/results/case_result.h"
#include "runner/verdicts/verdicts.h"

namespace servebench::reporters {

// "time_to_first_token.p99: 41.20 → 60.30 (+46.4 %, p = 0.004) FAIL; note".
std::string GateLine(const verdicts::GateVerdict& g);
// Text made safe inside XML and HTML.
std::string Escaped(const std::string& text);
// A number for people: 3 significant decimals at most, "-" when absent.
std::string Short(const std::optional<double>& value);
// The median over repetitions of a counter, for the key-metric columns.
std::optional<double> MedianOf(const results::CaseResult& c, const std::string& counter);

// The key metrics shown per case: (column title, counter).
inline constexpr std::pair<const char*, const char*> kKeyMetrics[] = {
    {"TTFT p50 (ms)", "time_to_first_token_p50"},
    {"ITL p50 (ms)", "inter_token_latency_p50"},
    {"latency p50 (ms)", "request_latency_p50"},
    {"output tok/s", "output_token_throughput"},
    {"errors %", "request_error_rate"}};

}  // namespace servebench::reporters
