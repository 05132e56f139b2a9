#include "runner/endpoints/chunk_scanner.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "runner/base/utf8.h"

namespace servebench::endpoints {
namespace {

constexpr int kMaxDepth = 64;

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool AtEnd() {
    SkipSpace();
    return at_ == text_.size();
  }
  bool Consume(char c) {
    SkipSpace();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  char Peek() {
    SkipSpace();
    return at_ < text_.size() ? text_[at_] : '\0';
  }

  // A string, its escapes decoded; out may be null to skip it. What the document refuses (bytes
  // that are not UTF-8, a lone surrogate) is refused here too, and the full parser answers.
  bool String(std::string* out) {
    if (!Consume('"')) return false;
    if (out != nullptr) out->clear();
    while (at_ < text_.size()) {
      const size_t plain = at_;  // a run of printable ASCII is copied at once
      at_ += base::JsonPlainPrefix(text_.substr(at_));
      if (out != nullptr) out->append(text_.substr(plain, at_ - plain));
      if (at_ >= text_.size()) return false;
      const unsigned char c = static_cast<unsigned char>(text_[at_]);
      if (c == '"') {
        ++at_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        const size_t length = base::Utf8SequenceLength(text_.substr(at_));
        if (length == 0) return false;
        if (out != nullptr) out->append(text_.substr(at_, length));
        at_ += length;
        continue;
      }
      ++at_;  // a backslash
      if (!Escape(out)) return false;
    }
    return false;
  }

  // A JSON number; integer is set when it is a whole number that fits in int64.
  bool Number(std::optional<int64_t>* integer) {
    SkipSpace();
    const size_t start = at_;
    if (at_ < text_.size() && text_[at_] == '-') ++at_;
    if (!Digits(true)) return false;
    bool whole = true;
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      whole = false;
      if (!Digits(false)) return false;
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      whole = false;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      if (!Digits(false)) return false;
    }
    const std::string digits(text_.substr(start, at_ - start));
    // A number past a double's range (6E312) makes the document refuse the whole chunk.
    if ((!whole || digits.size() > 18) && !std::isfinite(std::strtod(digits.c_str(), nullptr)))
      return false;
    if (integer == nullptr) return true;
    integer->reset();
    if (!whole) return true;
    errno = 0;
    const long long value = std::strtoll(digits.c_str(), nullptr, 10);
    if (errno == ERANGE) return false;  // beyond int64: the full parser decides
    *integer = value;
    return true;
  }

  bool Literal() {
    SkipSpace();
    for (std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(at_, word.size()) == word) {
        at_ += word.size();
        return true;
      }
    }
    return false;
  }

  bool Skip(int depth = 0) {
    if (depth > kMaxDepth) return false;
    switch (Peek()) {
      case '"':
        return String(nullptr);
      case '{':
        return Members([&](std::string_view) { return Skip(depth + 1); });
      case '[':
        return Elements([&](size_t) { return Skip(depth + 1); });
      case 't':
      case 'f':
      case 'n':
        return Literal();
      default:
        return Number(nullptr);
    }
  }

  // An object: calls member(key) with the position at the key's value, which member consumes.
  template <typename Member>
  bool Members(Member member) {
    if (!Consume('{')) return false;
    if (Consume('}')) return true;
    std::string key;
    do {
      if (!String(&key) || !Consume(':') || !member(key)) return false;
    } while (Consume(','));
    return Consume('}');
  }

  template <typename Element>
  bool Elements(Element element) {
    if (!Consume('[')) return false;
    if (Consume(']')) return true;
    size_t index = 0;
    do {
      if (!element(index++)) return false;
    } while (Consume(','));
    return Consume(']');
  }

 private:
  // Exactly four hex digits at the position (strtol alone would take a sign or spaces).
  bool Hex4(uint32_t& code) {
    if (at_ + 4 > text_.size()) return false;
    code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[at_++];
      const int digit = h >= '0' && h <= '9'   ? h - '0'
                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                               : -1;
      if (digit < 0) return false;
      code = code * 16 + static_cast<uint32_t>(digit);
    }
    return true;
  }

  // The escape after a backslash; a \u escape may be a surrogate pair, written as UTF-8.
  bool Escape(std::string* out) {
    if (at_ >= text_.size()) return false;
    char e = text_[at_++];
    switch (e) {
      case '"':
      case '\\':
      case '/':
        break;
      case 'b':
        e = '\b';
        break;
      case 'f':
        e = '\f';
        break;
      case 'n':
        e = '\n';
        break;
      case 'r':
        e = '\r';
        break;
      case 't':
        e = '\t';
        break;
      case 'u': {
        uint32_t code = 0;
        if (!Hex4(code) || (code >= 0xDC00 && code <= 0xDFFF)) return false;
        if (code >= 0xD800 && code <= 0xDBFF) {
          uint32_t low = 0;
          if (text_.substr(at_, 2) != "\\u") return false;
          at_ += 2;
          if (!Hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        if (out != nullptr) base::AppendCodePoint(*out, code);
        return true;
      }
      default:
        return false;
    }
    if (out != nullptr) out->push_back(e);
    return true;
  }

  void SkipSpace() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t')) {
      ++at_;
    }
  }
  bool Digits(bool integer_part) {
    const size_t start = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    if (at_ == start) return false;
    return !integer_part || text_[start] != '0' || at_ - start == 1;  // no leading zeros
  }

  std::string_view text_;
  size_t at_ = 0;
};

