// The mock's prefix cache (--prefix-cache-tokens), as vLLM's automatic prefix caching behaves:
// a prompt is cut into blocks of --prefix-cache-block tokens, each named by a hash of itself and
// every block before it, so a block is a hit only when the whole prefix up to it was seen. Up to
// the capacity, least recently used blocks first out. Prefill is then paid for the uncached part,
// and usage.prompt_tokens_details.cached_tokens reports the hit.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace servebench::mock {

class PrefixCache {
 public:
  PrefixCache(int64_t capacity_tokens, int64_t block_tokens);
  // The prompt's cached tokens (whole leading blocks seen before; a prompt found whole still
  // computes its last block, as vLLM does); then remembers each of its whole blocks.
  int64_t Admit(const std::vector<uint64_t>& tokens);

 private:
  std::vector<uint64_t> BlockKeys(const std::vector<uint64_t>& tokens) const;

  const size_t capacity_blocks_;
  const int64_t block_;
  std::mutex mutex_;
  std::list<uint64_t> recent_;  // most recently used first
  std::unordered_map<uint64_t, std::list<uint64_t>::iterator> blocks_;
};

}  // namespace servebench::mock
