// Per-request metrics (metrics.md §2-4), computed from one record off the receive path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/expected.h"
#include "runner/endpoints/endpoint.h"
#include "runner/records/record.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench::metrics {

enum class TokenCountSource { kAuto, kServer, kTokenizer };
base::Expected<TokenCountSource> ParseTokenCountSource(const std::string& name);

struct MeasureContext {
  endpoints::EndpointType type = endpoints::EndpointType::kChat;
  TokenCountSource source = TokenCountSource::kAuto;
  const tokenizers::Tokenizer* tokenizer = nullptr;
};

struct RequestMetrics {
  uint64_t request_id = 0;
  bool warmup = false;
  int64_t scheduled_ns = 0, start_ns = 0, end_ns = 0, wall_start_ns = 0;
  int64_t last_content_ns = 0;  // cn; 0 when there was no content
  int64_t requested_max_tokens = 0;
  std::optional<records::RecordError> error;
  int malformed_events = 0;
  bool usage_reported = false;
  int turn = -1;      // the turn of a multi-turn conversation (from 0); -1: single-turn
  std::string model;  // the model the request asked for
  // Values in display units: ms for times, tokens, tokens/s, percent.
  std::optional<double> time_to_first_token, time_to_second_token, time_to_first_output_token,
      request_latency, inter_token_latency, output_token_throughput_per_user, decode_duration,
      output_sequence_length, input_sequence_length, reasoning_token_count,
      server_input_sequence_length, cached_input_tokens, usage_mismatch_pct, schedule_lag, cap_wait,
      connect_time, latency_from_schedule;
  std::vector<double> inter_chunk_latency;
  bool valid() const { return !error.has_value(); }
};

RequestMetrics Measure(const records::Record& record, const MeasureContext& context);

// Plain per-request timings from content first-byte times (ns), exposed for exact tests.
double TtftMs(int64_t start_ns, const std::vector<int64_t>& content_ns);
std::optional<double> ItlMs(int64_t start_ns, const std::vector<int64_t>& content_ns, double osl);
std::vector<double> InterChunkMs(const std::vector<int64_t>& content_ns);

}  // namespace servebench::metrics
