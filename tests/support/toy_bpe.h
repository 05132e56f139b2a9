// A small Hugging Face tokenizer.json trained from scratch on the generated corpus, so tests of
// the tokenizer.json reader need no download: byte-level (GPT-2 / Llama 3 style) or
// sentencepiece-style (Llama 2 style: Prepend and Replace normalizers, byte fallback).
#pragma once

#include <filesystem>

namespace servebench::testing {

enum class ToyStyle { kByteLevel, kSentencePiece };

// Writes tokenizer.json and tokenizer_config.json into folder (created); `merges` merges are
// learned, most frequent pair first. Added tokens: <|bos|> and <|eot|>.
void WriteToyBpe(const std::filesystem::path& folder, ToyStyle style, int merges = 300);

}  // namespace servebench::testing
