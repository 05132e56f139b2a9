// A sentencepiece .model behind the Tokenizer interface.
#pragma once

#include <memory>
#include <string>

#include "runner/tokenizers/tokenizer.h"

namespace servebench::tokenizers {

// path: a sentencepiece .model file; errors name `spec`, the flag's value.
base::Expected<std::shared_ptr<Tokenizer>> LoadSentencePiece(const std::string& path,
                                                             const std::string& spec);

}  // namespace servebench::tokenizers
