// The SLO view of a sweep: along a swept axis (concurrency, request rate...), the highest value
// whose case still met every absolute limit (the suite's max/min gates, or a --goodput
// attainment), interpolated between the last measured point that met them and the first that
// did not, so a sweep answers "how much load can this server take within its SLO".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/results/case_result.h"

namespace servebench::reporters {

struct SloLimit {
  std::string counter;  // time_to_first_token_p99, or good_request_count with per
  std::string per;      // a denominator counter: the value is counter / per (request_count)
  bool at_most = true;  // ≤ limit (a max gate); ≥ limit (a min gate, an attainment)
  double limit = 0;
  std::string name;  // for people: "time_to_first_token.p99"
};
// "time_to_first_token.p99 ≤ 200"; several joined by ", ".
std::string SloText(const SloLimit& limit);
std::string SloText(const std::vector<SloLimit>& limits);

struct SloResult;
// "isl=128: met up to concurrency ≈ 5.3 (...)": a result for people.
std::string SloLine(const SloResult& result);

struct SloResult {
  std::string series;             // the other keys' values: "isl=128, osl=16"
  std::optional<double> highest;  // the highest axis value within the SLO; none: none met
  bool beyond_measured = false;   // every point met: the limit lies beyond the last
  std::string text;               // "met up to concurrency ≈ 5.3 (4 met; 8: TTFT p99 212 > 200)"
};

// One result per series of the cases along axis (its values numbers); none without limits.
std::vector<SloResult> HighestWithinSlo(const std::vector<results::CaseResult>& cases,
                                        const std::string& axis,
                                        const std::vector<SloLimit>& limits);

}  // namespace servebench::reporters
