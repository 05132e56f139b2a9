// A sentencepiece tokenizer: counts tokens of prompts and outputs, and builds exact-length prompts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/expected.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace servebench::inputs {

// The sentencepiece model --tokenizer SPEC names: a .model file, a model folder holding
// tokenizer.model (the Hugging Face layout), or a Hugging Face name (org/model) found in the local
// cache ($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub). A tokenizer.json is refused
// by name: servebench does not read it yet.
base::Expected<std::string> LocateTokenizer(const std::string& spec);

class Tokenizer {
 public:
  // spec: as LocateTokenizer reads it.
  static base::Expected<std::shared_ptr<Tokenizer>> Load(const std::string& spec);
  ~Tokenizer();
  std::vector<int> Encode(std::string_view text) const;
  std::string Decode(const std::vector<int>& ids) const;
  int64_t Count(std::string_view text) const { return static_cast<int64_t>(Encode(text).size()); }
  // The pieces that are a whole word (they begin a word and re-tokenize to themselves alone):
  // text made of them, separated by spaces, re-tokenizes to exactly those pieces.
  std::vector<int> WholeWordIds() const;

 private:
  Tokenizer();
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

}  // namespace servebench::inputs
