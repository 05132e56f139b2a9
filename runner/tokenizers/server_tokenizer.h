// --tokenizer server: the server's own /tokenize and /detokenize (vLLM and SGLang serve them),
// so prompts are built and tokens counted with no local file. Every answer is cached for the
// run; a prompt of n tokens costs a handful of calls, never one per token.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runner/base/http_fetch.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench::tokenizers {

struct ServerTokenizerOptions {
  std::string url;    // the server's base URL; /tokenize sits at its root
  std::string model;  // sent as "model"
  // The run's headers (authorization included), TLS settings and request timeout.
  base::HttpOptions http;
};

// Checks that the server answers /tokenize before anything else runs. A failed call later
// (the server gone mid-run) throws std::runtime_error: a count must never be silently wrong.
base::Expected<std::shared_ptr<Tokenizer>> MakeServerTokenizer(const ServerTokenizerOptions& o);

}  // namespace servebench::tokenizers
