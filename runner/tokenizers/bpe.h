// The BPE model of a tokenizer.json: vocabulary, ranked merges, unknown-token and byte-fallback
// handling. With a byte-level pre-tokenizer, tokens are held as raw bytes (GPT-2's byte-to-
// character map undone at load), so words are merged from their bytes directly.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::tokenizers {

class Bpe {
 public:
  static base::Expected<std::unique_ptr<Bpe>> Load(const nlohmann::json& model, bool byte_level);
  // Appends the ids of one pre-tokenized word; results of short words are cached per thread.
  void EncodeWord(std::string_view word, std::vector<int>& out) const;
  int Find(std::string_view token) const;  // -1 when absent
  // The token's text (raw bytes for byte-level vocabularies); "" for an id it does not hold.
  const std::string& Token(int id) const;
  int size() const { return static_cast<int>(tokens_.size()); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  Bpe() = default;
  void Merge(std::string_view word, std::vector<int>& out) const;
  void MergeOrLookUp(std::string_view word, std::vector<int>& out) const;
  void AddSymbols(std::string_view word, std::vector<int>& ids) const;

  std::unordered_map<std::string, int, Hash, std::equal_to<>> ids_;
  std::vector<std::string> tokens_;
  std::unordered_map<uint64_t, uint64_t> merges_;  // (left << 32 | right) -> (rank << 32 | id)
  int byte_ids_[256];                              // byte-level: the id of each single byte
  int unk_ = -1;
  bool byte_level_ = false, byte_fallback_ = false, fuse_unk_ = false, ignore_merges_ = false;
  uint64_t serial_ = 0;  // names this model's per-thread cache
};

}  // namespace servebench::tokenizers
