#include "runner/tokenizers/text.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>

namespace servebench::tokenizers {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; });
}

bool IsJsSpace(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0xFEFF;
}

}  // namespace

std::string ValidUtf8(std::string_view text) {
  if (IsAscii(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<uint8_t>(text[i]);
    if (b < 0x80) {
      out += static_cast<char>(b);
      ++i;
      continue;
    }
    int need = 0;
    uint8_t lower = 0x80, upper = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      if (b == 0xE0) lower = 0xA0;
      if (b == 0xED) upper = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      if (b == 0xF0) lower = 0x90;
      if (b == 0xF4) upper = 0x8F;
    } else {
      out += kReplacement;
      ++i;
      continue;
    }
    size_t j = i + 1;
    bool whole = true;
    for (int k = 0; k < need; ++k, ++j) {
      const uint8_t lo = k == 0 ? lower : 0x80, hi = k == 0 ? upper : 0xBF;
      if (j >= text.size() || static_cast<uint8_t>(text[j]) < lo ||
          static_cast<uint8_t>(text[j]) > hi) {
        whole = false;
        break;
      }
    }
    if (whole) {
      out.append(text.substr(i, j - i));
    } else {
      out += kReplacement;  // the bad byte at j (if any) starts over
    }
    i = j;
  }
  return out;
}

std::string Normalize(std::string_view text, NormalForm form) {
  if (IsAscii(text)) return std::string(text);  // ASCII is fixed under every form
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = nullptr;
  switch (form) {
    case NormalForm::kNfc:
      normalizer = icu::Normalizer2::getNFCInstance(status);
      break;
    case NormalForm::kNfd:
      normalizer = icu::Normalizer2::getNFDInstance(status);
      break;
    case NormalForm::kNfkc:
      normalizer = icu::Normalizer2::getNFKCInstance(status);
      break;
    case NormalForm::kNfkd:
      normalizer = icu::Normalizer2::getNFKDInstance(status);
      break;
  }
  if (U_FAILURE(status)) return std::string(text);
  const auto source = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  const icu::UnicodeString normal = normalizer->normalize(source, status);
  std::string out;
  if (U_FAILURE(status)) return std::string(text);
  return normal.toUTF8String(out);
}

std::string Lowercase(std::string_view text) {
  if (IsAscii(text)) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return out;
  }
  auto unicode = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  std::string out;
  return unicode.toLower(icu::Locale::getRoot()).toUTF8String(out);
}

uint32_t CodePointAt(std::string_view text, size_t at, size_t* length) {
  const auto b = static_cast<uint8_t>(text[at]);
  size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  n = std::min(n, text.size() - at);
  uint32_t code = n == 1 ? b : b & (0x3F >> (n - 1));
  for (size_t k = 1; k < n; ++k) code = (code << 6) | (static_cast<uint8_t>(text[at + k]) & 0x3F);
  *length = n;
  return code;
}

std::string_view TrimStart(std::string_view text) {
  size_t at = 0, length = 0;
  while (at < text.size() && IsJsSpace(CodePointAt(text, at, &length))) at += length;
  return text.substr(at);
}

std::string_view TrimEnd(std::string_view text) {
  size_t end = text.size();
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80) --start;
    size_t length = 0;
    if (!IsJsSpace(CodePointAt(text, start, &length))) break;
    end = start;
  }
  return text.substr(0, end);
}

}  // namespace servebench::tokenizers
