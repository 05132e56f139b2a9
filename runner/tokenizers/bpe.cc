#include "runner/tokenizers/bpe.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <queue>
#include <tuple>

#include "runner/tokenizers/text.h"

namespace servebench::tokenizers {
namespace {

using Json = nlohmann::json;

// GPT-2's byte-to-character map, reversed: code point -> byte (or -1).
std::unordered_map<uint32_t, int> CharToByte() {
  std::unordered_map<uint32_t, int> map;
  uint32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
    map[printable ? static_cast<uint32_t>(b) : next++] = b;
  }
  return map;
}

// A byte-level token's raw bytes; false if it holds a character outside the byte map.
bool ToBytes(std::string_view token, std::string* bytes) {
  static const auto kMap = CharToByte();
  bytes->clear();
  for (size_t at = 0, length = 0; at < token.size(); at += length) {
    const auto it = kMap.find(CodePointAt(token, at, &length));
    if (it == kMap.end()) return false;
    *bytes += static_cast<char>(it->second);
  }
  return true;
}

base::Expected<std::pair<std::string, std::string>> MergeParts(const Json& merge) {
  if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
    return std::pair{merge[0].get<std::string>(), merge[1].get<std::string>()};
  }
  if (merge.is_string()) {
    const std::string text = merge.get<std::string>();
    const size_t space = text.find(' ', 1);
    if (space != std::string::npos) {
      const size_t end = text.find(' ', space + 1);
      return std::pair{text.substr(0, space), text.substr(space + 1, end - space - 1)};
    }
  }
  return base::MakeError("model.merges: cannot read " + merge.dump() +
                         " (write \"left right\" or [\"left\", \"right\"])");
}

constexpr size_t kCachedWordBytes = 256;

// A thread's cache of word -> ids: open addressing over one arena of text and one of ids, so a
// lookup touches a slot and two short runs of memory (prose repeats few distinct words).
class WordCache {
 public:
  static uint64_t Hash(std::string_view word) {
    uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
    for (unsigned char c : word) h = (h ^ c) * 0x100000001b3ull;
    return h | 1;  // 0 marks a free slot
  }
  // The cached ids of word, or false.
  bool Find(std::string_view word, uint64_t hash, std::vector<int>& out) const {
    for (size_t i = hash & kMask;; i = (i + 1) & kMask) {
      const Slot& s = slots_[i];
      if (s.hash == 0) return false;
      if (s.hash == hash && s.length == word.size() &&
          std::memcmp(text_.data() + s.text, word.data(), word.size()) == 0) {
        out.insert(out.end(), ids_.begin() + s.ids, ids_.begin() + s.ids + s.count);
        return true;
      }
    }
  }
  void Insert(std::string_view word, uint64_t hash, const int* ids, size_t count) {
    if (used_ >= kSlots / 2) Clear();
    size_t i = hash & kMask;
    while (slots_[i].hash != 0) i = (i + 1) & kMask;
    slots_[i] = {hash, static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(word.size()),
                 static_cast<uint32_t>(ids_.size()), static_cast<uint32_t>(count)};
    text_.append(word);
    ids_.insert(ids_.end(), ids, ids + count);
    ++used_;
  }
  void Clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    text_.clear();
    ids_.clear();
    used_ = 0;
  }
  uint64_t owner = 0;  // the serial of the model whose words these are

 private:
  static constexpr size_t kSlots = 1 << 17, kMask = kSlots - 1;
  struct Slot {
    uint64_t hash = 0;
    uint32_t text = 0, length = 0, ids = 0, count = 0;
  };
  std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
  std::string text_;
  std::vector<int> ids_;
  size_t used_ = 0;
};

}  // namespace

base::Expected<std::unique_ptr<Bpe>> Bpe::Load(const Json& model, bool byte_level) {
  const std::string type = model.value("type", "BPE");
  if (type != "BPE") {
    return base::MakeError("model type '" + type + "' is not supported (servebench reads BPE)");
  }
  for (const char* affix : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    if (model.contains(affix) && model[affix].is_string() &&
        !model[affix].get<std::string>().empty()) {
      return base::MakeError(std::string("model.") + affix + " is not supported");
    }
  }
  if (model.contains("dropout") && model["dropout"].is_number() && model["dropout"] != 0) {
    return base::MakeError("model.dropout is not supported (it makes encoding random)");
  }
  if (!model.contains("vocab") || !model["vocab"].is_object()) {
    return base::MakeError("model.vocab: missing or not an object");
  }
  std::unique_ptr<Bpe> bpe(new Bpe());
  static std::atomic<uint64_t> serials{0};
  bpe->serial_ = ++serials;
  bpe->byte_level_ = byte_level;
  bpe->byte_fallback_ = model.value("byte_fallback", false);
  bpe->fuse_unk_ = model.value("fuse_unk", false);
  bpe->ignore_merges_ = model.value("ignore_merges", false);
  std::string bytes;
  for (const auto& [text, id] : model["vocab"].items()) {
    // Ids are dense in real files; one far past the vocabulary's size is an error, not a
    // gigabyte-sized table.
    const int64_t most = static_cast<int64_t>(model["vocab"].size()) + 1'000'000;
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= most) {
      return base::MakeError("model.vocab: '" + text + "' has no valid id (0 to " +
                             std::to_string(most - 1) + ")");
    }
    const int index = id.get<int>();
    std::string token = text;
    if (byte_level && ToBytes(text, &bytes)) token = bytes;
    if (static_cast<size_t>(index) >= bpe->tokens_.size()) bpe->tokens_.resize(index + 1);
    bpe->tokens_[index] = token;
    bpe->ids_.emplace(std::move(token), index);
  }
  const Json merges = model.value("merges", Json::array());
  uint64_t rank = 0;
  for (const auto& merge : merges) {
    auto parts = MergeParts(merge);
    if (!parts) return parts.error();
    auto [left, right] = *parts;
    if (byte_level && ToBytes(left, &bytes)) left = bytes;
    if (byte_level && ToBytes(right, &bytes)) right = bytes;
    const int a = bpe->Find(left), b = bpe->Find(right), merged = bpe->Find(left + right);
    if (a >= 0 && b >= 0 && merged >= 0) {
      const uint64_t key = static_cast<uint64_t>(a) << 32 | static_cast<uint32_t>(b);
      bpe->merges_.emplace(key, rank << 32 | static_cast<uint32_t>(merged));
    }
    ++rank;
  }
  if (model.contains("unk_token") && model["unk_token"].is_string()) {
    bpe->unk_ = bpe->Find(model["unk_token"].get<std::string>());
  }
  for (int b = 0; b < 256; ++b) bpe->byte_ids_[b] = bpe->Find(std::string(1, static_cast<char>(b)));
  return bpe;
}

