#include "runner/tokenizers/hf_tokenizer.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "runner/base/json.h"
#include "runner/tokenizers/added_tokens.h"
#include "runner/tokenizers/bpe.h"
#include "runner/tokenizers/decoders.h"
#include "runner/tokenizers/normalizers.h"
#include "runner/tokenizers/pre_tokenizers.h"
#include "runner/tokenizers/text.h"

namespace servebench::tokenizers {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr size_t kMostWholeWords = 20'000;  // plenty of variety, bounded start-up time

class HfTokenizer : public Tokenizer {
 public:
  std::vector<int> Encode(std::string_view input) const override {
    const std::string text = ValidUtf8(input);
    std::vector<int> ids;
    const auto sections = raw_added_.Split(text);
    for (size_t i = 0; i < sections.size(); ++i) {
      if (sections[i].id >= 0) {
        ids.push_back(sections[i].id);
        continue;
      }
      if (sections[i].text.empty()) continue;
      std::string normal = sections[i].text;
      if (normalizer_) normalizer_->Apply(normal);
      if (normal.empty()) continue;
      for (const auto& part : normalized_added_.Split(normal)) {
        if (part.id >= 0) {
          ids.push_back(part.id);
        } else if (!part.text.empty()) {
          EncodePlain(part.text, i, ids);
        }
      }
    }
    return ids;
  }

  std::string Decode(const std::vector<int>& ids) const override {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int id : ids) {
      const auto added = added_content_.find(id);
      if (added != added_content_.end()) {
        tokens.push_back(added->second);
      } else if (!bpe_->Token(id).empty()) {
        tokens.push_back(bpe_->Token(id));
      }
    }
    std::string text;
    if (decoder_) {
      decoder_->Apply(tokens);
      for (const auto& token : tokens) text += token;
    } else {
      for (size_t i = 0; i < tokens.size(); ++i) text += (i ? " " : "") + tokens[i];
    }
    return ValidUtf8(text);
  }

  std::vector<int> WholeWordIds() const override {
    std::vector<int> ids;
    for (int id = 0; id < bpe_->size() && ids.size() < kMostWholeWords; ++id) {
      if (added_content_.count(id)) continue;
      const std::string word = WordText(id);
      if (word.size() < 2 || word[0] != ' ') continue;
      if (!std::all_of(word.begin() + 1, word.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); })) {
        continue;
      }
      const std::string first = leading_space_implied_ ? word.substr(1) : word;
      if (Encode(first + word) == std::vector<int>{id, id}) ids.push_back(id);
    }
    return ids;
  }

  std::string WordText(int id) const override {
    std::string text = bpe_->Token(id);
    if (byte_level_) return text;
    for (size_t at = text.find(kMetaspace); at != std::string::npos;
         at = text.find(kMetaspace, at + 1)) {
      text.replace(at, kMetaspace.size(), " ");
    }
    return text;
  }

  bool ImpliesLeadingSpace() const override { return leading_space_implied_; }
  int ServerPrefixTokens() const override { return adds_bos_ ? 1 : 0; }

 private:
  friend base::Expected<std::shared_ptr<Tokenizer>> Build(const Json&, const Json&);
  static constexpr std::string_view kMetaspace = "\xE2\x96\x81";

  void EncodePlain(const std::string& text, size_t section, std::vector<int>& ids) const {
    if (!pre_tokenizer_) {
      bpe_->EncodeWord(text, ids);
      return;
    }
    thread_local std::vector<std::string_view> views;
    views.clear();
    if (pre_tokenizer_->Cut(text, views)) {
      for (const auto view : views) bpe_->EncodeWord(view, ids);
      return;
    }
    thread_local std::vector<std::string> pieces;
    pieces.assign(1, text);
    if (pre_tokenizer_) pre_tokenizer_->Split(pieces, section);
    for (const auto& piece : pieces) bpe_->EncodeWord(piece, ids);
  }

  std::shared_ptr<Normalizer> normalizer_;
  std::shared_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<Bpe> bpe_;
  std::shared_ptr<Decoder> decoder_;
  AddedTokens raw_added_, normalized_added_;
  std::unordered_map<int, std::string> added_content_;
  bool byte_level_ = false;
  bool leading_space_implied_ = false;
  bool adds_bos_ = false;
};

