// The tokenizer.json reader on hand-written files (exact ids worked out by hand) and on toy
// tokenizers trained from scratch (tests/support/toy_bpe.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runner/inputs/corpus.h"
#include "runner/tokenizers/tokenizer.h"
#include "tests/support/run_command.h"
#include "tests/support/toy_bpe.h"

namespace servebench::tokenizers {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using Ids = std::vector<int>;

struct Folder {
  fs::path dir = testing::FreshTempDir("sb-hf");
  ~Folder() { fs::remove_all(dir); }
};

// A tokenizer.json with the given parts (null ones left out) and a BPE model.
std::shared_ptr<Tokenizer> Make(const Folder& f, const Json& vocab, const Json& merges,
                                const Json& pre_tokenizer = nullptr,
                                const Json& added = Json::array(), bool ignore_merges = false) {
  const Json file = {
      {"normalizer", nullptr},
      {"pre_tokenizer", pre_tokenizer},
      {"added_tokens", added},
      {"decoder", nullptr},
      {"model",
       {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}, {"ignore_merges", ignore_merges}}}};
  std::ofstream(f.dir / "tokenizer.json") << file.dump();
  auto loaded = Tokenizer::Load((f.dir / "tokenizer.json").string());
  if (!loaded) ADD_FAILURE() << loaded.error().message;
  return loaded ? *loaded : nullptr;
}

TEST(HfTokenizer, MergesApplyLowestRankFirstAndLeftmostAmongEqualRanks) {
  Folder f;
  const Json vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"bc", 4}, {"abc", 5}};
  auto t = Make(f, vocab, {"b c", "a b", "ab c"});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->Encode("abc"), (Ids{0, 4}));  // "b c" ranks first, and "a bc" is no merge
  EXPECT_EQ(t->Encode("abab"), (Ids{3, 3}));
  EXPECT_EQ(t->Encode("bcbc"), (Ids{4, 4}));
  auto ranked = Make(f, vocab, {"a b", "b c", "ab c"});
  EXPECT_EQ(ranked->Encode("abc"), (Ids{5}));
  EXPECT_EQ(ranked->Encode("abcx"), (Ids{5}));  // x: not in the vocabulary, no unk token: dropped
}

TEST(HfTokenizer, SplitBehaviorsCutTheTextAsNamed) {
  Folder f;
  const Json vocab = {{"a", 0}, {"b", 1}, {" ", 2}, {"a ", 3}, {" b", 4}};
  const std::vector<std::pair<std::string, Ids>> cases = {{"Isolated", {0, 2, 1}},
                                                          {"MergedWithPrevious", {3, 1}},
                                                          {"MergedWithNext", {0, 4}},
                                                          {"Removed", {0, 1}}};
  for (const auto& [behavior, ids] : cases) {
    const Json split = {{"type", "Split"},
                        {"pattern", {{"String", " "}}},
                        {"behavior", behavior},
                        {"invert", false}};
    auto t = Make(f, vocab, Json::array(), split, Json::array(), true);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->Encode("a b"), ids) << behavior;
  }
}

TEST(HfTokenizer, AddedTokensMatchLongestFirstAndStripTheirNeighbours) {
  Folder f;
  const Json vocab = {{"a", 0}, {" ", 1}, {"<", 2}, {"x", 3}, {">", 4}};
  const Json added = {{{"id", 5}, {"content", "<x>"}, {"special", true}, {"lstrip", true}},
                      {{"id", 6}, {"content", "<x>>"}, {"special", true}}};
  auto t = Make(f, vocab, Json::array(), nullptr, added);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->Encode("a <x>a"), (Ids{0, 5, 0}));  // lstrip took the space before <x>
  EXPECT_EQ(t->Encode("a<x>>"), (Ids{0, 6}));      // the longest added token wins
  EXPECT_EQ(t->Encode("<x"), (Ids{2, 3}));
  EXPECT_EQ(t->Decode({0, 5, 0}), "a <x> a");  // no decoder: joined with spaces

  // single_word: only where no letter or digit touches it (as Hugging Face's Rust library).
  const Json alone = {{{"id", 5}, {"content", "x"}, {"special", true}, {"single_word", true}}};
  auto word = Make(f, vocab, Json::array(), nullptr, alone);
  EXPECT_EQ(word->Encode("a x<"), (Ids{0, 1, 5, 2}));
  EXPECT_EQ(word->Encode("ax"), (Ids{0, 3}));
}

