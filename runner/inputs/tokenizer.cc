#include "runner/inputs/tokenizer.h"

#include <sentencepiece_processor.h>

#include <filesystem>

namespace servebench::inputs {

Tokenizer::Tokenizer() : processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {}
Tokenizer::~Tokenizer() = default;

base::Expected<std::shared_ptr<Tokenizer>> Tokenizer::Load(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return base::MakeError(
        "--tokenizer " + path +
        (std::filesystem::exists(path, error) ? ": not a file" : ": no such file") +
        " (give a sentencepiece .model file)");
  }
  std::shared_ptr<Tokenizer> tokenizer(new Tokenizer());
  if (const auto status = tokenizer->processor_->Load(path); !status.ok()) {
    return base::MakeError("--tokenizer " + path + ": " + status.ToString() +
                           " (give a sentencepiece .model file)");
  }
  return tokenizer;
}

std::vector<int> Tokenizer::Encode(std::string_view text) const {
  std::vector<int> ids;
  processor_->Encode(text, &ids).IgnoreError();
  return ids;
}

std::string Tokenizer::Decode(const std::vector<int>& ids) const {
  std::string text;
  processor_->Decode(ids, &text).IgnoreError();
  return text;
}

std::vector<int> Tokenizer::WholeWordIds() const {
  std::vector<int> ids;
  const std::string_view word_start = "\xe2\x96\x81";  // U+2581, sentencepiece's space
  for (int id = 0; id < processor_->GetPieceSize(); ++id) {
    const std::string& piece = processor_->IdToPiece(id);
    if (processor_->IsControl(id) || processor_->IsUnknown(id) ||
        piece.size() <= word_start.size() || piece.compare(0, 3, word_start) != 0) {
      continue;
    }
    if (Encode(piece.substr(word_start.size())) == std::vector<int>{id}) ids.push_back(id);
  }
  return ids;
}

}  // namespace servebench::inputs
