#include "tests/support/toy_bpe.h"

#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "runner/inputs/corpus.h"

namespace servebench::testing {
namespace {

using Json = nlohmann::json;
using Word = std::vector<std::string>;

const std::string kSpace = "\xE2\x96\x81";  // U+2581

// GPT-2's byte-to-character map.
std::string ByteChar(unsigned char b) {
  static const std::vector<std::string> map = [] {
    std::vector<std::string> chars(256);
    int next = 256;
    for (int c = 0; c < 256; ++c) {
      const bool printable = (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || c >= 0xAE;
      const int code = printable ? c : next++;
      std::string s;
      if (code < 0x80) {
        s += static_cast<char>(code);
      } else {
        s += static_cast<char>(0xC0 | (code >> 6));
        s += static_cast<char>(0x80 | (code & 0x3F));
      }
      chars[c] = s;
    }
    return chars;
  }();
  return map[b];
}

// The corpus's words with their counts, each split into its starting symbols.
std::map<Word, int> Words(const std::string& corpus, ToyStyle style) {
  std::map<Word, int> words;
  size_t start = 0;
  for (size_t i = 1; i <= corpus.size(); ++i) {
    if (i < corpus.size() && corpus[i] != ' ') continue;
    const std::string word = corpus.substr(start, i - start);
    start = i;
    Word symbols;
    if (style == ToyStyle::kByteLevel) {
      for (unsigned char c : word) symbols.push_back(ByteChar(c));
    } else {
      symbols.push_back(kSpace);
      for (char c : word) {
        if (c != ' ') symbols.push_back(std::string(1, c));
      }
    }
    ++words[symbols];
  }
  return words;
}

// Up to `merges` merges, most frequent pair first (ties: the smaller pair, as strings). Symbols
// are numbered so each round counts pairs of ints, not of strings: a training takes a second under
// ASan instead of a minute.
std::vector<std::pair<std::string, std::string>> LearnMerges(const std::map<Word, int>& words,
                                                             int merges) {
  std::vector<std::string> symbols;
  std::map<std::string, int> id_of;
  auto id = [&](const std::string& symbol) {
    const auto [at, fresh] = id_of.try_emplace(symbol, static_cast<int>(symbols.size()));
    if (fresh) symbols.push_back(symbol);
    return at->second;
  };
  std::vector<std::pair<std::vector<int>, int>> sequences;
  for (const auto& [word, count] : words) {
    std::vector<int> ids;
    for (const auto& symbol : word) ids.push_back(id(symbol));
    sequences.emplace_back(std::move(ids), count);
  }
  std::vector<std::pair<std::string, std::string>> learned;
  for (int m = 0; m < merges; ++m) {
    std::unordered_map<uint64_t, int> pairs;
    for (const auto& [ids, count] : sequences) {
      for (size_t i = 0; i + 1 < ids.size(); ++i)
        pairs[uint64_t(uint32_t(ids[i])) << 32 | uint32_t(ids[i + 1])] += count;
    }
    if (pairs.empty()) break;
    uint64_t best = 0;
    int best_count = -1;
    for (const auto& [pair, count] : pairs) {
      const auto as_strings = [&](uint64_t p) {
        return std::tie(symbols[p >> 32], symbols[p & 0xffffffff]);
      };
      if (count > best_count || (count == best_count && as_strings(pair) < as_strings(best))) {
        best = pair;
        best_count = count;
      }
    }
    const int left = static_cast<int>(best >> 32), right = static_cast<int>(best & 0xffffffff);
    learned.emplace_back(symbols[left], symbols[right]);
    const int joined = id(symbols[left] + symbols[right]);
    for (auto& [ids, count] : sequences) {
      std::vector<int> next;
      for (size_t i = 0; i < ids.size(); ++i) {
        const bool match = i + 1 < ids.size() && ids[i] == left && ids[i + 1] == right;
        next.push_back(match ? joined : ids[i]);
        if (match) ++i;
      }
      ids = std::move(next);
    }
  }
  return learned;
}

// Learns the merges and writes the two files.
void TrainToyBpe(const std::filesystem::path& folder, ToyStyle style, int merges) {
  std::map<Word, int> words = Words(inputs::GenerateCorpus(24 * 1024, 7), style);
  Json vocab = Json::object();
  auto add = [&vocab](const std::string& token) {
    if (!vocab.contains(token)) vocab[token] = static_cast<int>(vocab.size());
  };
  if (style == ToyStyle::kByteLevel) {
    for (int b = 0; b < 256; ++b) add(ByteChar(static_cast<unsigned char>(b)));
  } else {
    add("<unk>");
    char name[8];
    for (int b = 0; b < 256; ++b) {
      std::snprintf(name, sizeof(name), "<0x%02X>", b);
      add(name);
    }
    for (const auto& [word, count] : words) {
      for (const auto& s : word) add(s);
    }
  }
  Json merge_list = Json::array();
  for (const auto& [left, right] : LearnMerges(words, merges)) {
    merge_list.push_back(left + " " + right);
    add(left + right);
  }
  const int bos = static_cast<int>(vocab.size());
  Json file = {
      {"version", "1.0"},
      {"added_tokens",
       {{{"id", bos}, {"content", "<|bos|>"}, {"special", true}, {"normalized", false}},
        {{"id", bos + 1}, {"content", "<|eot|>"}, {"special", true}, {"normalized", false}}}},
      {"post_processor", nullptr}};
  if (style == ToyStyle::kByteLevel) {
    file["normalizer"] = {{"type", "NFC"}};
    file["pre_tokenizer"] = {
        {"type", "Sequence"},
        {"pretokenizers",
         {{{"type", "Split"},
           {"pattern",
            {{"Regex",
              "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
              "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}}},
           {"behavior", "Isolated"},
           {"invert", false}},
          {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
    file["model"] = {
        {"type", "BPE"}, {"vocab", vocab}, {"merges", merge_list}, {"ignore_merges", true}};
    file["decoder"] = {{"type", "ByteLevel"}};
  } else {
    file["normalizer"] = {
        {"type", "Sequence"},
        {"normalizers",
         {{{"type", "Prepend"}, {"prepend", kSpace}},
          {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", kSpace}}}}};
    file["pre_tokenizer"] = nullptr;
    file["model"] = {{"type", "BPE"},        {"vocab", vocab},        {"merges", merge_list},
                     {"unk_token", "<unk>"}, {"byte_fallback", true}, {"fuse_unk", true}};
    file["decoder"] = {{"type", "Sequence"},
                       {"decoders",
                        {{{"type", "Replace"}, {"pattern", {{"String", kSpace}}}, {"content", " "}},
                         {{"type", "ByteFallback"}},
                         {{"type", "Fuse"}},
                         {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  }
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "tokenizer.json") << file.dump();
  std::ofstream(folder / "tokenizer_config.json")
      << Json{{"bos_token", "<|bos|>"}, {"add_bos_token", true}}.dump();
}

}  // namespace

// Training takes about a second under ASan, and some twenty test processes would repeat it: each
// style and size is trained once into the build's testdata folder (under a name that changes with
// the trainer) and copied from there. A process trains into a folder of its own and renames it
// into place, so two tests starting together never see half a tokenizer.
void WriteToyBpe(const std::filesystem::path& folder, ToyStyle style, int merges) {
  namespace fs = std::filesystem;
  constexpr const char* kTrainer = "v1";  // bump when the training changes
  const fs::path cache = fs::path(SERVEBENCH_TEST_TOKENIZER).parent_path() /
                         ("toy-bpe-" + std::string(kTrainer) + "-" +
                          (style == ToyStyle::kByteLevel ? "bytelevel" : "sentencepiece") + "-" +
                          std::to_string(merges));
  if (!fs::exists(cache / "tokenizer.json")) {
    const fs::path mine = cache.string() + ".tmp" + std::to_string(getpid());
    TrainToyBpe(mine, style, merges);
    std::error_code taken;  // another process got there first: its copy is the same
    fs::rename(mine, cache, taken);
    if (taken) fs::remove_all(mine);
  }
  fs::create_directories(folder);
  for (const char* name : {"tokenizer.json", "tokenizer_config.json"})
    fs::copy_file(cache / name, folder / name, fs::copy_options::overwrite_existing);
}

}  // namespace servebench::testing
