// What a run sends: conversations of one or more turns, and the order they are drawn in. Synthetic
// prompts are conversations of one turn; input files (input_file.h) give any shape.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runner/inputs/prompts.h"

namespace servebench::inputs {

// The latest timestamp and the longest delay a file or flag may give, in ms (127 years): room
// for epoch-millisecond timestamps (1.7e12) replayed with --fixed-schedule-auto-offset, and
// still within int64 nanoseconds once added to the clock.
inline constexpr double kMaxTimeMs = 4e12;

// One request of a conversation.
struct Turn {
  std::string role = "user";
  std::vector<std::string> texts;  // the message's text parts (one in the common case)
  int64_t input_tokens = -1;       // the client tokenizer's count of the texts; -1: none
  int64_t max_tokens = 0;          // the output cap; 0: --osl or the server's choice
  nlohmann::json extra;            // merged over --extra-inputs, per key; null: nothing
  double timestamp_ms = -1;        // when the trace sent it (from its start); < 0: not given
  double delay_ms = -1;  // wait before sending: after the previous turn (or request) ended
};

struct Conversation {
  std::string session_id;  // from the file, or generated
  std::string system;      // the session's system message; "" for none
  std::vector<Turn> turns;
  std::string model;          // "": the run's model
  int64_t system_tokens = 0;  // the system message's count in the client tokenizer; -1: none
};

enum class Sampling { kSequential, kRandom, kShuffle };
base::Expected<Sampling> ParseSampling(const std::string& name);

struct Workload {
  std::vector<Conversation> conversations;
  Sampling sampling = Sampling::kSequential;
  uint64_t seed = 0;
  bool multi_turn() const;
  // The conversation the n-th session runs: in file order, drawn with replacement, or each one
  // once per pass in a shuffled order.
  size_t Pick(uint64_t n) const;

 private:
  // Shuffle: the permutation of the pass last asked for, so a pass is drawn once, not per pick.
  mutable uint64_t pass_ = UINT64_MAX, pass_seed_ = 0;
  mutable std::vector<size_t> order_;
};

// Synthetic prompts as single-turn conversations.
Workload FromPrompts(std::vector<Prompt> prompts);

}  // namespace servebench::inputs
