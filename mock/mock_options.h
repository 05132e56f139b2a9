// Settings of the built-in OpenAI-compatible mock server.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/base/expected.h"
#include "runner/base/flags.h"

namespace servebench::mock {

// The longest time the mock takes or waits (a day): beyond it a time would overflow its clock.
inline constexpr double kMaxMockMs = 86'400'000;

struct MockOptions {
  std::string host = "127.0.0.1";
  int64_t port = 8000;              // 0 picks a free port
  std::vector<std::string> models;  // served model names; empty accepts any
  // Timing.
  double ttft_ms = 50;
  double itl_ms = 10;  // gap between content events
  int64_t tokens_per_chunk = 1;
  double ttft_jitter_cv = 0;
  double itl_jitter_cv = 0;
  double prefill_us_per_token = 0;
  int64_t max_batch = 0;            // 0 = unlimited concurrent decodes
  int64_t prefix_cache_tokens = 0;  // prefix cache capacity (prefix_cache.h); 0 = off
  int64_t prefix_cache_block = 16;  // tokens per cached block (vLLM's default block size)
  // Tokens.
  std::string tokenizer;  // any --tokenizer form but server; without it, tokens are estimated
  int64_t default_max_tokens = 64;
  int64_t reasoning_tokens = 0;
  int64_t embedding_dim = 384;
  // Faults, each decided from (seed, request index) so a run is reproducible.
  uint64_t seed = 0;
  double error_rate = 0;
  double rate_limit_rate = 0;
  double disconnect_rate = 0;
  double malformed_rate = 0;
  double stall_ms = 0;
  double stall_rate = 1;  // share of streams that stall when --stall-ms is set
  std::string api_key;
  bool reject_stream_options = false;  // 400 for a body with stream_options, as some servers do
  // Read only max_tokens, as TGI, LM Studio and older llama.cpp builds do.
  bool ignore_max_completion_tokens = false;
  // Ground truth.
  std::string send_log;
  bool send_log_bodies = false;  // the send log also keeps each request's body
  int64_t max_threads = 12000;   // open connections at most (the flag keeps its old name)
};

// Binds every mock flag to options; prefix is "" for `servebench mock`, "mock-" for `profile`.
void RegisterMockFlags(base::FlagSet& flags, MockOptions& options, const std::string& prefix);
base::Status ValidateMockOptions(const MockOptions& options);

}  // namespace servebench::mock
