// The workload of a profile run: synthetic prompts, or the user's input file (input_file.h), with
// the replay rules of a timed trace (load.md, fixed schedule) applied to the plan.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "runner/base/expected.h"
#include "runner/inputs/workload.h"
#include "runner/options/profile_options.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench::options {

// Reads or makes the workload; for an input file also settles the plan's request count, and for
// a replay its fixed schedule (offsets, speedup, window), concurrency cap and title.
base::Expected<inputs::Workload> MakeWorkload(const ProfileFlags& f, ProfilePlan& plan,
                                              const tokenizers::Tokenizer* tokenizer);

// A run ready to start: its plan, its tokenizer loaded and its workload made. Every input is
// read and checked before the server is touched, except with --tokenizer server: then the
// tokenizer is the server's, and make_workload makes the workload once the server answers.
struct PreparedRun {
  ProfilePlan plan;
  std::shared_ptr<tokenizers::Tokenizer> tokenizer;  // null: none, or the server's (not yet)
  std::optional<inputs::Workload> workload;          // none until the server's tokenizer
  std::function<base::Expected<inputs::Workload>(ProfilePlan&, const tokenizers::Tokenizer*)>
      make_workload;
  bool server_tokenizer() const { return plan.tokenizer_name == "server"; }
};
base::Expected<PreparedRun> PrepareRun(const ProfileFlags& f);

}  // namespace servebench::options
