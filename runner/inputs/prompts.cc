#include "runner/inputs/prompts.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "runner/base/rng.h"
#include "runner/inputs/corpus.h"

namespace servebench::inputs {
namespace {

int64_t Draw(base::Rng& rng, int64_t mean, int64_t stddev, int64_t floor) {
  if (stddev <= 0) return std::max(mean, floor);
  return std::max(floor, static_cast<int64_t>(std::llround(rng.Normal(mean, stddev))));
}

// Exactly `tokens` tokens of corpus text after `prefix`, found by adjusting the slice length
// until the tokenizer agrees (decoding and re-encoding can merge pieces at the edges).
bool ExactText(const Tokenizer& tokenizer, const std::vector<int>& ids, base::Rng& rng,
               const std::string& prefix, int64_t tokens, std::string* out) {
  const int64_t prefix_tokens = prefix.empty() ? 0 : tokenizer.Count(prefix);
  const int64_t first_want = std::max<int64_t>(1, tokens - prefix_tokens);
  // The caller's corpus holds at least `tokens` + 128 ids; a slice never runs past its end,
  // even when the tokenizer's decode and encode disagree wildly (a server answering "").
  if (static_cast<int64_t>(ids.size()) < first_want + 64) return false;
  for (int attempt = 0; attempt < 16; ++attempt) {
    int64_t want = first_want;
    const size_t start = static_cast<size_t>(rng.Uniform() * (ids.size() - want - 64));
    const int64_t available = static_cast<int64_t>(ids.size() - start);
    for (int step = 0; step < 8; ++step) {
      const std::vector<int> slice(ids.begin() + start, ids.begin() + start + want);
      std::string text =
          prefix.empty() ? tokenizer.Decode(slice) : prefix + " " + tokenizer.Decode(slice);
      const int64_t got = tokenizer.Count(text);
      if (got == tokens) {
        *out = std::move(text);
        return true;
      }
      const int64_t next = std::clamp<int64_t>(want + tokens - got, 1, available);
      if (next == want) break;  // this slice cannot get closer
      want = next;
    }
  }
  return false;
}

std::string ApproximateText(const std::string& corpus, base::Rng& rng, int64_t tokens) {
  const size_t bytes = static_cast<size_t>(tokens) * 4;
  size_t start = static_cast<size_t>(rng.Uniform() * (corpus.size() - bytes - 1));
  start = corpus.find(' ', start) + 1;
  size_t end = corpus.rfind(' ', start + bytes);
  return corpus.substr(start, end > start ? end - start : bytes);
}

base::Expected<std::string> LoadCorpus(const std::string& path, uint64_t seed, size_t need) {
  if (path.empty()) return GenerateCorpus(std::max<size_t>(need, 256 * 1024), seed);
  std::ifstream in(path);
  if (!in) return base::MakeError("--prompt-corpus " + path + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  std::string corpus = text.str();
  if (corpus.size() < 4096) {
    return base::MakeError("--prompt-corpus " + path + ": needs at least 4 KiB of text");
  }
  while (corpus.size() < need) corpus += "\n" + corpus;  // repeat a short corpus to fit
  return corpus;
}

// The (ISL, OSL) of the next prompt: from --seq-dist when given, else --isl/--osl (with their
// standard deviations).
std::pair<int64_t, int64_t> DrawLengths(const PromptOptions& o, base::Rng& rng) {
  if (o.seq_dist.empty()) {
    const int64_t isl = Draw(rng, o.isl, o.isl_stddev, std::max<int64_t>(1, o.prefix_length + 1));
    return {isl, o.osl > 0 ? Draw(rng, o.osl, o.osl_stddev, 1) : 0};
  }
  double total = 0;
  for (const auto& p : o.seq_dist) total += p.weight;
  double pick = rng.Uniform() * total;
  for (const auto& p : o.seq_dist) {
    if (pick < p.weight) return {p.isl, p.osl};
    pick -= p.weight;
  }
  return {o.seq_dist.back().isl, o.seq_dist.back().osl};
}

}  // namespace

base::Expected<std::vector<SeqPoint>> ParseSeqDist(const std::string& text) {
  std::vector<SeqPoint> points;
  std::stringstream items(text);
  std::string item;
  const std::string fix = " (write ISL,OSL:WEIGHT;..., e.g. \"128,64:25;512,128:75\")";
  while (std::getline(items, item, ';')) {
    if (item.empty()) continue;
    SeqPoint p;
    char comma = 0, colon = 0;
    std::stringstream in(item);
    if (!(in >> p.isl >> comma >> p.osl >> colon >> p.weight) || comma != ',' || colon != ':' ||
        !(in >> std::ws).eof()) {
      return base::MakeError("--seq-dist: cannot read '" + item + "'" + fix);
    }
    if (p.isl < 1 || p.osl < 1 || !(p.weight > 0)) {
      return base::MakeError("--seq-dist: '" + item + "' needs ISL and OSL >= 1 and a weight > 0" +
                             fix);
    }
    points.push_back(p);
  }
  if (points.empty()) return base::MakeError("--seq-dist: no pairs" + fix);
  return points;
}

base::Expected<std::vector<Prompt>> MakePrompts(const PromptOptions& o,
                                                const Tokenizer* tokenizer) {
  if (o.isl < 1) return base::MakeError("--isl must be >= 1");
  if (o.prefix_length >= o.isl && o.prefix_pool_size > 0) {
    return base::MakeError("--prompt-prefix-length must be smaller than --isl");
  }
  int64_t longest = o.isl + 4 * o.isl_stddev;
  for (const auto& p : o.seq_dist) longest = std::max(longest, p.isl);
  const size_t need = static_cast<size_t>(longest + 64) * 8 + 4096;
  auto corpus = LoadCorpus(o.corpus_path, o.seed, need);
  if (!corpus) return corpus.error();
  base::Rng rng(o.seed);
  const std::vector<int> ids = tokenizer ? tokenizer->Encode(*corpus) : std::vector<int>();
  if (tokenizer && ids.size() < static_cast<size_t>(longest + 128)) {
    return base::MakeError("--prompt-corpus: the corpus has fewer tokens than the prompts need");
  }
  std::vector<std::string> prefixes;
  for (int64_t p = 0; p < o.prefix_pool_size; ++p) {
    std::string prefix;
    if (tokenizer) {
      if (!ExactText(*tokenizer, ids, rng, "", o.prefix_length, &prefix)) {
        return base::MakeError("--prompt-prefix-length: cannot build an exact prefix");
      }
    } else {
      prefix = ApproximateText(*corpus, rng, o.prefix_length);
    }
    prefixes.push_back(std::move(prefix));
  }
  std::vector<Prompt> prompts;
  prompts.reserve(o.count);
  for (size_t i = 0; i < o.count; ++i) {
    const auto [isl, osl] = DrawLengths(o, rng);
    const std::string prefix = prefixes.empty() ? "" : prefixes[i % prefixes.size()];
    Prompt prompt;
    prompt.max_tokens = osl;
    if (tokenizer) {
      if (!ExactText(*tokenizer, ids, rng, prefix, isl, &prompt.text)) {
        return base::MakeError("--isl " + std::to_string(isl) +
                               ": cannot build a prompt of exactly that many tokens (the "
                               "tokenizer's decode and encode do not agree; check --tokenizer)");
      }
      prompt.input_tokens = isl;
    } else {
      const std::string body =
          ApproximateText(*corpus, rng, isl - (prefix.empty() ? 0 : o.prefix_length));
      prompt.text = prefix.empty() ? body : prefix + " " + body;
    }
    prompts.push_back(std::move(prompt));
  }
  return prompts;
}

}  // namespace servebench::inputs
