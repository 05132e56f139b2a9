#include "runner/tokenizers/decoders.h"

#include "runner/tokenizers/text.h"

namespace servebench::tokenizers {
namespace {

using Json = nlohmann::json;

// Byte-level tokens are held as raw bytes already (see pre_tokenizers.h): nothing to map.
class ByteLevel : public Decoder {
 public:
  void Apply(std::vector<std::string>&) const override {}
};

void ReplaceIn(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

class Replace : public Decoder {
 public:
  Replace(std::string from, std::string to) : from_(std::move(from)), to_(std::move(to)) {}
  void Apply(std::vector<std::string>& tokens) const override {
    for (auto& token : tokens) ReplaceIn(token, from_, to_);
  }

 private:
  std::string from_, to_;
};

class Metaspace : public Decoder {
 public:
  Metaspace(std::string replacement, bool strip_first)
      : replacement_(std::move(replacement)), strip_first_(strip_first) {}
  void Apply(std::vector<std::string>& tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      ReplaceIn(tokens[i], replacement_, " ");
      if (i == 0 && strip_first_ && !tokens[i].empty() && tokens[i][0] == ' ')
        tokens[i].erase(0, 1);
    }
  }

 private:
  std::string replacement_;
  bool strip_first_;
};

// The byte a "<0xAB>" token stands for, or -1.
int ByteToken(const std::string& token) {
  if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return -1;
  int byte = 0;
  for (char c : token.substr(3, 2)) {
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (digit < 0) return -1;
    byte = byte * 16 + digit;
  }
  return byte;
}

// <0xAB> tokens back to bytes: a run of them that forms valid UTF-8 becomes that text, else one
// U+FFFD per byte.
class ByteFallback : public Decoder {
 public:
  void Apply(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    std::string bytes;
    size_t run = 0;
    auto flush = [&] {
      if (run == 0) return;
      if (ValidUtf8(bytes) == bytes) {
        out.push_back(bytes);
      } else {
        for (size_t k = 0; k < run; ++k) out.emplace_back("\xEF\xBF\xBD");
      }
      bytes.clear();
      run = 0;
    };
    for (auto& token : tokens) {
      if (int byte = ByteToken(token); byte >= 0) {
        bytes += static_cast<char>(byte);
        ++run;
        continue;
      }
      flush();
      out.push_back(std::move(token));
    }
    flush();
    tokens = std::move(out);
  }
};

class Fuse : public Decoder {
 public:
  void Apply(std::vector<std::string>& tokens) const override {
    std::string all;
    for (const auto& token : tokens) all += token;
    tokens.assign(1, std::move(all));
  }
};

// Removes up to `start` leading and `stop` trailing copies of `content` from each token.
class Strip : public Decoder {
 public:
  Strip(std::string content, int start, int stop)
      : content_(std::move(content)), start_(start), stop_(stop) {}
  void Apply(std::vector<std::string>& tokens) const override {
    if (content_.empty()) return;
    for (auto& token : tokens) {
      for (int k = 0; k < start_ && token.compare(0, content_.size(), content_) == 0; ++k) {
        token.erase(0, content_.size());
      }
      for (int k = 0; k < stop_ && token.size() >= content_.size() &&
                      token.compare(token.size() - content_.size(), content_.size(), content_) == 0;
           ++k) {
        token.erase(token.size() - content_.size());
      }
    }
  }

 private:
  std::string content_;
  int start_, stop_;
};

class Sequence : public Decoder {
 public:
  explicit Sequence(std::vector<std::shared_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
  void Apply(std::vector<std::string>& tokens) const override {
    for (const auto& step : steps_) step->Apply(tokens);
  }

 private:
  std::vector<std::shared_ptr<Decoder>> steps_;
};

}  // namespace

base::Expected<std::shared_ptr<Decoder>> MakeDecoder(const Json& config) {
  if (config.is_null()) return std::shared_ptr<Decoder>();
  const std::string type = config.value("type", "");
  if (type == "ByteLevel") return std::shared_ptr<Decoder>(new ByteLevel());
  if (type == "ByteFallback") return std::shared_ptr<Decoder>(new ByteFallback());
  if (type == "Fuse") return std::shared_ptr<Decoder>(new Fuse());
  if (type == "Metaspace") {
    const bool strip_first = config.contains("prepend_scheme")
                                 ? config.value("prepend_scheme", "always") != "never"
                                 : config.value("add_prefix_space", true);
    return std::shared_ptr<Decoder>(
        new Metaspace(config.value("replacement", "\xE2\x96\x81"), strip_first));
  }
  if (type == "Replace") {
    const Json pattern = config.value("pattern", Json::object());
    if (!pattern.contains("String") || !pattern["String"].is_string()) {
      return base::MakeError("decoder Replace with a regex pattern is not supported");
    }
    return std::shared_ptr<Decoder>(
        new Replace(pattern["String"].get<std::string>(), config.value("content", "")));
  }
  if (type == "Strip") {
    return std::shared_ptr<Decoder>(
        new Strip(config.value("content", " "), config.value("start", 0), config.value("stop", 0)));
  }
  if (type == "Sequence") {
    std::vector<std::shared_ptr<Decoder>> steps;
    for (const auto& step : config.value("decoders", Json::array())) {
      auto made = MakeDecoder(step);
      if (!made) return made.error();
      if (*made) steps.push_back(*made);
    }
    return std::shared_ptr<Decoder>(new Sequence(std::move(steps)));
  }
  return base::MakeError("decoder type '" + type +
                         "' is not supported (servebench reads ByteLevel, Metaspace, Replace, "
                         "ByteFallback, Fuse, Strip and Sequence)");
}

}  // namespace servebench::tokenizers