// tokenizer_config.json's bos_token: a string, or an AddedToken object with "content".
std::string BosToken(const Json& config) {
  const Json bos = config.value("bos_token", Json());
  if (bos.is_string()) return bos.get<std::string>();
  if (bos.is_object() && bos.contains("content") && bos["content"].is_string()) {
    return bos["content"].get<std::string>();
  }
  return "";
}

base::Expected<Json> ReadJson(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return base::MakeError(path.string() + ": cannot read the file");
  Json json = base::ParseJson<Json>(in);
  if (json.is_discarded() || !json.is_object()) {
    return base::MakeError(path.string() + ": not a JSON object");
  }
  return json;
}

base::Expected<std::shared_ptr<Tokenizer>> Build(const Json& file, const Json& config) {
  auto t = std::make_shared<HfTokenizer>();
  auto normalizer = MakeNormalizer(file.value("normalizer", Json()));
  if (!normalizer) return normalizer.error();
  t->normalizer_ = *normalizer;
  auto pre_tokenizer = MakePreTokenizer(file.value("pre_tokenizer", Json()), &t->byte_level_);
  if (!pre_tokenizer) return pre_tokenizer.error();
  t->pre_tokenizer_ = *pre_tokenizer;
  auto bpe = Bpe::Load(file.value("model", Json::object()), t->byte_level_);
  if (!bpe) return bpe.error();
  t->bpe_ = std::move(*bpe);
  auto decoder = MakeDecoder(file.value("decoder", Json()));
  if (!decoder) return decoder.error();
  t->decoder_ = *decoder;
  for (const auto& added : file.value("added_tokens", Json::array())) {
    if (!added.is_object() || !added.contains("id") || !added["id"].is_number_integer() ||
        !added.contains("content") || !added["content"].is_string()) {
      return base::MakeError("added_tokens: cannot read " + added.dump().substr(0, 80));
    }
    const int id = added["id"].get<int>();
    AddedToken token{added["content"].get<std::string>(), added.value("lstrip", false),
                     added.value("rstrip", false), added.value("single_word", false)};
    t->added_content_[id] = token.content;
    const bool special = added.value("special", false);
    if (added.value("normalized", !special) && t->normalizer_) {
      std::string normal = token.content;
      t->normalizer_->Apply(normal);
      t->normalized_added_.Add(normal, id, token);
    } else {
      t->raw_added_.Add(token.content, id, token);
    }
  }
  const std::string bos = BosToken(config);
  const bool add_bos = config.contains("add_bos_token") && config["add_bos_token"].is_boolean() &&
                       config["add_bos_token"].get<bool>();
  t->adds_bos_ = add_bos && !bos.empty() && t->Encode(bos).size() == 1;
  const std::vector<int> probe = t->Encode("hello");
  t->leading_space_implied_ = !probe.empty() && t->WordText(probe[0]).starts_with(' ');
  return std::shared_ptr<Tokenizer>(t);
}

}  // namespace

base::Expected<std::shared_ptr<Tokenizer>> LoadHuggingFace(const std::string& path,
                                                           const std::string& spec) {
  const std::string where = "--tokenizer " + spec + ": ";
  auto file = ReadJson(path);
  if (!file) return base::MakeError(where + file.error().message);
  Json config = Json::object();
  const fs::path config_path = fs::path(path).parent_path() / "tokenizer_config.json";
  if (std::error_code error; fs::exists(config_path, error)) {
    auto read = ReadJson(config_path);
    if (!read) return base::MakeError(where + read.error().message);
    config = *read;
  }
  try {
    auto built = Build(*file, config);
    if (!built) return base::MakeError(where + path + ": " + built.error().message);
    return built;
  } catch (const nlohmann::json::exception& e) {
    // A field of the wrong JSON type ("type": true): named by the library's message.
    return base::MakeError(where + path + ": a field has the wrong type (" + e.what() + ")");
  }
}

}  // namespace servebench::tokenizers
