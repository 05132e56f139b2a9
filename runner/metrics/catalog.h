// Every metric, written once: key, console label, unit, kind, the RequestMetrics field that holds
// a request's value, which direction is better, its AIPerf tag and vLLM name, and whether the
// console shows it. The summary, the on-disk request log, the per-request JSONL, the profile
// JSON and CSV, the console table, results.json (Google Benchmark counters) and the vLLM export
// all iterate this table, so a new metric is one row here (and, for a per-request one, its
// field in RequestMetrics and the line of Measure that fills it).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "runner/metrics/request_metrics.h"

namespace servebench::metrics {

enum class MetricKind {
  kPerRequest,  // one value per request; runs show its distribution
  kRunValue,    // one value per run (totals, rates)
};

struct MetricDef {
  const char* key;
  const char* label;
  const char* unit;
  MetricKind kind;
  // Per request: the request's value; null for inter_chunk_latency (a list) and run values.
  std::optional<double> RequestMetrics::*field;
  bool higher_is_better;
  const char* aiperf;  // AIPerf's tag of the same metric, "" when AIPerf has none
  const char* vllm;    // vLLM bench's name (mean_<vllm>_ms ... or a result key), "" if none
  bool console;        // a row of the console table
};

namespace catalog_rows {
using K = MetricKind;
using R = RequestMetrics;

// The console's and the files' order (outputs.md): per-request metrics, then run values.
inline constexpr MetricDef kAll[] = {
    // key, label, unit, kind, field, higher is better, AIPerf, vLLM, console. An AIPerf tag is
    // given only where AIPerf 0.13 defines the same number (--output-format aiperf writes it).
    {"time_to_first_token", "Time to first token", "ms", K::kPerRequest, &R::time_to_first_token,
     false, "time_to_first_token", "ttft", true},
    {"time_to_second_token", "Time to second token", "ms", K::kPerRequest, &R::time_to_second_token,
     false, "time_to_second_token", "", true},
    {"time_to_first_output_token", "Time to first output token", "ms", K::kPerRequest,
     &R::time_to_first_output_token, false, "time_to_first_output_token", "", false},
    {"request_latency", "Request latency", "ms", K::kPerRequest, &R::request_latency, false,
     "request_latency", "e2el", true},
    {"inter_token_latency", "Inter token latency", "ms", K::kPerRequest, &R::inter_token_latency,
     false, "inter_token_latency", "tpot", true},
    {"inter_chunk_latency", "Inter chunk latency", "ms", K::kPerRequest, nullptr, false,
     "inter_chunk_latency", "itl", true},
    {"output_token_throughput_per_user", "Output token throughput per user", "tokens/s",
     K::kPerRequest, &R::output_token_throughput_per_user, true, "output_token_throughput_per_user",
     "", true},
    {"decode_duration", "Decode duration", "ms", K::kPerRequest, &R::decode_duration, false,
     "decode_duration", "", false},
    {"output_sequence_length", "Output sequence length", "tokens", K::kPerRequest,
     &R::output_sequence_length, true, "output_sequence_length", "output_lens", true},
    {"input_sequence_length", "Input sequence length", "tokens", K::kPerRequest,
     &R::input_sequence_length, true, "input_sequence_length", "input_lens", true},
    {"reasoning_token_count", "Reasoning token count", "tokens", K::kPerRequest,
     &R::reasoning_token_count, true, "reasoning_token_count", "", false},
    {"server_input_sequence_length", "Server input sequence length", "tokens", K::kPerRequest,
     &R::server_input_sequence_length, true, "usage_prompt_tokens", "", false},
    {"usage_mismatch_pct", "Usage mismatch", "%", K::kPerRequest, &R::usage_mismatch_pct, false, "",
     "", false},
    {"schedule_lag", "Schedule lag", "ms", K::kPerRequest, &R::schedule_lag, false, "", "", true},
    {"cached_input_tokens", "Cached input tokens", "tokens", K::kPerRequest,
     &R::cached_input_tokens, true, "usage_prompt_cache_read_tokens", "", false},
    {"cap_wait", "Cap wait", "ms", K::kPerRequest, &R::cap_wait, false, "", "", false},
    // Requests that opened a connection (--no-prewarm, or past the warm pool); AIPerf's
    // http_req_connecting leaves out the name lookup, which curl's connect time includes.
    {"connect_time", "Connect time", "ms", K::kPerRequest, &R::connect_time, false, "", "", false},
    {"latency_from_schedule", "Latency from schedule", "ms", K::kPerRequest,
     &R::latency_from_schedule, false, "", "", false},
    {"output_token_throughput", "Output token throughput", "tokens/s", K::kRunValue, nullptr, true,
     "output_token_throughput", "output_throughput", true},
    {"input_token_throughput", "Input token throughput", "tokens/s", K::kRunValue, nullptr, true,
     "input_token_throughput", "", false},
    {"total_token_throughput", "Total token throughput", "tokens/s", K::kRunValue, nullptr, true,
     "total_token_throughput", "total_token_throughput", false},
    {"request_throughput", "Request throughput", "requests/s", K::kRunValue, nullptr, true,
     "request_throughput", "request_throughput", true},
    {"good_request_count", "Good request count", "requests", K::kRunValue, nullptr, true,
     "good_request_count", "", true},
    {"goodput", "Goodput", "requests/s", K::kRunValue, nullptr, true, "goodput", "", true},
    {"request_count", "Request count", "requests", K::kRunValue, nullptr, true, "request_count",
     "completed", true},
    {"error_request_count", "Error request count", "requests", K::kRunValue, nullptr, false,
     "error_request_count", "failed", true},
    {"grace_period_cut_count", "Cut by the grace period", "requests", K::kRunValue, nullptr, false,
     "", "", false},
    {"request_error_rate", "Request error rate", "%", K::kRunValue, nullptr, false,
     "request_error_rate", "", false},
    {"benchmark_duration", "Benchmark duration", "s", K::kRunValue, nullptr, false,
     "benchmark_duration", "", false},
    {"achieved_request_rate", "Achieved request rate", "requests/s", K::kRunValue, nullptr, true,
     "", "", true},
    {"target_request_rate", "Target request rate", "requests/s", K::kRunValue, nullptr, true, "",
     "", false},
    {"cached_token_share", "Cached input token share", "%", K::kRunValue, nullptr, true, "", "",
     true},
    {"capped_arrival_share", "Arrivals that waited for a slot", "%", K::kRunValue, nullptr, false,
     "", "", false},
};

}  // namespace catalog_rows

inline constexpr const auto& kMetrics = catalog_rows::kAll;

// The row of a key, or null.
constexpr const MetricDef* FindMetricDef(std::string_view key) {
  for (const auto& m : kMetrics) {
    if (key == m.key) return &m;
  }
  return nullptr;
}

// How many rows hold one value per request (all per-request rows but the list).
constexpr size_t CountSingleValued() {
  size_t n = 0;
  for (const auto& m : kMetrics) n += m.field != nullptr ? 1 : 0;
  return n;
}

}  // namespace servebench::metrics
