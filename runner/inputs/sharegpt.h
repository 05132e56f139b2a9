// ShareGPT V3 (--public-dataset sharegpt): a JSON list of {"conversations": [{"from", "value"},
// ...]}. As `vllm bench serve` samples it: the first two messages of each conversation are the
// prompt and the completion; prompts of 4 to 1024 tokens, completions of at least 4 (not checked
// when --osl fixes the output), and at most 2048 in all; the completion's length (or --osl)
// becomes the request's output cap.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/base/expected.h"
#include "runner/inputs/workload.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench::inputs {

using tokenizers::Tokenizer;

// tokenizer may be null: lengths are then estimated at four bytes a token.
base::Expected<std::vector<Conversation>> ReadShareGpt(const std::string& path,
                                                       const Tokenizer* tokenizer, int64_t osl);

// The ShareGPT file to read: --dataset-path when given, else the cached copy, else a download
// into the cache (only where the network allows; said plainly when it does not). *note says
// where it came from.
base::Expected<std::string> LocateShareGpt(const std::string& dataset_path, std::string* note);

}  // namespace servebench::inputs
