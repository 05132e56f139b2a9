// The workload of a profile run: synthetic prompts, or the user's input file (input_file.h), with
// the replay rules of a timed trace (load.md, fixed schedule) applied to the plan.
#pragma once

#include "runner/base/expected.h"
#include "runner/inputs/workload.h"
#include "runner/options/profile_options.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench::options {

// Reads or makes the workload; for an input file also settles the plan's request count, and for
// a replay its fixed schedule (offsets, speedup, window), concurrency cap and title.
base::Expected<inputs::Workload> MakeWorkload(const ProfileFlags& f, ProfilePlan& plan,
                                              const tokenizers::Tokenizer* tokenizer);

}  // namespace servebench::options
