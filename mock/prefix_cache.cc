#include "mock/prefix_cache.h"

#include "runner/base/rng.h"

namespace servebench::mock {

PrefixCache::PrefixCache(int64_t capacity_tokens, int64_t block_tokens)
    : capacity_blocks_(static_cast<size_t>(capacity_tokens / block_tokens)), block_(block_tokens) {}

std::vector<uint64_t> PrefixCache::BlockKeys(const std::vector<uint64_t>& tokens) const {
  std::vector<uint64_t> keys;
  uint64_t chain = 0x9f1c;
  const size_t whole = tokens.size() / static_cast<size_t>(block_);
  for (size_t b = 0; b < whole; ++b) {
    for (size_t t = b * block_; t < (b + 1) * block_; ++t) chain = base::HashOf(chain, tokens[t]);
    keys.push_back(chain);
  }
  return keys;
}

int64_t PrefixCache::Admit(const std::vector<uint64_t>& tokens) {
  const std::vector<uint64_t> keys = BlockKeys(tokens);
  std::lock_guard lock(mutex_);
  int64_t cached = 0;
  bool hit = true;
  for (uint64_t key : keys) {
    auto found = blocks_.find(key);
    hit = hit && found != blocks_.end();
    if (hit) cached += block_;
    if (found != blocks_.end()) {
      recent_.splice(recent_.begin(), recent_, found->second);
      continue;
    }
    if (capacity_blocks_ == 0) continue;
    if (blocks_.size() >= capacity_blocks_) {
      blocks_.erase(recent_.back());
      recent_.pop_back();
    }
    recent_.push_front(key);
    blocks_[key] = recent_.begin();
  }
  // A prompt found whole still computes its last block (its last token's logits are needed).
  return cached == static_cast<int64_t>(tokens.size()) ? cached - block_ : cached;
}

}  // namespace servebench::mock
