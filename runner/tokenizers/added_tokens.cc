#include "runner/tokenizers/added_tokens.h"

#include <unicode/uchar.h>

#include "runner/tokenizers/text.h"

namespace servebench::tokenizers {

void AddedTokens::Add(std::string_view content, int id, const AddedToken& token) {
  if (content.empty()) return;
  starts_[static_cast<unsigned char>(content[0])] = true;
  int node = 0;
  for (unsigned char c : content) {
    const uint64_t key = static_cast<uint64_t>(node) << 8 | c;
    auto it = edges_.find(key);
    if (it == edges_.end()) {
      it = edges_.emplace(key, static_cast<int>(node_ids_.size())).first;
      node_ids_.push_back(-1);
    }
    node = it->second;
  }
  node_ids_[node] = id;
  tokens_[id] = token;
}

size_t AddedTokens::Longest(std::string_view text, size_t at, int* id) const {
  size_t best = 0;
  int node = 0;
  for (size_t i = at; i < text.size(); ++i) {
    const auto it =
        edges_.find(static_cast<uint64_t>(node) << 8 | static_cast<unsigned char>(text[i]));
    if (it == edges_.end()) break;
    node = it->second;
    if (node_ids_[node] >= 0) {
      best = i + 1 - at;
      *id = node_ids_[node];
    }
  }
  return best;
}

// For a single_word token: no letter or digit just before or just after the match.
bool AddedTokens::StandsAlone(std::string_view text, size_t at, size_t length) const {
  size_t size = 0;
  if (at + length < text.size() && u_isalnum(CodePointAt(text, at + length, &size))) return false;
  if (at == 0) return true;
  size_t start = at - 1;
  while (start > 0 && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80) --start;
  return !u_isalnum(CodePointAt(text, start, &size));
}

std::vector<Section> AddedTokens::Split(std::string_view text) const {
  std::vector<Section> sections;
  size_t start = 0;
  for (size_t at = 0; at < text.size();) {
    int id = -1;
    size_t length = starts_[static_cast<unsigned char>(text[at])] ? Longest(text, at, &id) : 0;
    if (length > 0 && tokens_.at(id).single_word && !StandsAlone(text, at, length)) length = 0;
    if (length == 0) {
      ++at;
      continue;
    }
    if (at > start) sections.push_back({std::string(text.substr(start, at - start)), -1});
    sections.push_back({"", id});
    at += length;
    start = at;
  }
  if (start < text.size()) sections.push_back({std::string(text.substr(start)), -1});
  for (size_t i = 0; i < sections.size(); ++i) {
    if (sections[i].id < 0) continue;
    const AddedToken& token = tokens_.at(sections[i].id);
    if (token.lstrip && i > 0 && sections[i - 1].id < 0) {
      sections[i - 1].text = std::string(TrimEnd(sections[i - 1].text));
    }
    if (token.rstrip && i + 1 < sections.size() && sections[i + 1].id < 0) {
      sections[i + 1].text = std::string(TrimStart(sections[i + 1].text));
    }
  }
  return sections;
}

}  // namespace servebench::tokenizers
