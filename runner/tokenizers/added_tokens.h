// tokenizer.json "added_tokens": found in the text before the model sees it, longest match at
// the leftmost position, as the reference implementations split them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace servebench::tokenizers {

struct Section {
  std::string text;  // the text between added tokens (empty for an added token)
  int id = -1;       // the added token's id, or -1 for text
};

struct AddedToken {
  std::string content;
  bool lstrip = false, rstrip = false;
  bool single_word = false;  // matches only where no letter or digit touches it
};

class AddedTokens {
 public:
  void Add(std::string_view content, int id, const AddedToken& token);
  bool empty() const { return tokens_.empty(); }
  // text cut at each added token; lstrip / rstrip trim the whitespace of the neighbouring text.
  std::vector<Section> Split(std::string_view text) const;

 private:
  // The longest added token starting at text[at]: its length (0: none) and id.
  size_t Longest(std::string_view text, size_t at, int* id) const;
  bool StandsAlone(std::string_view text, size_t at, size_t length) const;

  bool starts_[256] = {};
  std::unordered_map<uint64_t, int> edges_;  // (node << 8 | byte) -> child node
  std::vector<int> node_ids_{-1};            // node -> the id of the token ending there, or -1
  std::unordered_map<int, AddedToken> tokens_;
};

}  // namespace servebench::tokenizers
