// UTF-8 validity: JSON text must be valid UTF-8, so text that goes into JSON is checked first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace servebench::base {

// How many bytes text starts with that stand for themselves in a JSON string: printable ASCII
// but '"' and '\\'. Sixteen at a time where SSE2 is there: in a streamed chunk most bytes
// are, and both the records writer and the chunk scanner walk every one.
inline size_t JsonPlainPrefix(std::string_view text) {
  size_t i = 0;
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    // As signed bytes, control characters and every byte >= 0x80 are below 0x20.
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmplt_epi8(v, space));
    if (const int mask = _mm_movemask_epi8(special); mask != 0)
      return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < text.size(); ++i) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
  }
  return i;
}

// The length of the one UTF-8 sequence text starts with, or 0 when it is not one: the
// well-formed sequences of Unicode's table 3-7 (no overlong forms, no surrogates, nothing past
// U+10FFFF), which is what JSON parsers accept.
inline size_t Utf8SequenceLength(std::string_view text) {
  auto byte = [&](size_t i) { return i < text.size() ? static_cast<uint8_t>(text[i]) : 0; };
  auto tail = [&](size_t i) { return byte(i) >= 0x80 && byte(i) <= 0xBF; };
  const uint8_t b0 = byte(0), b1 = byte(1);
  if (b0 < 0x80) return text.empty() ? 0 : 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return tail(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const bool second = b0 == 0xE0   ? b1 >= 0xA0 && b1 <= 0xBF
                        : b0 == 0xED ? b1 >= 0x80 && b1 <= 0x9F
                                     : tail(1);
    return second && tail(2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const bool second = b0 == 0xF0   ? b1 >= 0x90 && b1 <= 0xBF
                        : b0 == 0xF4 ? b1 >= 0x80 && b1 <= 0x8F
                                     : tail(1);
    return second && tail(2) && tail(3) ? 4 : 0;
  }
  return 0;
}

// Well-formed UTF-8 (RFC 3629) throughout.
inline bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) return false;
    i += length;
  }
  return true;
}

// Appends code point `code` (at most U+10FFFF, not a surrogate) as UTF-8.
inline void AppendCodePoint(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// text with each byte that starts no UTF-8 sequence replaced by U+FFFD, for what people read
// (exports, consoles); the records keep the bytes themselves.
inline std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace servebench::base