int Bpe::Find(std::string_view token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? -1 : it->second;
}

const std::string& Bpe::Token(int id) const {
  static const std::string kNone;
  return id >= 0 && id < size() ? tokens_[id] : kNone;
}

void Bpe::EncodeWord(std::string_view word, std::vector<int>& out) const {
  if (word.empty()) return;
  if (word.size() > kCachedWordBytes) {
    MergeOrLookUp(word, out);
    return;
  }
  thread_local WordCache cache;
  if (cache.owner != serial_) {
    cache.Clear();
    cache.owner = serial_;
  }
  const uint64_t hash = WordCache::Hash(word);
  if (cache.Find(word, hash, out)) return;
  const size_t before = out.size();
  MergeOrLookUp(word, out);
  cache.Insert(word, hash, out.data() + before, out.size() - before);
}

// ignore_merges: a word the vocabulary holds whole is that one token.
void Bpe::MergeOrLookUp(std::string_view word, std::vector<int>& out) const {
  if (ignore_merges_) {
    if (const int id = Find(word); id >= 0) {
      out.push_back(id);
      return;
    }
  }
  Merge(word, out);
}

// The word's starting symbols: one per byte (byte-level) or per character, a character outside
// the vocabulary becoming its <0xAB> byte tokens (byte_fallback) or the unknown token (-1 when
// there is none, which drops it).
void Bpe::AddSymbols(std::string_view word, std::vector<int>& ids) const {
  if (byte_level_) {
    for (unsigned char b : word) ids.push_back(byte_ids_[b] >= 0 ? byte_ids_[b] : unk_);
    return;
  }
  for (size_t at = 0, length = 0; at < word.size(); at += length) {
    CodePointAt(word, at, &length);
    const std::string_view character = word.substr(at, length);
    if (const int id = Find(character); id >= 0) {
      ids.push_back(id);
      continue;
    }
    bool fell_back = byte_fallback_;
    std::vector<int> byte_tokens;
    for (unsigned char b : character) {
      char name[8];
      std::snprintf(name, sizeof(name), "<0x%02X>", b);
      const int id = fell_back ? Find(name) : -1;
      fell_back = fell_back && id >= 0;
      byte_tokens.push_back(id);
    }
    if (fell_back) {
      ids.insert(ids.end(), byte_tokens.begin(), byte_tokens.end());
    } else if (!(fuse_unk_ && !ids.empty() && ids.back() == unk_ && unk_ >= 0)) {
      ids.push_back(unk_);
    }
  }
}

// Applies merges lowest rank first, leftmost first among equal ranks.
void Bpe::Merge(std::string_view word, std::vector<int>& out) const {
  struct Symbol {
    int id, prev, next;
  };
  std::vector<int> start;
  AddSymbols(word, start);
  std::vector<Symbol> symbols(start.size());
  for (size_t i = 0; i < start.size(); ++i) {
    symbols[i] = {start[i], static_cast<int>(i) - 1,
                  i + 1 < start.size() ? static_cast<int>(i) + 1 : -1};
  }
  using Candidate = std::tuple<uint32_t, int, int, int, int>;  // rank, pos, left, right, merged
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
  auto consider = [&](int pos) {
    if (pos < 0) return;
    const int next = symbols[pos].next;
    if (next < 0 || symbols[pos].id < 0 || symbols[next].id < 0) return;
    const uint64_t key =
        static_cast<uint64_t>(symbols[pos].id) << 32 | static_cast<uint32_t>(symbols[next].id);
    const auto it = merges_.find(key);
    if (it == merges_.end()) return;
    queue.emplace(static_cast<uint32_t>(it->second >> 32), pos, symbols[pos].id, symbols[next].id,
                  static_cast<int>(it->second & 0xFFFFFFFF));
  };
  for (size_t i = 0; i + 1 < symbols.size(); ++i) consider(static_cast<int>(i));
  constexpr int kGone = -2;
  while (!queue.empty()) {
    const auto [rank, pos, left, right, merged] = queue.top();
    queue.pop();
    Symbol& s = symbols[pos];
    if (s.id != left || s.next < 0 || symbols[s.next].id != right) continue;  // stale
    Symbol& gone = symbols[s.next];
    s.id = merged;
    s.next = gone.next;
    if (gone.next >= 0) symbols[gone.next].prev = pos;
    gone.id = kGone;
    consider(s.prev);
    consider(pos);
  }
  for (const auto& s : symbols) {
    if (s.id != kGone && s.id >= 0) out.push_back(s.id);
  }
}

}  // namespace servebench::tokenizers
