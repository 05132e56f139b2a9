// The result file of `vllm bench serve` (--save-result), written from servebench's measurements
// so a user can diff the two tools directly. vLLM's definitions: TPOT excludes the first token
// (servebench's inter_token_latency); ITL is every chunk gap pooled (servebench's
// inter_chunk_latency); E2EL is the request latency; duration is the whole measured run's wall
// time; mean, median, std (population) and percentiles as numpy computes them; an empty
// distribution gives 0, as vLLM writes it.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "runner/metrics/request_metrics.h"

namespace servebench::reporters {

// requests: every measured-phase request; duration_s: the measured phase's wall time.
nlohmann::json VllmResult(const std::vector<metrics::RequestMetrics>& requests, double duration_s);

}  // namespace servebench::reporters
