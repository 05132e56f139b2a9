#include "runner/tokenizers/sentencepiece_tokenizer.h"

#include <sentencepiece_processor.h>

namespace servebench::tokenizers {
namespace {

class SentencePieceTokenizer : public Tokenizer {
 public:
  SentencePieceTokenizer()
      : processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {}
  sentencepiece::SentencePieceProcessor& processor() { return *processor_; }

  std::vector<int> Encode(std::string_view text) const override {
    std::vector<int> ids;
    processor_->Encode(text, &ids).IgnoreError();
    return ids;
  }

  std::string Decode(const std::vector<int>& ids) const override {
    std::string text;
    processor_->Decode(ids, &text).IgnoreError();
    return text;
  }

  std::vector<int> WholeWordIds() const override {
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

  std::string WordText(int id) const override { return " " + Decode({id}); }
  bool ImpliesLeadingSpace() const override { return true; }

 private:
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

}  // namespace

base::Expected<std::shared_ptr<Tokenizer>> LoadSentencePiece(const std::string& path,
                                                             const std::string& spec) {
  auto tokenizer = std::make_shared<SentencePieceTokenizer>();
  if (const auto status = tokenizer->processor().Load(path); !status.ok()) {
    return base::MakeError("--tokenizer " + spec + ": " + status.ToString() +
                           " (give a sentencepiece .model file or a tokenizer.json)");
  }
  return std::shared_ptr<Tokenizer>(tokenizer);
}

}  // namespace servebench::tokenizers
