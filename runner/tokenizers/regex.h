// A Unicode regex for tokenizer.json patterns (PCRE2, JIT-compiled), read the way Hugging Face's
// reference implementations read them: \s and \S are Unicode White_Space, and (?i:...) folds
// ASCII letters only.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::tokenizers {

class Regex {
 public:
  // pattern: the regex as tokenizer.json writes it; literal: match the text as it is.
  static base::Expected<std::shared_ptr<Regex>> Compile(const std::string& pattern, bool literal);
  ~Regex();
  // The non-overlapping matches in valid UTF-8 text, as [begin, end) byte offsets, left to right;
  // an empty match moves one character on. A match that PCRE2 gives up on (its match or depth
  // limit) throws std::runtime_error naming the pattern.
  void Matches(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const;

 private:
  struct Compiled;
  explicit Regex(std::unique_ptr<Compiled> compiled);
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace servebench::tokenizers
