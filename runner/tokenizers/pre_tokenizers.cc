#include "runner/tokenizers/pre_tokenizers.h"

#include <utility>

#include "runner/tokenizers/pattern.h"

namespace servebench::tokenizers {
namespace {

using Json = nlohmann::json;
using Spans = std::vector<std::pair<size_t, size_t>>;

enum class Behavior { kIsolated, kRemoved, kMergedWithPrevious, kMergedWithNext, kContiguous };

// Splits text around the pattern's matches, keeping what the behavior keeps.
class SplitOn : public PreTokenizer {
 public:
  SplitOn(Pattern pattern, Behavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}

  void Split(std::vector<std::string>& pieces, size_t) const override {
    std::vector<std::string> out;
    thread_local std::vector<std::string_view> views;
    for (const auto& piece : pieces) {
      views.clear();
      Cut(piece, views);
      for (const auto view : views) out.emplace_back(view);
    }
    pieces = std::move(out);
  }

  bool Cut(std::string_view text, std::vector<std::string_view>& out) const override {
    thread_local Spans matches;
    matches.clear();
    pattern_.Matches(text, matches);
    // Segments covering the text: gaps and matches, each flagged "is a delimiter".
    struct Segment {
      size_t begin, end;
      bool delimiter;
    };
    thread_local std::vector<Segment> segments;
    segments.clear();
    size_t at = 0;
    for (const auto& [begin, end] : matches) {
      if (begin > at) segments.push_back({at, begin, invert_});
      segments.push_back({begin, end, !invert_});
      at = end;
    }
    if (at < text.size()) segments.push_back({at, text.size(), invert_});
    // Every behavior keeps contiguous runs of segments: a run grows by extending the last view.
    auto extend = [&out, text](const Segment& s) {
      out.back() = text.substr(out.back().data() - text.data(),
                               s.end - static_cast<size_t>(out.back().data() - text.data()));
    };
    bool merge_next = false;
    for (size_t i = 0; i < segments.size(); ++i) {
      const auto& s = segments[i];
      const std::string_view part = text.substr(s.begin, s.end - s.begin);
      switch (behavior_) {
        case Behavior::kIsolated:
          out.push_back(part);
          break;
        case Behavior::kRemoved:
          if (!s.delimiter) out.push_back(part);
          break;
        case Behavior::kMergedWithPrevious:
          if (s.delimiter && i > 0) {
            extend(s);
          } else {
            out.push_back(part);
          }
          break;
        case Behavior::kMergedWithNext:
          if (merge_next) {
            extend(s);
          } else {
            out.push_back(part);
          }
          merge_next = s.delimiter;
          break;
        case Behavior::kContiguous:
          if (s.delimiter && i > 0 && segments[i - 1].delimiter) {
            extend(s);
          } else {
            out.push_back(part);
          }
          break;
      }
    }
    return true;
  }

 private:
  Pattern pattern_;
  Behavior behavior_;
  bool invert_;
};

// GPT-2's byte-level step. The byte-to-character map itself is not applied (see the header).
class ByteLevel : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, std::shared_ptr<PreTokenizer> gpt2_split)
      : add_prefix_space_(add_prefix_space), gpt2_split_(std::move(gpt2_split)) {}
  void Split(std::vector<std::string>& pieces, size_t section) const override {
    if (add_prefix_space_) {
      for (auto& piece : pieces) {
        if (piece.empty() || piece[0] != ' ') piece.insert(0, " ");
      }
    }
    if (gpt2_split_) gpt2_split_->Split(pieces, section);
  }
  bool Cut(std::string_view text, std::vector<std::string_view>& out) const override {
    if (add_prefix_space_) return false;
    if (gpt2_split_) return gpt2_split_->Cut(text, out);
    out.push_back(text);
    return true;
  }

 private:
  bool add_prefix_space_;
  std::shared_ptr<PreTokenizer> gpt2_split_;
};

class Metaspace : public PreTokenizer {
 public:
  Metaspace(std::string replacement, std::string scheme, bool split)
      : replacement_(std::move(replacement)), scheme_(std::move(scheme)), split_(split) {}
  void Split(std::vector<std::string>& pieces, size_t section) const override {
    std::vector<std::string> out;
    for (auto& piece : pieces) {
      std::string text;
      for (char c : piece) {
        if (c == ' ') {
          text += replacement_;
        } else {
          text += c;
        }
      }
      const bool prepend = scheme_ == "always" || (scheme_ == "first" && section == 0);
      if (prepend && text.compare(0, replacement_.size(), replacement_) != 0) {
        text.insert(0, replacement_);
      }
      if (!split_) {
        out.push_back(std::move(text));
        continue;
      }
      size_t start = 0;  // each piece begins at a replacement character
      for (size_t at = text.find(replacement_, 1); at != std::string::npos;
           at = text.find(replacement_, at + 1)) {
        out.push_back(text.substr(start, at - start));
        start = at;
      }
      out.push_back(text.substr(start));
    }
    pieces = std::move(out);
  }

