// A Hugging Face tokenizer.json behind the Tokenizer interface: added tokens, normalizer,
// pre-tokenizer, BPE model and decoder, read with nlohmann_json. An unsupported component is an
// error naming it, never an approximation.
#pragma once

#include <memory>
#include <string>

#include "runner/tokenizers/tokenizer.h"

namespace servebench::tokenizers {

// path: a tokenizer.json; a tokenizer_config.json beside it supplies bos_token and
// add_bos_token. Errors name `spec`, the flag's value.
base::Expected<std::shared_ptr<Tokenizer>> LoadHuggingFace(const std::string& path,
                                                           const std::string& spec);

}  // namespace servebench::tokenizers
