#include "runner/tokenizers/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>
#include <stdexcept>

namespace servebench::tokenizers {
namespace {

// Unicode White_Space, as a class body (PCRE2's own \s leaves out U+0085).
constexpr std::string_view kWhiteSpace =
    "\\t-\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"
    "\\x{205F}\\x{3000}";

std::string Quote(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// Rewrites \s, \S and (?i:...) as described in regex.h; everything else passes through.
base::Expected<std::string> ReadAsReference(const std::string& pattern) {
  std::string out;
  std::vector<bool> folds;  // per open group: does it fold case?
  bool fold = false;
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char e = pattern[++i];
      if (e == 's') {
        out += in_class ? std::string(kWhiteSpace) : "[" + std::string(kWhiteSpace) + "]";
      } else if (e == 'S' && !in_class) {
        out += "[^" + std::string(kWhiteSpace) + "]";
      } else if (e == 'S') {
        return base::MakeError("\\S inside a character class is not supported");
      } else {
        out += c;
        out += e;
      }
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      if (fold && std::isalpha(static_cast<unsigned char>(c))) {
        if (i + 1 < pattern.size() && pattern[i + 1] == '-') {
          return base::MakeError("a letter range inside (?i:...) is not supported");
        }
        out += static_cast<char>(std::tolower(c));
        out += static_cast<char>(std::toupper(c));
        continue;
      }
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
    } else if (c == '(') {
      folds.push_back(fold);
      if (pattern.compare(i, 4, "(?i:") == 0) {
        fold = true;
        out += "(?:";
        i += 3;
      } else {
        out += c;
      }
    } else if (c == ')') {
      if (!folds.empty()) {
        fold = folds.back();
        folds.pop_back();
      }
      out += c;
    } else if (fold && std::isalpha(static_cast<unsigned char>(c))) {
      out += '[';
      out += static_cast<char>(std::tolower(c));
      out += static_cast<char>(std::toupper(c));
      out += ']';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

struct Regex::Compiled {
  pcre2_code* code = nullptr;
  std::string pattern;  // as tokenizer.json writes it, for error messages
  ~Compiled() { pcre2_code_free(code); }
};

Regex::Regex(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
Regex::~Regex() = default;

base::Expected<std::shared_ptr<Regex>> Regex::Compile(const std::string& pattern, bool literal) {
  auto source = literal ? base::Expected<std::string>(Quote(pattern)) : ReadAsReference(pattern);
  if (!source) return base::MakeError("regex '" + pattern + "': " + source.error().message);
  int code = 0;
  PCRE2_SIZE offset = 0;
  auto compiled = std::make_unique<Compiled>();
  compiled->pattern = pattern;
  compiled->code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source->data()), source->size(),
                    PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &code, &offset, nullptr);
  if (!compiled->code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(code, message, sizeof(message));
    return base::MakeError("regex '" + pattern + "': " + reinterpret_cast<char*>(message) +
                           " at offset " + std::to_string(offset));
  }
  pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter
  return std::shared_ptr<Regex>(new Regex(std::move(compiled)));
}

void Regex::Matches(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const {
  thread_local std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> data(
      pcre2_match_data_create(1, nullptr), &pcre2_match_data_free);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t at = 0;
  while (at <= text.size()) {
    const int rc = pcre2_match(compiled_->code, subject, text.size(), at, PCRE2_NO_UTF_CHECK,
                               data.get(), nullptr);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      // Past PCRE2's match or depth limit the rest of the text would be cut differently: a
      // count must never be silently wrong.
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(rc, message, sizeof(message));
      throw std::runtime_error("tokenizer regex '" + compiled_->pattern + "' failed at byte " +
                               std::to_string(at) + ": " + reinterpret_cast<char*>(message));
    }
    const PCRE2_SIZE* span = pcre2_get_ovector_pointer(data.get());
    if (span[1] > span[0]) {
      out.emplace_back(span[0], span[1]);
      at = span[1];
      continue;
    }
    at = span[0] + 1;  // an empty match: step over one whole character
    while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
  }
}

}  // namespace servebench::tokenizers
