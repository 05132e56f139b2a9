// JSON from outside (files, flags, servers) parsed with its nesting bounded. nlohmann's parser
// copes with any depth, but copying or printing a value recurses once per level: 60,000 nested
// arrays overflow the stack. Deeper than kMaxJsonDepth is refused as malformed text is.
#pragma once

#include <nlohmann/json.hpp>

namespace servebench::base {

inline constexpr int kMaxJsonDepth = 64;

// As J::parse(input, nullptr, false): a discarded value when the text is not JSON, or when an
// array or object nests deeper than kMaxJsonDepth (then *too_deep, if given, is set).
template <class J = nlohmann::json, class Input>
J ParseJson(Input&& input, bool* too_deep = nullptr) {
  struct TooDeep {};
  const auto bound = [](int depth, typename J::parse_event_t event, J&) {
    const bool opens =
        event == J::parse_event_t::object_start || event == J::parse_event_t::array_start;
    if (opens && depth >= kMaxJsonDepth) throw TooDeep{};
    return true;
  };
  if (too_deep) *too_deep = false;
  try {
    return J::parse(std::forward<Input>(input), bound, false);
  } catch (const TooDeep&) {
    if (too_deep) *too_deep = true;
    return J(J::value_t::discarded);
  }
}

// The reader's word for text ParseJson refused.
inline const char* JsonProblem(bool too_deep) {
  return too_deep ? "nested deeper than 64 levels" : "not valid JSON";
}

}  // namespace servebench::base
