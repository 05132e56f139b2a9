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

}  // namespace servebench::inputs
