#include "mock/request_plan.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "runner/base/rng.h"

namespace servebench::mock {
namespace {

enum FaultKind : uint64_t { kServerError = 1, kRateLimit, kDisconnect, kMalformed, kStall };

bool Strikes(const MockOptions& o, uint64_t index, FaultKind kind, double rate) {
  return rate > 0 && base::UnitOf(o.seed, index, kind) < rate;
}

}  // namespace

Faults DecideFaults(const MockOptions& o, uint64_t index) {
  Faults f;
  f.server_error = Strikes(o, index, kServerError, o.error_rate);
  f.rate_limit = !f.server_error && Strikes(o, index, kRateLimit, o.rate_limit_rate);
  if (f.server_error || f.rate_limit) return f;
  f.disconnect = Strikes(o, index, kDisconnect, o.disconnect_rate);
  f.malformed = Strikes(o, index, kMalformed, o.malformed_rate);
  f.stall = o.stall_ms > 0 && Strikes(o, index, kStall, o.stall_rate);
  return f;
}

int64_t TokenCap(const MockOptions& o, const LengthAsk& ask) {
  return ask.max_tokens > 0 ? ask.max_tokens : o.default_max_tokens;
}

const char* FinishReason(int64_t output_tokens, int64_t cap) {
  return output_tokens >= cap ? "length" : "stop";
}

int64_t ChunksOf(const MockOptions& o, int64_t tokens) {
  return (tokens + o.tokens_per_chunk - 1) / o.tokens_per_chunk;
}

int64_t OutputTokens(const MockOptions& o, const LengthAsk& ask, uint64_t prompt_hash) {
  const int64_t max = TokenCap(o, ask);
  if (ask.ignore_eos) return max;
  const int64_t half = (max + 1) / 2;
  const int64_t natural = max - static_cast<int64_t>(base::Mix64(prompt_hash ^ o.seed) %
                                                     static_cast<uint64_t>(max - half + 1));
  return std::clamp(std::max(natural, ask.min_tokens), int64_t{1}, max);
}

// A jittered draw far in the tail stays within a day, as every time the mock takes does.
int64_t NsOfMs(double ms) {
  return static_cast<int64_t>(std::llround(std::min(ms, kMaxMockMs) * 1e6));
}

int64_t FirstTokenDueNs(const MockOptions& o, base::Rng& rng, int64_t start_ns,
                        int64_t prompt_tokens) {
  const double ttft = o.ttft_ms * rng.LognormalFactor(o.ttft_jitter_cv);
  return start_ns + NsOfMs(ttft) +
         static_cast<int64_t>(std::llround(o.prefill_us_per_token * 1e3 * prompt_tokens));
}

int64_t GapNs(const MockOptions& o, base::Rng& rng) {
  return NsOfMs(o.itl_ms * rng.LognormalFactor(o.itl_jitter_cv));
}

std::string TokenText(uint64_t request_index, int64_t token_index, const OutputWords* words) {
  if (words != nullptr && !words->words.empty()) {
    const uint64_t pick = base::HashOf(0x5eed, request_index, static_cast<uint64_t>(token_index));
    return words->words[pick % words->words.size()];
  }
  static constexpr std::array<const char*, 16> kOnsets = {"b", "d", "f", "g", "k", "l", "m",  "n",
                                                          "p", "r", "s", "t", "v", "z", "ch", "st"};
  static constexpr std::array<const char*, 8> kVowels = {"a", "e", "i", "o", "u", "ai", "ou", "ea"};
  uint64_t h = base::HashOf(0x5eed, request_index, static_cast<uint64_t>(token_index));
  std::string word = " ";
  const int syllables = 1 + static_cast<int>(h % 3);
  for (int s = 0; s < syllables; ++s) {
    h = base::Mix64(h);
    word += kOnsets[h % kOnsets.size()];
    word += kVowels[(h >> 8) % kVowels.size()];
  }
  return word;
}

std::string TokensText(uint64_t request_index, int64_t segment_start, int64_t first, int64_t end,
                       const OutputWords* words) {
  std::string text;
  for (int64_t t = first; t < end; ++t) {
    const std::string word = TokenText(request_index, t, words);
    const bool bare = t == segment_start && words != nullptr && words->first_without_space;
    text += bare && word.starts_with(' ') ? word.substr(1) : word;
  }
  return text;
}

}  // namespace servebench::mock
