// Synthetic prompts (made before the run starts, handed out by index): exactly --isl tokens in
// the client tokenizer, or an approximate length without one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/base/expected.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench::inputs {

using tokenizers::Tokenizer;

// One (ISL, OSL) pair of --seq-dist and its weight.
struct SeqPoint {
  int64_t isl = 0, osl = 0;
  double weight = 0;
};
// "128,64:25;512,128:50;1024,256:25": pairs drawn with these weights.
base::Expected<std::vector<SeqPoint>> ParseSeqDist(const std::string& text);

struct PromptOptions {
  int64_t isl = 550;
  int64_t isl_stddev = 0;
  int64_t osl = 0;  // 0: leave the output length to the server
  int64_t osl_stddev = 0;
  int64_t prefix_pool_size = 0;
  int64_t prefix_length = 0;
  std::string corpus_path;  // empty: the generated corpus
  uint64_t seed = 0;
  size_t count = 1;
  std::vector<SeqPoint> seq_dist;  // when set, each prompt's ISL and OSL are drawn from it
};

struct Prompt {
  std::string text;
  int64_t input_tokens = -1;  // the client tokenizer's count; -1 without a tokenizer
  int64_t max_tokens = 0;
};

// tokenizer may be null: prompts are then built to about 4 bytes a token.
base::Expected<std::vector<Prompt>> MakePrompts(const PromptOptions& options,
                                                const Tokenizer* tokenizer);

}  // namespace servebench::inputs
