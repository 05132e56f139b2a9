// A tokenizer.json "pattern": {"String": "..."} (literal) or {"Regex": "..."}.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runner/base/expected.h"
#include "runner/tokenizers/regex.h"

namespace servebench::tokenizers {

class Pattern {
 public:
  static base::Expected<Pattern> FromJson(const nlohmann::json& pattern);
  void Matches(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const {
    regex_->Matches(text, out);
  }
  std::string ReplaceAll(std::string_view text, std::string_view content) const;

 private:
  std::shared_ptr<Regex> regex_;
};

}  // namespace servebench::tokenizers
