// tokenizer.json "pre_tokenizer": Split (with its regex), ByteLevel, Metaspace, Digits and
// Sequence of them.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::tokenizers {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Splits each piece further, in place. section: the index of the text between added tokens
  // that the pieces come from (Metaspace's prepend_scheme "first" reads it).
  virtual void Split(std::vector<std::string>& pieces, size_t section) const = 0;
  // The fast path for steps that only cut the text (never rewrite it): appends the pieces of
  // `text` as views into it and returns true; false when the step rewrites text.
  virtual bool Cut(std::string_view, std::vector<std::string_view>&) const { return false; }
};

// null config: none (nullptr). *byte_level is set when a ByteLevel step is present: the model's
// vocabulary is then read back to raw bytes and ByteLevel's byte-to-character map is never
// applied to the text (so ByteLevel must be the last step).
base::Expected<std::shared_ptr<PreTokenizer>> MakePreTokenizer(const nlohmann::json& config,
                                                               bool* byte_level);

}  // namespace servebench::tokenizers
