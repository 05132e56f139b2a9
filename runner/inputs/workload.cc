#include "runner/inputs/workload.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "runner/base/rng.h"

namespace servebench::inputs {

base::Expected<Sampling> ParseSampling(const std::string& name) {
  if (name == "sequential") return Sampling::kSequential;
  if (name == "random") return Sampling::kRandom;
  if (name == "shuffle") return Sampling::kShuffle;
  return base::MakeError(
      "--dataset-sampling-strategy: expected sequential, random or shuffle, got '" + name + "'");
}

bool Workload::multi_turn() const {
  return std::any_of(conversations.begin(), conversations.end(),
                     [](const Conversation& c) { return c.turns.size() > 1; });
}

size_t Workload::Pick(uint64_t n) const {
  const uint64_t size = conversations.size();
  switch (sampling) {
    case Sampling::kRandom:
      return static_cast<size_t>(base::HashOf(seed, n, 0x5a3b1e) % size);
    case Sampling::kShuffle: {
      // The position in pass n / size of a permutation drawn for that pass.
      if (pass_ != n / size || pass_seed_ != seed || order_.size() != size) {
        pass_ = n / size;
        pass_seed_ = seed;
        order_.resize(size);
        std::iota(order_.begin(), order_.end(), 0);
        std::mt19937_64 engine(base::HashOf(seed, pass_, 0x5b0ff1e));
        std::shuffle(order_.begin(), order_.end(), engine);
      }
      return order_[n % size];
    }
    default:
      return static_cast<size_t>(n % size);
  }
}

Workload FromPrompts(std::vector<Prompt> prompts) {
  Workload w;
  w.conversations.reserve(prompts.size());
  for (size_t i = 0; i < prompts.size(); ++i) {
    Turn turn;
    turn.texts = {std::move(prompts[i].text)};
    turn.input_tokens = prompts[i].input_tokens;
    turn.max_tokens = prompts[i].max_tokens;
    w.conversations.push_back({"s" + std::to_string(i), "", {std::move(turn)}, ""});
  }
  return w;
}

}  // namespace servebench::inputs
