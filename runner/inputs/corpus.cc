#include "runner/inputs/corpus.h"

#include <array>
#include <cmath>
#include <mutex>
#include <vector>

#include "runner/base/rng.h"

namespace servebench::inputs {
namespace {

std::vector<std::string> MakeVocabulary(uint64_t seed, size_t size) {
  static constexpr std::array<const char*, 20> kOnsets = {"b", "c", "d",  "f",  "g",  "h", "k",
                                                          "l", "m", "n",  "p",  "r",  "s", "t",
                                                          "v", "w", "br", "st", "tr", "sh"};
  static constexpr std::array<const char*, 10> kNuclei = {"a",  "e",  "i",  "o",  "u",
                                                          "ea", "ou", "ai", "io", "y"};
  static constexpr std::array<const char*, 8> kCodas = {"", "", "n", "r", "s", "t", "l", "nd"};
  std::vector<std::string> words;
  words.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    uint64_t h = base::HashOf(seed, i);
    std::string word;
    const int syllables = 1 + static_cast<int>(h % 3) + (h % 7 == 0 ? 1 : 0);
    for (int s = 0; s < syllables; ++s) {
      h = base::Mix64(h);
      word += kOnsets[h % kOnsets.size()];
      word += kNuclei[(h >> 8) % kNuclei.size()];
      if (s + 1 == syllables) word += kCodas[(h >> 16) % kCodas.size()];
    }
    words.push_back(std::move(word));
  }
  return words;
}

std::string Generate(size_t bytes, uint64_t seed) {
  const std::vector<std::string> vocabulary = MakeVocabulary(seed, 4000);
  base::Rng rng(seed);
  std::string text;
  text.reserve(bytes + 200);
  while (text.size() < bytes) {
    const int words = 5 + static_cast<int>(rng.Uniform() * 14);
    for (int w = 0; w < words; ++w) {
      // Zipf-like: small indices are common, as in natural text.
      const auto index = static_cast<size_t>(std::pow(vocabulary.size(), rng.Uniform())) - 1;
      std::string word = vocabulary[index];
      if (w == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');
      text += word;
      text +=
          (w + 1 == words) ? (rng.Uniform() < 0.15 ? "?" : ".") : (rng.Uniform() < 0.08 ? "," : "");
      text += ' ';
    }
    if (rng.Uniform() < 0.1) text.back() = '\n';
  }
  return text;
}

}  // namespace

// The cases of a suite ask for the same corpus again and again, and making it costs more than a
// small case's whole run: the last one made is kept.
std::string GenerateCorpus(size_t bytes, uint64_t seed) {
  static std::mutex mutex;
  static size_t last_bytes = 0;
  static uint64_t last_seed = 0;
  static std::string last;
  const std::lock_guard lock(mutex);
  if (last.empty() || last_bytes != bytes || last_seed != seed) {
    last = Generate(bytes, seed);
    last_bytes = bytes;
    last_seed = seed;
  }
  return last;
}

}  // namespace servebench::inputs
