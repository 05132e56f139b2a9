// AIPerf 0.13's files from servebench's measurements (--output-format aiperf): the aggregate
// profile_export_aiperf.json and .csv and the per-request line of profile_export.jsonl, with
// AIPerf's tags, headers, unit spellings, shapes, time format and number formats, for every
// metric both tools define the same way. docs/aiperf.md lists what differs and why.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "reporters/profile_export/run_exporter.h"

namespace servebench::reporters {

nlohmann::json AiperfJson(const FinishedRun& run);
std::string AiperfCsv(const FinishedRun& run);
std::string AiperfRequestLine(int64_t run_wall_ns, const records::Record& record,
                              const metrics::RequestMetrics& m);

// A wall-clock time as AIPerf writes it: local time, ISO 8601 without a zone, microseconds
// unless they are 0 (Python's datetime.isoformat), e.g. "2026-12-07T16:35:16.844580".
std::string AiperfTime(int64_t wall_ns);
// A request's id as a UUID (version 4 layout), the same for the same run and request.
std::string RequestUuid(int64_t run_wall_ns, uint64_t request_id);
// The error type AIPerf gives a failed request: the HTTP reason phrase for an error status
// ("Internal Server Error"), AIPerf's names for a cancellation and transport failures.
std::string AiperfErrorType(const records::RecordError& error);

}  // namespace servebench::reporters
