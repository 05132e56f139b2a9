// Counts the prompt tokens the mock reports in usage: exactly with the client's tokenizer
// (runner/tokenizers/tokenizer.h, the same files and forms), else estimated at four bytes a token.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/expected.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench::mock {

class PromptTokens {
 public:
  static base::Expected<std::unique_ptr<PromptTokens>> Load(const std::string& model_path);
  int64_t Count(std::string_view text) const;
  // The text's tokens as numbers: the tokenizer's ids, or a hash of each four-byte piece (the
  // estimate's tokens). Count(text) == Ids(text).size().
  std::vector<uint64_t> Ids(std::string_view text) const;
  // The tokenizer's whole-word pieces as text (" word"): each is one token, and a text of them
  // re-tokenizes to exactly that many tokens. Empty without a tokenizer.
  std::vector<std::string> WordPieces() const;
  // Whether a text's first word goes without its space (the tokenizer adds it back).
  bool FirstWordWithoutSpace() const;
  // The BOS a server adds to each prompt it counts (tokenizer.h); 0 without a tokenizer.
  int ServerPrefixTokens() const { return tokenizer_ ? tokenizer_->ServerPrefixTokens() : 0; }
  const tokenizers::Tokenizer* tokenizer() const { return tokenizer_.get(); }  // null: estimate

 private:
  std::shared_ptr<tokenizers::Tokenizer> tokenizer_;  // null: estimate
};

}  // namespace servebench::mock
