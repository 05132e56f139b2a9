#include "runner/tokenizers/pattern.h"

namespace servebench::tokenizers {

base::Expected<Pattern> Pattern::FromJson(const nlohmann::json& pattern) {
  const bool literal = pattern.contains("String");
  if (!literal && !pattern.contains("Regex")) {
    return base::MakeError("a pattern needs \"String\" or \"Regex\", got " + pattern.dump());
  }
  const auto& source = pattern.at(literal ? "String" : "Regex");
  if (!source.is_string()) return base::MakeError("a pattern must be a string: " + source.dump());
  auto regex = Regex::Compile(source.get<std::string>(), literal);
  if (!regex) return regex.error();
  Pattern made;
  made.regex_ = *regex;
  return made;
}

std::string Pattern::ReplaceAll(std::string_view text, std::string_view content) const {
  std::vector<std::pair<size_t, size_t>> spans;
  Matches(text, spans);
  if (spans.empty()) return std::string(text);
  std::string out;
  size_t at = 0;
  for (const auto& [begin, end] : spans) {
    out.append(text.substr(at, begin - at));
    out.append(content);
    at = end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace servebench::tokenizers
