#include "runner/inputs/hash_prompts.h"

#include "runner/base/rng.h"

namespace servebench::inputs {
namespace {

constexpr int kLetterWords = 26 * 26 * 26;

// " abc" for index 0..26^3-1: four bytes, one estimated token.
void AppendLetterWord(int index, std::string& out) {
  out += ' ';
  out += static_cast<char>('a' + index / (26 * 26));
  out += static_cast<char>('a' + (index / 26) % 26);
  out += static_cast<char>('a' + index % 26);
}

}  // namespace

BlockPrompts::BlockPrompts(const Tokenizer* tokenizer, int64_t block_tokens, uint64_t seed)
    : tokenizer_(tokenizer), block_(block_tokens), seed_(seed) {
  if (tokenizer_ == nullptr) return;
  words_ = tokenizer_->WholeWordIds();
}

std::vector<int> BlockPrompts::Draw(uint64_t key, int64_t count) const {
  std::vector<int> tokens;
  tokens.reserve(static_cast<size_t>(count));
  const uint64_t choices = tokenizer_ ? words_.size() : kLetterWords;
  for (int64_t i = 0; i < count; ++i) {
    const auto pick =
        static_cast<size_t>(base::HashOf(seed_ ^ key, static_cast<uint64_t>(i)) % choices);
    tokens.push_back(tokenizer_ ? words_[pick] : static_cast<int>(pick));
  }
  return tokens;
}

const std::vector<int>& BlockPrompts::Block(int64_t hash_id) {
  auto [it, fresh] = blocks_.try_emplace(hash_id);
  if (fresh) it->second = Draw(base::Mix64(static_cast<uint64_t>(hash_id)), block_);
  return it->second;
}

std::string BlockPrompts::Render(const std::vector<int>& tokens) const {
  if (tokenizer_) return tokenizer_->Decode(tokens);
  std::string text;
  text.reserve(tokens.size() * 4);
  for (int t : tokens) AppendLetterWord(t, text);
  return text;
}

std::string BlockPrompts::Text(const std::vector<int64_t>& hash_ids, int64_t length) {
  std::vector<int> tokens;
  tokens.reserve(static_cast<size_t>(length));
  for (int64_t id : hash_ids) {
    const std::vector<int>& block = Block(id);
    const auto take = std::min<int64_t>(block_, length - static_cast<int64_t>(tokens.size()));
    tokens.insert(tokens.end(), block.begin(), block.begin() + take);
  }
  return Render(tokens);
}

std::string BlockPrompts::Unique(uint64_t row, int64_t length) {
  return Render(Draw(base::HashOf(0x0a1e, row), length));
}

}  // namespace servebench::inputs
