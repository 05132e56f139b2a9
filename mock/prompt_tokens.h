// Counts the prompt tokens the mock reports in usage: exactly with a sentencepiece model,
// else estimated at four bytes a token.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "runner/base/expected.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace servebench::mock {

class PromptTokens {
 public:
  static base::Expected<std::unique_ptr<PromptTokens>> Load(const std::string& model_path);
  ~PromptTokens();
  int64_t Count(std::string_view text) const;

 private:
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;  // null: estimate
};

}  // namespace servebench::mock
