// A profile run's report from its measured requests and what is known about the run: the one
// path from records to profile_export.* that `profile`, suites and `analyze` all take.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reporters/profile_export/profile_export.h"
#include "runner/base/expected.h"
#include "runner/metrics/request_log.h"
#include "runner/metrics/request_metrics.h"
#include "runner/metrics/summary.h"

namespace servebench::reporters {

// What the report needs besides the requests; kept in the records file's header ("run") and
// end line ("end").
struct RunInfo {
  // Known when the run starts.
  std::string title, command;
  nlohmann::json input_config;  // secrets already redacted
  std::string endpoint_type = "chat";
  std::string token_count_source = "auto";  // as resolved: auto, server or tokenizer
  std::string tokenizer;                    // the client tokenizer's file, or ""
  std::string goodput;                      // --goodput's text
  bool streaming = false, open_loop = false;
  double target_rate = 0;
  std::vector<std::string> notes;  // said before the run; the report's first warnings
  int64_t start_wall_ns = 0;
  // Known when it ends.
  int64_t end_wall_ns = 0;
  bool was_cancelled = false;
  int64_t dropped = 0;  // cut at the end of the grace period
  bool include_usage_dropped = false;
};

nlohmann::json StartJson(const RunInfo& info);
nlohmann::json EndJson(const RunInfo& info);
// Fills the start fields from the header's "run" and the end fields from "end" (null: the run
// did not end in order, so it counts as cancelled and ends at last_wall_ns).
base::Expected<RunInfo> RunInfoOf(const nlohmann::json& run, const nlohmann::json& end,
                                  int64_t last_wall_ns);

base::Expected<metrics::MeasureContext> MeasureContextOf(const RunInfo& info,
                                                         const tokenizers::Tokenizer* tokenizer);
// The report: the summary of the measured requests, with the run's warnings around it.
base::Expected<ProfileReport> MakeReport(const RunInfo& info,
                                         const metrics::RequestSource& measured);

std::string Rfc3339(int64_t wall_ns);

}  // namespace servebench::reporters