// A string value, or "" for any other value (as a missing or non-string field reads).
bool StringOrEmpty(Scanner& s, std::string& out) {
  if (s.Peek() == '"') return s.String(&out);
  out.clear();
  return s.Skip();
}

bool ReadUsage(Scanner& s, std::optional<Usage>& usage) {
  usage.reset();
  if (s.Peek() != '{') return s.Skip();
  Usage u;
  bool any = false;
  auto whole = [&](int64_t& field) {
    std::optional<int64_t> n;
    if (s.Peek() == '-' || (s.Peek() >= '0' && s.Peek() <= '9')) {
      if (!s.Number(&n)) return false;
      field = n.value_or(-1);
      return true;
    }
    field = -1;
    return s.Skip();
  };
  const bool ok = s.Members([&](std::string_view key) {
    any = true;
    if (key == "prompt_tokens") return whole(u.prompt_tokens);
    if (key == "completion_tokens") return whole(u.completion_tokens);
    if (key == "completion_tokens_details") {
      u.reasoning_tokens = -1;
      if (s.Peek() != '{') return s.Skip();
      return s.Members([&](std::string_view k) {
        return k == "reasoning_tokens" ? whole(u.reasoning_tokens) : s.Skip();
      });
    }
    if (key == "prompt_tokens_details") {
      u.cached_tokens = -1;
      if (s.Peek() != '{') return s.Skip();
      return s.Members([&](std::string_view k) {
        return k == "cached_tokens" ? whole(u.cached_tokens) : s.Skip();
      });
    }
    return s.Skip();
  });
  if (ok && any) usage = u;
  return ok;
}

bool ReadChoice(Scanner& s, ChoiceShape shape, Chunk& chunk) {
  std::string reasoning_content, reasoning, finish_reason;
  const bool ok = s.Members([&](std::string_view key) {
    if (key == "finish_reason") {
      if (!StringOrEmpty(s, finish_reason)) return false;
      chunk.finished = !finish_reason.empty();
      return true;
    }
    if (shape == ChoiceShape::kText) return key == "text" ? StringOrEmpty(s, chunk.text) : s.Skip();
    if (key != "delta") return s.Skip();
    chunk.text.clear();
    reasoning_content.clear();
    reasoning.clear();
    chunk.tool_call = false;
    if (s.Peek() != '{') return s.Skip();
    return s.Members([&](std::string_view k) {
      if (k == "content") return StringOrEmpty(s, chunk.text);
      if (k == "reasoning_content") return StringOrEmpty(s, reasoning_content);
      if (k == "reasoning") return StringOrEmpty(s, reasoning);
      if (k == "tool_calls") {
        // Tool calls carry their argument text in nested objects: the full parser reads them.
        chunk.tool_call = false;
        if (s.Peek() != '[') return s.Skip();
        return s.Elements([&](size_t) { return false; });
      }
      return s.Skip();
    });
  });
  chunk.reasoning = reasoning_content.empty() ? reasoning : reasoning_content;
  return ok;
}

}  // namespace

std::optional<Chunk> ScanChunk(ChoiceShape shape, std::string_view data) {
  Scanner s(data);
  Chunk chunk;
  bool understood = true;
  const bool ok = s.Members([&](std::string_view key) {
    if (key == "error") {
      if (s.Peek() != 'n') understood = false;  // an error: the full parser reads it
      return s.Skip();
    }
    if (key == "usage") return ReadUsage(s, chunk.usage);
    if (key != "choices") return s.Skip();
    chunk.text.clear();
    chunk.reasoning.clear();
    chunk.tool_call = false;
    chunk.finished = false;
    if (s.Peek() != '[') return s.Skip();
    return s.Elements([&](size_t index) {
      if (index > 0 || s.Peek() != '{') return s.Skip();
      return ReadChoice(s, shape, chunk);
    });
  });
  if (!ok || !understood || !s.AtEnd()) return std::nullopt;
  return chunk;
}

}  // namespace servebench::endpoints
