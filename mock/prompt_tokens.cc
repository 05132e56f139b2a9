#include "mock/prompt_tokens.h"

#include <algorithm>

namespace servebench::mock {

base::Expected<std::unique_ptr<PromptTokens>> PromptTokens::Load(const std::string& path) {
  auto tokens = std::make_unique<PromptTokens>();
  if (path.empty()) return tokens;
  auto loaded = tokenizers::Tokenizer::Load(path);
  if (!loaded) return base::MakeError("mock: " + loaded.error().message);
  tokens->tokenizer_ = *loaded;
  return tokens;
}

int64_t PromptTokens::Count(std::string_view text) const {
  if (tokenizer_ == nullptr) return static_cast<int64_t>((text.size() + 3) / 4);
  return tokenizer_->Count(text);
}

std::vector<uint64_t> PromptTokens::Ids(std::string_view text) const {
  std::vector<uint64_t> out;
  if (tokenizer_ == nullptr) {
    for (size_t at = 0; at < text.size(); at += 4) {
      uint64_t piece = 0;
      for (size_t k = at; k < std::min(at + 4, text.size()); ++k) {
        piece = piece << 8 | static_cast<unsigned char>(text[k]);
      }
      out.push_back(piece);
    }
    return out;
  }
  const std::vector<int> ids = tokenizer_->Encode(text);
  out.assign(ids.begin(), ids.end());
  return out;
}

std::vector<std::string> PromptTokens::WordPieces() const {
  std::vector<std::string> words;
  if (tokenizer_ == nullptr) return words;
  for (int id : tokenizer_->WholeWordIds()) words.push_back(tokenizer_->WordText(id));
  return words;
}

bool PromptTokens::FirstWordWithoutSpace() const {
  return tokenizer_ != nullptr && tokenizer_->ImpliesLeadingSpace();
}

}  // namespace servebench::mock
