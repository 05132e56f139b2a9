// tokenizer.json "normalizer": NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip and
// Sequence of them.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "runner/base/expected.h"

namespace servebench::tokenizers {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void Apply(std::string& text) const = 0;
};

// null config: no normalizer (nullptr). An unknown type is an error naming it.
base::Expected<std::shared_ptr<Normalizer>> MakeNormalizer(const nlohmann::json& config);

}  // namespace servebench::tokenizers
