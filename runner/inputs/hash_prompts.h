// Prompts of trace rows given as a length and hash ids (Mooncake's format): each distinct id is
// one block of exactly `block` tokens, the same text wherever the id appears, so prompts that
// share leading ids share a byte-identical prefix and a server's prefix cache sees what
// production saw. With a tokenizer, blocks are made of whole-word pieces that re-tokenize to
// themselves, so a prompt re-tokenizes to exactly its length; without one, a token is four bytes
// (a space and three letters), the estimate the mock and servebench use without a tokenizer.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "runner/base/expected.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench::inputs {

using tokenizers::Tokenizer;

class BlockPrompts {
 public:
  BlockPrompts(const Tokenizer* tokenizer, int64_t block_tokens, uint64_t seed);
  // The prompt of `length` tokens made of the blocks of `hash_ids` (the last block holds the
  // remainder). Callers check that 0 < remainder <= block.
  std::string Text(const std::vector<int64_t>& hash_ids, int64_t length);
  // A prompt of `length` tokens of its own (a row with a length and no hash ids).
  std::string Unique(uint64_t row, int64_t length);
  int64_t block_tokens() const { return block_; }
  // False when the tokenizer lists no whole-word tokens to draw blocks from.
  bool HasWords() const { return tokenizer_ == nullptr || !words_.empty(); }

 private:
  const std::vector<int>& Block(int64_t hash_id);
  std::vector<int> Draw(uint64_t key, int64_t count) const;
  std::string Render(const std::vector<int>& tokens) const;

  const Tokenizer* tokenizer_;
  int64_t block_;
  uint64_t seed_;
  std::vector<int> words_;  // the tokenizer's whole-word pieces, or indices of 3-letter words
  std::unordered_map<int64_t, std::vector<int>> blocks_;
};

}  // namespace servebench::inputs
