// Text helpers of the tokenizer pipeline: lossy UTF-8, Unicode normalization forms (ICU) and
// the whitespace trims added tokens apply to their neighbours.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace servebench::tokenizers {

// text as valid UTF-8: each maximal invalid subpart becomes U+FFFD, as the WHATWG decoder (and
// Rust's from_utf8_lossy) does.
std::string ValidUtf8(std::string_view text);

enum class NormalForm { kNfc, kNfd, kNfkc, kNfkd };
std::string Normalize(std::string_view text, NormalForm form);
std::string Lowercase(std::string_view text);

// JavaScript's trimStart / trimEnd (its WhiteSpace and LineTerminator characters).
std::string_view TrimStart(std::string_view text);
std::string_view TrimEnd(std::string_view text);

// The code point at text[at] and its length in bytes (text is valid UTF-8).
uint32_t CodePointAt(std::string_view text, size_t at, size_t* length);

}  // namespace servebench::tokenizers
