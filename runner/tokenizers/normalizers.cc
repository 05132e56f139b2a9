#include "runner/tokenizers/normalizers.h"

#include <vector>

#include "runner/tokenizers/pattern.h"
#include "runner/tokenizers/text.h"

namespace servebench::tokenizers {
namespace {

using Json = nlohmann::json;

class UnicodeForm : public Normalizer {
 public:
  explicit UnicodeForm(NormalForm form) : form_(form) {}
  void Apply(std::string& text) const override { text = Normalize(text, form_); }

 private:
  NormalForm form_;
};

class Lower : public Normalizer {
 public:
  void Apply(std::string& text) const override { text = Lowercase(text); }
};

class Prepend : public Normalizer {
 public:
  explicit Prepend(std::string prefix) : prefix_(std::move(prefix)) {}
  void Apply(std::string& text) const override {
    if (!text.empty()) text.insert(0, prefix_);
  }

 private:
  std::string prefix_;
};

class Replace : public Normalizer {
 public:
  Replace(Pattern pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void Apply(std::string& text) const override { text = pattern_.ReplaceAll(text, content_); }

 private:
  Pattern pattern_;
  std::string content_;
};

class Strip : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void Apply(std::string& text) const override {
    std::string_view view = text;
    if (left_) view = TrimStart(view);
    if (right_) view = TrimEnd(view);
    text = std::string(view);
  }

 private:
  bool left_, right_;
};

class Sequence : public Normalizer {
 public:
  explicit Sequence(std::vector<std::shared_ptr<Normalizer>> steps) : steps_(std::move(steps)) {}
  void Apply(std::string& text) const override {
    for (const auto& step : steps_) step->Apply(text);
  }

 private:
  std::vector<std::shared_ptr<Normalizer>> steps_;
};

}  // namespace

base::Expected<std::shared_ptr<Normalizer>> MakeNormalizer(const Json& config) {
  if (config.is_null()) return std::shared_ptr<Normalizer>();
  const std::string type = config.value("type", "");
  if (type == "NFC") return std::shared_ptr<Normalizer>(new UnicodeForm(NormalForm::kNfc));
  if (type == "NFD") return std::shared_ptr<Normalizer>(new UnicodeForm(NormalForm::kNfd));
  if (type == "NFKC") return std::shared_ptr<Normalizer>(new UnicodeForm(NormalForm::kNfkc));
  if (type == "NFKD") return std::shared_ptr<Normalizer>(new UnicodeForm(NormalForm::kNfkd));
  if (type == "Lowercase") return std::shared_ptr<Normalizer>(new Lower());
  if (type == "Prepend") {
    return std::shared_ptr<Normalizer>(new Prepend(config.value("prepend", "")));
  }
  if (type == "Strip") {
    return std::shared_ptr<Normalizer>(
        new Strip(config.value("strip_left", true), config.value("strip_right", true)));
  }
  if (type == "Replace") {
    auto pattern = Pattern::FromJson(config.value("pattern", Json::object()));
    if (!pattern) return pattern.error();
    return std::shared_ptr<Normalizer>(new Replace(*pattern, config.value("content", "")));
  }
  if (type == "Sequence") {
    std::vector<std::shared_ptr<Normalizer>> steps;
    for (const auto& step : config.value("normalizers", Json::array())) {
      auto made = MakeNormalizer(step);
      if (!made) return made.error();
      if (*made) steps.push_back(*made);
    }
    return std::shared_ptr<Normalizer>(new Sequence(std::move(steps)));
  }
  return base::MakeError("normalizer type '" + type +
                         "' is not supported (servebench reads NFC, NFD, NFKC, NFKD, Lowercase, "
                         "Prepend, Replace, Strip and Sequence)");
}

}  // namespace servebench::tokenizers
