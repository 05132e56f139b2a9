#include "mock/mock_options.h"

namespace servebench::mock {

void RegisterMockFlags(base::FlagSet& flags, MockOptions& o, const std::string& prefix) {
  const std::string p = "--" + prefix;
  flags.String(p + "host", &o.host, "address to bind (default 127.0.0.1)");
  flags.Int(p + "port", &o.port, "port to listen on; 0 picks a free one (default 8000)");
  flags.StringList(p + "model", &o.models, "served model name (repeatable; default: any)");
  flags.Double(p + "ttft-ms", &o.ttft_ms, "time to first token (default 50)");
  flags.Double(p + "itl-ms", &o.itl_ms, "gap between content events (default 10)");
  flags.Int(p + "tokens-per-chunk", &o.tokens_per_chunk, "tokens per content event (default 1)");
  flags.Double(p + "ttft-jitter-cv", &o.ttft_jitter_cv, "lognormal jitter of TTFT (CV)");
  flags.Double(p + "itl-jitter-cv", &o.itl_jitter_cv, "lognormal jitter of each gap (CV)");
  flags.Double(p + "prefill-us-per-token", &o.prefill_us_per_token, "prefill cost per token");
  flags.Int(p + "max-batch", &o.max_batch, "streams decoding at once; others queue (0 = no limit)");
  flags.Int(p + "prefix-cache-tokens", &o.prefix_cache_tokens,
            "remember prompt prefixes up to this many tokens (LRU): prefill only the uncached "
            "part, report usage.prompt_tokens_details.cached_tokens (default 0: off)",
            0, int64_t{1} << 40);
  flags.Int(p + "prefix-cache-block", &o.prefix_cache_block,
            "tokens per prefix-cache block (default 16)", 1, 1 << 20);
  flags.String(p + "tokenizer", &o.tokenizer,
               "tokenizer.json or .model file, model folder or org/name: counts tokens, speaks "
               "in its words, serves /tokenize");
  flags.Int(p + "default-max-tokens", &o.default_max_tokens, "output cap when none is asked");
  flags.Int(p + "reasoning-tokens", &o.reasoning_tokens, "reasoning tokens before the content");
  flags.Int(p + "embedding-dim", &o.embedding_dim, "embedding vector size (default 384)");
  flags.Custom(
      p + "seed",
      [&o](const std::string& v) -> std::string {
        int64_t s = 0;
        if (!base::ParseInt(v, &s) || s < 0) return "expected a whole number >= 0, got '" + v + "'";
        o.seed = static_cast<uint64_t>(s);
        return "";
      },
      "seed of the fault and jitter decisions (default 0)", true,
      [&o] { return nlohmann::json(o.seed); });
  flags.Double(p + "error-rate", &o.error_rate, "share of requests answered with HTTP 500");
  flags.Double(p + "rate-limit-rate", &o.rate_limit_rate, "share answered with 429");
  flags.Double(p + "disconnect-rate", &o.disconnect_rate, "share of streams closed midway");
  flags.Double(p + "malformed-rate", &o.malformed_rate, "share of streams with one invalid event");
  flags.Double(p + "stall-ms", &o.stall_ms, "pause in the middle of a stream");
  flags.Double(p + "stall-rate", &o.stall_rate, "share of streams that stall (default 1)");
  flags.String(p + "api-key", &o.api_key, "require 'Authorization: Bearer KEY'");
  flags.Mark(p + "api-key", base::FlagSet::kSecret);
  flags.Bool(p + "ignore-max-completion-tokens", &o.ignore_max_completion_tokens,
             "read only max_tokens, as some servers do");
  flags.Bool(p + "reject-stream-options", &o.reject_stream_options,
             "answer 400 to a request with stream_options, as some servers do");
  flags.String(p + "send-log", &o.send_log, "write the send time of every event to FILE (JSONL)");
  flags.Bool(p + "send-log-bodies", &o.send_log_bodies, "the send log also keeps request bodies");
  flags.Int(p + "max-threads", &o.max_threads, "open connections at most (default 12000)");
}

base::Status ValidateMockOptions(const MockOptions& o) {
  auto rate_ok = [](double r) { return r >= 0 && r <= 1; };
  const std::pair<const char*, double> rates[] = {{"--error-rate", o.error_rate},
                                                  {"--rate-limit-rate", o.rate_limit_rate},
                                                  {"--disconnect-rate", o.disconnect_rate},
                                                  {"--malformed-rate", o.malformed_rate},
                                                  {"--stall-rate", o.stall_rate}};
  for (const auto& [name, value] : rates) {
    if (!rate_ok(value)) {
      return base::MakeError(std::string("mock: ") + name + " must be between 0 and 1");
    }
  }
  // The mock is the ground truth: a time it cannot honour is refused, never wrapped around.
  const std::pair<const char*, double> times[] = {
      {"--ttft-ms", o.ttft_ms}, {"--itl-ms", o.itl_ms}, {"--stall-ms", o.stall_ms}};
  for (const auto& [name, ms] : times) {
    if (!(ms >= 0 && ms <= kMaxMockMs)) {
      return base::MakeError(std::string("mock: ") + name + " " + base::NumberText(ms) +
                             " is out of range: give 0 to 86400000 ms (a day)");
    }
  }
  if (!(o.prefill_us_per_token >= 0 && o.prefill_us_per_token <= 1e6)) {
    return base::MakeError("mock: --prefill-us-per-token must be from 0 to 1000000 (a second)");
  }
  if (!(o.ttft_jitter_cv >= 0 && o.ttft_jitter_cv <= 10 && o.itl_jitter_cv >= 0 &&
        o.itl_jitter_cv <= 10)) {
    return base::MakeError("mock: jitter CVs must be from 0 to 10");
  }
  if (o.tokens_per_chunk < 1) return base::MakeError("mock: --tokens-per-chunk must be >= 1");
  if (o.max_batch < 0) return base::MakeError("mock: --max-batch must be >= 0");
  if (o.embedding_dim < 1) return base::MakeError("mock: --embedding-dim must be >= 1");
  if (o.default_max_tokens < 1) return base::MakeError("mock: --default-max-tokens must be >= 1");
  if (o.reasoning_tokens < 0) return base::MakeError("mock: --reasoning-tokens must be >= 0");
  if (o.port < 0 || o.port > 65535) return base::MakeError("mock: --port must be 0..65535");
  if (o.max_threads < 16)
    return base::MakeError("mock: --max-threads (open connections) must be >= 16");
  return base::Ok{};
}

}  // namespace servebench::mock