 private:
  std::string replacement_, scheme_;
  bool split_;
};

class Sequence : public PreTokenizer {
 public:
  explicit Sequence(std::vector<std::shared_ptr<PreTokenizer>> steps) : steps_(std::move(steps)) {}
  void Split(std::vector<std::string>& pieces, size_t section) const override {
    for (const auto& step : steps_) step->Split(pieces, section);
  }
  bool Cut(std::string_view text, std::vector<std::string_view>& out) const override {
    std::vector<std::string_view> pieces{text}, next;  // not thread_local: a step may nest
    for (const auto& step : steps_) {
      next.clear();
      for (const auto piece : pieces) {
        if (!step->Cut(piece, next)) return false;
      }
      std::swap(pieces, next);
    }
    out.insert(out.end(), pieces.begin(), pieces.end());
    return true;
  }

 private:
  std::vector<std::shared_ptr<PreTokenizer>> steps_;
};

base::Expected<Behavior> ReadBehavior(const std::string& name) {
  if (name == "Isolated") return Behavior::kIsolated;
  if (name == "Removed") return Behavior::kRemoved;
  if (name == "MergedWithPrevious") return Behavior::kMergedWithPrevious;
  if (name == "MergedWithNext") return Behavior::kMergedWithNext;
  if (name == "Contiguous") return Behavior::kContiguous;
  return base::MakeError("Split behavior '" + name + "' is not supported");
}

base::Expected<std::shared_ptr<PreTokenizer>> MakeSplit(const Json& pattern, Behavior behavior,
                                                        bool invert) {
  auto compiled = Pattern::FromJson(pattern);
  if (!compiled) return compiled.error();
  return std::shared_ptr<PreTokenizer>(new SplitOn(*compiled, behavior, invert));
}

base::Expected<std::shared_ptr<PreTokenizer>> MakeByteLevel(const Json& config) {
  std::shared_ptr<PreTokenizer> gpt2_split;
  if (config.value("use_regex", true)) {
    const Json gpt2 = {{"Regex",
                        "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|"
                        "\\s+(?!\\S)|\\s+"}};
    auto split = MakeSplit(gpt2, Behavior::kRemoved, true);
    if (!split) return split.error();
    gpt2_split = *split;
  }
  return std::shared_ptr<PreTokenizer>(
      new ByteLevel(config.value("add_prefix_space", false), std::move(gpt2_split)));
}

std::string PrependScheme(const Json& config) {
  if (config.contains("prepend_scheme")) return config.value("prepend_scheme", "always");
  return config.value("add_prefix_space", true) ? "always" : "never";
}

}  // namespace

base::Expected<std::shared_ptr<PreTokenizer>> MakePreTokenizer(const Json& config,
                                                               bool* byte_level) {
  if (config.is_null()) return std::shared_ptr<PreTokenizer>();
  const std::string type = config.value("type", "");
  if (type == "Split") {
    auto behavior = ReadBehavior(config.value("behavior", "Isolated"));
    if (!behavior) return behavior.error();
    return MakeSplit(config.value("pattern", Json::object()), *behavior,
                     config.value("invert", false));
  }
  if (type == "ByteLevel") {
    *byte_level = true;
    return MakeByteLevel(config);
  }
  if (type == "Metaspace") {
    return std::shared_ptr<PreTokenizer>(new Metaspace(config.value("replacement", "\xE2\x96\x81"),
                                                       PrependScheme(config),
                                                       config.value("split", true)));
  }
  if (type == "Digits") {
    const Json digits = {
        {"Regex", config.value("individual_digits", false) ? "\\p{N}" : "\\p{N}+"}};
    return MakeSplit(digits, Behavior::kIsolated, false);
  }
  if (type == "Sequence") {
    std::vector<std::shared_ptr<PreTokenizer>> steps;
    for (const auto& step : config.value("pretokenizers", Json::array())) {
      if (*byte_level) {
        return base::MakeError("a pre-tokenizer after ByteLevel is not supported");
      }
      auto made = MakePreTokenizer(step, byte_level);
      if (!made) return made.error();
      if (*made) steps.push_back(*made);
    }
    return std::shared_ptr<PreTokenizer>(new Sequence(std::move(steps)));
  }
  return base::MakeError("pre_tokenizer type '" + type +
                         "' is not supported (servebench reads Split, ByteLevel, Metaspace, "
                         "Digits and Sequence)");
}

}  // namespace servebench::tokenizers
