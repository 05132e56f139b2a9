// The per-request metrics, written once: key, console label, unit, the RequestMetrics field that
// holds a request's value, and which direction is better. The summary, the on-disk request log
// and the per-request JSONL all iterate this table, so a new per-request metric is one row here
// (and its field in RequestMetrics).
#pragma once

#include <cstddef>
#include <optional>

#include "runner/metrics/request_metrics.h"

namespace servebench::metrics {

struct PerRequestMetric {
  const char* key;
  const char* label;
  const char* unit;
  std::optional<double> RequestMetrics::*field;  // null for inter_chunk_latency (a list)
  bool higher_is_better;
};

// The console's order (outputs.md), then the client-health rows.
inline constexpr PerRequestMetric kPerRequestMetrics[] = {
    {"time_to_first_token", "Time to first token", "ms", &RequestMetrics::time_to_first_token,
     false},
    {"time_to_second_token", "Time to second token", "ms", &RequestMetrics::time_to_second_token,
     false},
    {"time_to_first_output_token", "Time to first output token", "ms",
     &RequestMetrics::time_to_first_output_token, false},
    {"request_latency", "Request latency", "ms", &RequestMetrics::request_latency, false},
    {"inter_token_latency", "Inter token latency", "ms", &RequestMetrics::inter_token_latency,
     false},
    {"inter_chunk_latency", "Inter chunk latency", "ms", nullptr, false},
    {"output_token_throughput_per_user", "Output token throughput per user", "tokens/s",
     &RequestMetrics::output_token_throughput_per_user, true},
    {"decode_duration", "Decode duration", "ms", &RequestMetrics::decode_duration, false},
    {"output_sequence_length", "Output sequence length", "tokens",
     &RequestMetrics::output_sequence_length, true},
    {"input_sequence_length", "Input sequence length", "tokens",
     &RequestMetrics::input_sequence_length, true},
    {"reasoning_token_count", "Reasoning token count", "tokens",
     &RequestMetrics::reasoning_token_count, true},
    {"server_input_sequence_length", "Server input sequence length", "tokens",
     &RequestMetrics::server_input_sequence_length, true},
    {"usage_mismatch_pct", "Usage mismatch", "%", &RequestMetrics::usage_mismatch_pct, false},
    {"schedule_lag", "Schedule lag", "ms", &RequestMetrics::schedule_lag, false},
    {"cap_wait", "Cap wait", "ms", &RequestMetrics::cap_wait, false},
    {"latency_from_schedule", "Latency from schedule", "ms", &RequestMetrics::latency_from_schedule,
     false},
};

// How many rows hold a single value (all but the list inter_chunk_latency).
constexpr size_t CountSingleValued() {
  size_t n = 0;
  for (const auto& m : kPerRequestMetrics) n += m.field != nullptr ? 1 : 0;
  return n;
}

}  // namespace servebench::metrics
