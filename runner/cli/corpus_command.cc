// `servebench corpus`: prints the generated corpus, e.g. to train a tokenizer with spm_train.
#include <cstdio>

#include "runner/base/flags.h"
#include "runner/cli/commands.h"
#include "runner/inputs/corpus.h"

namespace servebench::cli {

int CorpusCommand(const Args& args) {
  int64_t bytes = 1 << 20;
  int64_t seed = 0;
  base::FlagSet flags("corpus");
  flags.Int("--bytes", &bytes, "how much text (default 1 MiB)");
  flags.Int("--seed", &seed, "seed of the text (default 0)");
  if (auto parsed = flags.Parse(args); !parsed || !parsed->empty() || bytes < 1) {
    std::fprintf(stderr, "%s\n",
                 parsed ? "corpus: takes only --bytes N (N >= 1) and --seed S"
                        : parsed.error().message.c_str());
    return 2;
  }
  const std::string text =
      inputs::GenerateCorpus(static_cast<size_t>(bytes), static_cast<uint64_t>(seed));
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace servebench::cli
