#include "mock/prompt_tokens.h"

#include <sentencepiece_processor.h>

#include <vector>

namespace servebench::mock {

base::Expected<std::unique_ptr<PromptTokens>> PromptTokens::Load(const std::string& path) {
  auto tokens = std::unique_ptr<PromptTokens>(new PromptTokens());
  if (path.empty()) return tokens;
  tokens->processor_ = std::make_unique<sentencepiece::SentencePieceProcessor>();
  if (const auto status = tokens->processor_->Load(path); !status.ok()) {
    return base::MakeError("mock: --tokenizer " + path + ": " + status.ToString() +
                           " (give a sentencepiece .model file)");
  }
  return tokens;
}

PromptTokens::~PromptTokens() = default;

int64_t PromptTokens::Count(std::string_view text) const {
  if (processor_ == nullptr) return static_cast<int64_t>((text.size() + 3) / 4);
  std::vector<int> ids;
  processor_->Encode(text, &ids).IgnoreError();
  return static_cast<int64_t>(ids.size());
}

}  // namespace servebench::mock
