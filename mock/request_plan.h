// What the mock will do with one request, decided up front from (seed, request index, body):
// which faults strike, how many tokens it emits, and the text of each token.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mock/mock_options.h"
#include "runner/base/rng.h"

namespace servebench::mock {

struct Faults {
  bool server_error = false;  // HTTP 500 with an OpenAI error body
  bool rate_limit = false;    // HTTP 429 with Retry-After
  bool disconnect = false;    // connection closed halfway through the stream
  bool malformed = false;     // one event of invalid JSON halfway through
  bool stall = false;         // a pause of --stall-ms halfway through
};

// Each fault is an independent draw from (seed, index, fault); HTTP faults exclude stream faults.
Faults DecideFaults(const MockOptions& options, uint64_t request_index);

struct LengthAsk {
  int64_t max_tokens = 0;  // 0 when the request gave none
  int64_t min_tokens = 0;
  bool ignore_eos = false;
};

// The output cap: the request's max tokens, or --default-max-tokens when it gave none.
int64_t TokenCap(const MockOptions& options, const LengthAsk& ask);
// "length" when the output reached the cap, else "stop".
const char* FinishReason(int64_t output_tokens, int64_t cap);
// Content events needed for tokens at --tokens-per-chunk.
int64_t ChunksOf(const MockOptions& options, int64_t tokens);

// Output tokens: exactly the maximum when ignore_eos or min_tokens asks for it, else a
// deterministic length in [max/2, max] derived from the prompt.
int64_t OutputTokens(const MockOptions& options, const LengthAsk& ask, uint64_t prompt_hash);

// The text of output token i of a request: a space and a word, one of `words` (the tokenizer's
// whole-word pieces, so the client's recount equals the usage) or, without them, a short word
// of lowercase letters.
struct OutputWords {
  std::vector<std::string> words;    // " word" texts, one token each
  bool first_without_space = false;  // the tokenizer adds a text's leading space itself
};
std::string TokenText(uint64_t request_index, int64_t token_index,
                      const OutputWords* words = nullptr);
// Tokens [first, end) of a request's output, concatenated; the text's first token (at
// segment_start: reasoning and content are separate texts) drops its space when the tokenizer
// adds it back.
std::string TokensText(uint64_t request_index, int64_t segment_start, int64_t first, int64_t end,
                       const OutputWords* words = nullptr);

// When the first token is due: --ttft-ms (jittered) plus the prompt's prefill after start_ns.
int64_t FirstTokenDueNs(const MockOptions& options, base::Rng& rng, int64_t start_ns,
                        int64_t prompt_tokens);
// The gap before the next content event: --itl-ms, jittered.
int64_t GapNs(const MockOptions& options, base::Rng& rng);
int64_t NsOfMs(double ms);

}  // namespace servebench::mock
