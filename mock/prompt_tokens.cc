#include "mock/prompt_tokens.h"

#include <sentencepiece_processor.h>

#include <algorithm>
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

std::vector<uint64_t> PromptTokens::Ids(std::string_view text) const {
  std::vector<uint64_t> out;
  if (processor_ == nullptr) {
    for (size_t at = 0; at < text.size(); at += 4) {
      uint64_t piece = 0;
      for (size_t k = at; k < std::min(at + 4, text.size()); ++k) {
        piece = piece << 8 | static_cast<unsigned char>(text[k]);
      }
      out.push_back(piece);
    }
    return out;
  }
  std::vector<int> ids;
  processor_->Encode(text, &ids).IgnoreError();
  out.assign(ids.begin(), ids.end());
  return out;
}

std::vector<std::string> PromptTokens::WordPieces() const {
  std::vector<std::string> words;
  if (processor_ == nullptr) return words;
  const std::string_view word_start = "\xe2\x96\x81";  // U+2581, sentencepiece's space
  for (int id = 0; id < processor_->GetPieceSize(); ++id) {
    const std::string& piece = processor_->IdToPiece(id);
    if (processor_->IsControl(id) || processor_->IsUnknown(id) ||
        piece.size() <= word_start.size() || piece.compare(0, 3, word_start) != 0) {
      continue;
    }
    std::vector<int> alone;
    processor_->Encode(piece.substr(word_start.size()), &alone).IgnoreError();
    if (alone == std::vector<int>{id}) words.push_back(" " + piece.substr(word_start.size()));
  }
  return words;
}

}  // namespace servebench::mock
