// The project's own prompt corpus: English-like sentences of made-up words, generated from a
// seed. It trains the test tokenizer and feeds synthetic prompts, so no third-party text is used.
#pragma once

#include <cstdint>
#include <string>

namespace servebench::inputs {

// About `bytes` bytes of sentences (whole sentences; the last may pass the mark).
std::string GenerateCorpus(size_t bytes, uint64_t seed);

}  // namespace servebench::inputs