TEST(HfTokenizer, AnUnsupportedComponentIsAnErrorNamingIt) {
  Folder f;
  const std::vector<std::pair<Json, std::string>> cases = {
      {{{"normalizer", {{"type", "BertNormalizer"}}}}, "normalizer type 'BertNormalizer'"},
      {{{"pre_tokenizer", {{"type", "Whitespace"}}}}, "pre_tokenizer type 'Whitespace'"},
      {{{"decoder", {{"type", "WordPiece"}}}}, "decoder type 'WordPiece'"},
      {{{"model", {{"type", "Unigram"}}}}, "model type 'Unigram'"},
      {{{"pre_tokenizer", {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}}}},
       "regex '(unclosed'"},
      {{{"model", {{"type", true}}}}, "a field has the wrong type"}};  // found by the fuzzer
  for (const auto& [part, message] : cases) {
    Json file = {{"model", {{"type", "BPE"}, {"vocab", {{"a", 0}}}, {"merges", Json::array()}}}};
    file.update(part);
    std::ofstream(f.dir / "tokenizer.json") << file.dump();
    auto refused = Tokenizer::Load(f.dir.string());
    ASSERT_FALSE(refused) << message;
    EXPECT_NE(refused.error().message.find(message), std::string::npos) << refused.error().message;
    EXPECT_EQ(refused.error().message.find('\n'), std::string::npos);
  }
}

class ToyTokenizer : public ::testing::TestWithParam<testing::ToyStyle> {
 protected:
  void SetUp() override {
    testing::WriteToyBpe(f.dir, GetParam());
    auto loaded = Tokenizer::Load(f.dir.string());
    ASSERT_TRUE(loaded) << loaded.error().message;
    t = *loaded;
  }
  Folder f;
  std::shared_ptr<Tokenizer> t;
};

TEST_P(ToyTokenizer, TextRoundTripsAndSpecialTokensAreOneId) {
  const std::string corpus = inputs::GenerateCorpus(8 * 1024, 3);
  const Ids ids = t->Encode(corpus);
  EXPECT_LT(ids.size(), corpus.size() / 2);  // the merges compress the text
  EXPECT_EQ(t->Decode(ids), corpus);
  const Ids special = t->Encode("<|bos|>hello<|eot|>");
  ASSERT_GE(special.size(), 3u);
  EXPECT_EQ(t->Decode({special.front()}), "<|bos|>");
  // The text after an added token is a text of its own: sentencepiece-style tokenizers prepend
  // their space to it, as Llama 2's does.
  const bool prepends = GetParam() == testing::ToyStyle::kSentencePiece;
  EXPECT_EQ(t->Decode(special), prepends ? "<|bos|> hello<|eot|>" : "<|bos|>hello<|eot|>");
  // Invalid UTF-8 is read as the reference reads it: U+FFFD for each bad part.
  EXPECT_EQ(t->Decode(t->Encode("ok\xff\xe2\x82 then")), "ok\xEF\xBF\xBD\xEF\xBF\xBD then");
  EXPECT_EQ(t->Decode(t->Encode("price: 12 \xE2\x82\xAC")), "price: 12 \xE2\x82\xAC");  // €
}

TEST_P(ToyTokenizer, WholeWordsRetokenizeToThemselves) {
  const Ids words = t->WholeWordIds();
  ASSERT_GT(words.size(), 20u);
  Ids sequence;
  std::string text;
  for (size_t i = 0; i < 200; ++i) {
    const int id = words[(i * 7919) % words.size()];
    std::string word = t->WordText(id);
    ASSERT_EQ(word[0], ' ');
    if (i == 0 && t->ImpliesLeadingSpace()) word.erase(0, 1);
    text += word;
    sequence.push_back(id);
  }
  EXPECT_EQ(t->Encode(text), sequence) << text;
  EXPECT_EQ(t->ImpliesLeadingSpace(), GetParam() == testing::ToyStyle::kSentencePiece);
}

INSTANTIATE_TEST_SUITE_P(Styles, ToyTokenizer,
                         ::testing::Values(testing::ToyStyle::kByteLevel,
                                           testing::ToyStyle::kSentencePiece));

}  // namespace
}  // namespace servebench::tokenizers
