// A user's own workload (--input-file with --custom-dataset-type), in AIPerf's formats, so files
// written for AIPerf work unchanged. Every line is checked before anything is sent: a bad one is
// `FILE:LINE: what is wrong`.
//   single_turn     one request a line: text | texts, role, output_length, extra, timestamp | delay
//   multi_turn      one session a line: session_id, turns (single-turn objects); a leading
//                   role: system turn is the session's system message
//   random_pool     single-turn lines (a file, or a folder of files), drawn with replacement
//   mooncake_trace  input_length (+ hash_ids) | text_input, output_length, timestamp | delay,
//                   session_id (rows of one session are its turns, in file order)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/base/expected.h"
#include "runner/inputs/workload.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench::inputs {

using tokenizers::Tokenizer;

// The largest hash-id block: traces use 16 to 512 tokens (a server's KV block), and each distinct
// id holds a block of text for the whole run, so a larger one is a typo, not a workload.
inline constexpr int64_t kMaxBlockTokens = 65'536;

// The input tokens a mooncake_trace's input_length rows may make in all: each becomes prompt text
// held for the run, so a 2.5 KB file of 100 rows of 2,000,000 tokens would hold gigabytes.
inline constexpr int64_t kDefaultMaxTraceTokens = 64'000'000;

struct InputFileOptions {
  std::string path;
  std::string type = "single_turn";
  int64_t isl_block_size = 512;  // tokens per hash id (mooncake_trace)
  uint64_t seed = 0;
  // How many conversations to keep, the first in file order, when the file has no timestamps
  // (a trace is kept whole: its replay orders it by time). Every line is checked all the same,
  // one at a time, so a big file run with --request-count 10 holds 10 conversations.
  size_t keep = SIZE_MAX;
  int64_t max_trace_tokens = kDefaultMaxTraceTokens;
};

// The conversations of the file, in file order; the tokenizer (may be null) counts input tokens
// and builds hash-id prompts. A stop signal (base::StopSignals) ends the reading with an error.
base::Expected<std::vector<Conversation>> ReadInputFile(const InputFileOptions& options,
                                                        const Tokenizer* tokenizer);

// AIPerf's default order of each type: random_pool draws at random, the others in file order.
Sampling DefaultSampling(const std::string& type);

}  // namespace servebench::inputs
