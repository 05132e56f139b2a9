// tokenizer.json "decoder": ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip and
// Sequence of them; enough to turn generated prompts back into their text.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::tokenizers {

class Decoder {
 public:
  virtual ~Decoder() = default;
  // Rewrites the token texts in place (a step may fuse them into one).
  virtual void Apply(std::vector<std::string>& tokens) const = 0;
};

// null config: tokens are joined as they are (nullptr).
base::Expected<std::shared_ptr<Decoder>> MakeDecoder(const nlohmann::json& config);

}  // namespace servebench::tokenizers
