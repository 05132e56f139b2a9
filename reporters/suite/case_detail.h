// A case's requests as the report draws them: the TTFT and ITL distributions (CDFs) and a
// timeline of requests (start → first token → end), from the first repetition's
// profile_export.jsonl: the per-request metrics as measured, so drawing them needs no tokenizer.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::reporters {

struct RequestSpan {
  double start_s = 0;         // from the first request's start
  double first_token_s = -1;  // -1: none (a failure, or not streamed)
  double end_s = 0;
  bool failed = false;
};

struct CaseDetail {
  std::vector<double> ttft_ms, itl_ms;  // the valid requests' values, as measured
  std::vector<RequestSpan> requests;    // every measured request (warmup left out), by start
};

// The profile_export.jsonl of a repetition's folder; an error names the file and line.
base::Expected<CaseDetail> ReadCaseDetail(const std::filesystem::path& repetition_dir);

// Drawn at most: more points or requests are down-sampled, and the chart says so.
inline constexpr size_t kMostCdfPoints = 200, kMostTimelineRequests = 200;

// A CDF of a metric's values in ms ("TTFT") as an SVG chart of class "chart detail"; its p50, p90
// and p99 are points that show case and value on hover. Empty when there are no values.
std::string CdfChart(const std::string& metric, const std::string& case_name,
                     std::vector<double> values);
// The requests as horizontal bars, one row each in start order: waiting for the first token,
// then streaming; failures in red. One in every k requests when there are more than
// kMostTimelineRequests, said in the title.
std::string TimelineChart(const std::string& case_name, const std::vector<RequestSpan>& requests);

}  // namespace servebench::reporters
