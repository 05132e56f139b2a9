// `servebench trace`: prints a synthetic trace in Mooncake's format (timestamp, input_length,
// hash_ids, output_length), for replays that show a prefix cache at work without anyone's data:
// every row opens with the shared blocks of one of a few documents, then a block of its own.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "runner/base/flags.h"
#include "runner/base/rng.h"
#include "runner/cli/commands.h"

namespace servebench::cli {

int TraceCommand(const Args& args) {
  int64_t rows = 300, documents = 8, shared_blocks = 2, block = 512, output_length = 32, seed = 0;
  double duration_s = 30;
  base::FlagSet flags("trace");
  flags.Int("--rows", &rows, "requests in the trace (default 300)", 1, 10'000'000);
  flags.Double("--duration", &duration_s, "seconds the timestamps span (default 30)", 0, false,
               1e7);
  flags.Int("--documents", &documents, "distinct shared prefixes (default 8)", 1, 1'000'000);
  flags.Int("--shared-blocks", &shared_blocks, "blocks of each shared prefix (default 2)", 0, 1000);
  flags.Int("--block", &block, "tokens a hash id stands for: --isl-block-size (default 512)", 1,
            1'000'000);
  flags.Int("--output-length", &output_length, "mean output tokens (default 32)", 1, 1'000'000);
  flags.Int("--seed", &seed, "seed of the trace (default 0)", 0,
            std::numeric_limits<int64_t>::max());
  auto parsed = flags.Parse(args);
  if (!parsed) return Fail(parsed.error().message);
  if (!parsed->empty()) return Fail("trace: takes only flags (see servebench trace --help)");
  base::Rng rng(static_cast<uint64_t>(seed));
  std::vector<int64_t> times;
  for (int64_t i = 0; i < rows; ++i)
    times.push_back(std::llround(rng.Uniform() * duration_s * 1e3));
  std::sort(times.begin(), times.end());
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t doc = static_cast<int64_t>(rng.Uniform() * static_cast<double>(documents));
    nlohmann::json ids = nlohmann::json::array();
    for (int64_t b = 0; b < shared_blocks; ++b) ids.push_back(doc * 1000 + b);
    ids.push_back(1'000'000 + i);  // the row's own block
    const int64_t own = 1 + static_cast<int64_t>(rng.Uniform() * static_cast<double>(block));
    const int64_t output = std::max<int64_t>(
        1, std::llround(static_cast<double>(output_length) * (0.5 + rng.Uniform())));
    const nlohmann::json row = {{"timestamp", times[static_cast<size_t>(i)]},
                                {"input_length", shared_blocks * block + own},
                                {"output_length", output},
                                {"hash_ids", ids}};
    std::printf("%s\n", row.dump().c_str());
  }
  return 0;
}

}  // namespace servebench::cli
