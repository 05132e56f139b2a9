#include "runner/options/workload_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "runner/base/rng.h"
#include "runner/inputs/input_file.h"
#include "runner/inputs/sharegpt.h"

namespace servebench::options {
namespace {

// A factor as the user wrote it, however small: 1e-12, not 0.
std::string Shortest(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

bool HasTimestamps(const std::vector<inputs::Conversation>& conversations) {
  return conversations.front().turns.front().timestamp_ms >= 0;
}

double FirstTime(const inputs::Conversation& c) { return c.turns.front().timestamp_ms; }

// What a replay's rows are: sessions when any has several turns, else requests.
std::string Noun(const std::vector<inputs::Conversation>& conversations) {
  const bool sessions = std::any_of(conversations.begin(), conversations.end(),
                                    [](const auto& c) { return c.turns.size() > 1; });
  return std::string(sessions ? "session" : "request") + (conversations.size() == 1 ? "" : "s");
}

// Keeps the conversations whose first request is in the window, in time order, and puts every
// timestamp on the replay's clock: from the zero point, divided by the speedup.
base::Status ApplyReplay(const ProfileFlags& f, ProfilePlan& plan,
                         std::vector<inputs::Conversation>& conversations) {
  if (f.fixed_schedule_auto_offset && f.fixed_schedule_start_offset >= 0) {
    return base::MakeError(
        "--fixed-schedule-auto-offset and --fixed-schedule-start-offset both set the replay's "
        "start; give one of them");
  }
  if (f.request_rate > 0) {
    return base::MakeError(
        "--request-rate and a fixed schedule both set when requests leave; "
        "give --no-fixed-schedule to use the rate");
  }
  if (f.warmup_request_count > 0) {
    return base::MakeError(
        "--warmup-request-count does not apply to a trace replay (the trace "
        "is the load); leave it out, or replay a warmup trace first");
  }
  std::stable_sort(conversations.begin(), conversations.end(),
                   [](const auto& a, const auto& b) { return FirstTime(a) < FirstTime(b); });
  const double start = static_cast<double>(f.fixed_schedule_start_offset);
  const double end = static_cast<double>(f.fixed_schedule_end_offset);
  std::erase_if(conversations, [&](const inputs::Conversation& c) {
    return (start >= 0 && FirstTime(c) < start) || (end >= 0 && FirstTime(c) > end);
  });
  if (conversations.empty()) {
    return base::MakeError(
        "--fixed-schedule-start-offset/--fixed-schedule-end-offset: no "
        "request of " +
        f.input_file + " is in that window");
  }
  const double zero =
      f.fixed_schedule_auto_offset ? FirstTime(conversations.front()) : std::max(0.0, start);
  // No trace waits years for its first request: such a time counts from 1970.
  constexpr double kYearsMs = 1e11;
  if (FirstTime(conversations.front()) - zero >= kYearsMs) {
    return base::MakeError("--input-file " + f.input_file + ": the first timestamp, " +
                           base::NumberText(FirstTime(conversations.front())) +
                           " ms, looks like epoch milliseconds: use --fixed-schedule-auto-offset");
  }
  for (auto& c : conversations) {
    for (auto& t : c.turns) {
      if (t.timestamp_ms < 0) continue;
      t.timestamp_ms = std::max(0.0, t.timestamp_ms - zero) / f.replay_speedup;
      if (t.timestamp_ms > inputs::kMaxTimeMs) {
        return base::MakeError("--replay-speedup " + Shortest(f.replay_speedup) +
                               " stretches the trace past 4e12 ms; give a speedup nearer 1");
      }
    }
    plan.run.load.fixed_offsets_ns.push_back(std::llround(FirstTime(c) * 1e6));
  }
  plan.run.load.concurrency = f.concurrency;  // a cap when given
  plan.run.warmup_count = 0;
  if (f.request_count == 0 && f.benchmark_duration == 0) {
    plan.run.request_count = conversations.size();
  }
  const double span_s = static_cast<double>(plan.run.load.fixed_offsets_ns.back()) / 1e9;
  plan.stimulus = "trace";
  plan.title = std::string(endpoints::Name(plan.run.type)) + ", " +
               (plan.run.body.streaming ? "streaming" : "not streaming") + ", trace replay of " +
               std::to_string(conversations.size()) + " " + Noun(conversations) + " over " +
               std::to_string(static_cast<int64_t>(std::llround(span_s))) + " s" +
               (f.replay_speedup != 1 ? " at " + std::to_string(f.replay_speedup) + "x" : "") +
               (f.concurrency > 0 ? ", concurrency cap " + std::to_string(f.concurrency) : "");
  return base::Ok{};
}

base::Expected<inputs::Workload> FromFile(const ProfileFlags& f, ProfilePlan& plan,
                                          const tokenizers::Tokenizer* tokenizer) {
  inputs::Workload w;
  w.seed = plan.run.seed;
  w.sampling = inputs::DefaultSampling(f.custom_dataset_type);
  if (!f.dataset_sampling_strategy.empty()) {
    auto sampling = inputs::ParseSampling(f.dataset_sampling_strategy);
    if (!sampling) return sampling.error();
    w.sampling = *sampling;
  }
  // In file order with a known count, only the conversations that will be sent are kept (the
  // warmup takes the first ones).
  const bool counted = f.request_count > 0 && f.benchmark_duration == 0;
  const size_t keep = w.sampling == inputs::Sampling::kSequential && counted
                          ? static_cast<size_t>(f.request_count + f.warmup_request_count)
                          : SIZE_MAX;
  auto read = inputs::ReadInputFile({f.input_file, f.custom_dataset_type, f.isl_block_size,
                                     plan.run.seed, keep, f.max_trace_tokens},
                                    tokenizer);
  if (!read) return read.error();
  w.conversations = std::move(*read);
  for (auto& c : w.conversations) {
    for (auto& t : c.turns) {
      if (t.max_tokens == 0) t.max_tokens = f.osl;  // output_length overrides --osl
    }
  }
  const bool timed = HasTimestamps(w.conversations);
  if (f.fixed_schedule && f.no_fixed_schedule) {
    return base::MakeError("--fixed-schedule and --no-fixed-schedule contradict; give one");
  }
  if (f.fixed_schedule && !timed) {
    return base::MakeError("--fixed-schedule: " + f.input_file +
                           " has no timestamps (give each request a timestamp in ms)");
  }
  if (timed && !f.no_fixed_schedule) {
    if (auto replay = ApplyReplay(f, plan, w.conversations); !replay) return replay.error();
    return w;
  }
  // Each request of a prompt file once by default; a random pool is drawn from like synthetic
  // prompts.
  if (f.request_count == 0 && f.benchmark_duration == 0 && f.custom_dataset_type != "random_pool") {
    plan.run.request_count = w.conversations.size();
  }
  return w;
}

base::Expected<inputs::Workload> FromShareGpt(const ProfileFlags& f, ProfilePlan& plan,
                                              const tokenizers::Tokenizer* tokenizer) {
  std::string note;
  auto path = inputs::LocateShareGpt(f.dataset_path, &note);
  if (!path) return path.error();
  auto read = inputs::ReadShareGpt(*path, tokenizer, f.osl);
  if (!read) return read.error();
  plan.notes.push_back(note + ": " + std::to_string(read->size()) +
                       " prompts pass vLLM's length filters" +
                       (tokenizer ? ""
                                  : " (lengths estimated at 4 bytes a token; give "
                                    "--tokenizer for exact counts)"));
  inputs::Workload w;
  w.seed = plan.run.seed;
  w.conversations = std::move(*read);
  if (!f.dataset_sampling_strategy.empty()) {
    auto sampling = inputs::ParseSampling(f.dataset_sampling_strategy);
    if (!sampling) return sampling.error();
    w.sampling = *sampling;
  }
  return w;
}

// --num-sessions synthetic conversations: a drawn number of turns each (from the synthetic
// prompts, in order), with drawn delays before every turn after the first.
inputs::Workload Sessions(const ProfileFlags& f, ProfilePlan& plan,
                          std::vector<inputs::Prompt> prompts) {
  inputs::Workload w;
  w.seed = plan.run.seed;
  base::Rng rng(plan.run.seed ^ 0x5e55);
  size_t next = 0;
  for (int64_t s = 0; s < f.num_sessions; ++s) {
    const double turns = f.session_turns_stddev > 0
                             ? rng.Normal(f.session_turns_mean, f.session_turns_stddev)
                             : f.session_turns_mean;
    inputs::Conversation c;
    c.session_id = "session-" + std::to_string(s);
    for (int64_t k = 0; k < std::max<int64_t>(1, std::llround(turns)); ++k) {
      const inputs::Prompt& p = prompts[next++ % prompts.size()];
      inputs::Turn t;
      t.texts = {p.text};
      t.input_tokens = p.input_tokens;
      t.max_tokens = p.max_tokens;
      if (k > 0) {
        const double delay =
            f.session_turn_delay_stddev > 0
                ? rng.Normal(f.session_turn_delay_mean, f.session_turn_delay_stddev)
                : f.session_turn_delay_mean;
        t.delay_ms = std::max(0.0, delay);
      }
      c.turns.push_back(std::move(t));
    }
    w.conversations.push_back(std::move(c));
  }
  if (f.request_count == 0 && f.benchmark_duration == 0) plan.run.request_count = f.num_sessions;
  return w;
}

base::Expected<inputs::Workload> Synthetic(const ProfileFlags& f, ProfilePlan& plan,
                                           const tokenizers::Tokenizer* tokenizer) {
  if (f.fixed_schedule) {
    return base::MakeError("--fixed-schedule replays a trace; give it with --input-file");
  }
  inputs::PromptOptions options = plan.prompts;
  if (f.num_sessions > 0) {  // enough prompts for every turn, within the same memory budget
    options.count = std::max(options.count,
                             static_cast<size_t>(std::min<double>(
                                 1000, static_cast<double>(f.num_sessions) *
                                           (f.session_turns_mean + 2 * f.session_turns_stddev))));
  }
  auto prompts = inputs::MakePrompts(options, tokenizer);
  if (!prompts) return prompts.error();
  if (f.num_sessions > 0) return Sessions(f, plan, std::move(*prompts));
  inputs::Workload w = inputs::FromPrompts(std::move(*prompts));
  w.seed = plan.run.seed;
  return w;
}

// One synthetic system prompt of exactly that many tokens (with a tokenizer), for every session.
base::Status AddSharedSystemPrompt(const ProfileFlags& f, const ProfilePlan& plan,
                                   const tokenizers::Tokenizer* tokenizer, inputs::Workload& w) {
  inputs::PromptOptions options;
  options.isl = f.shared_system_prompt_length;
  options.corpus_path = plan.prompts.corpus_path;
  options.seed = plan.run.seed ^ 0x5157;
  options.count = 1;
  auto system = inputs::MakePrompts(options, tokenizer);
  if (!system) return system.error();
  for (auto& c : w.conversations) {
    c.system = system->front().text + (c.system.empty() ? "" : "\n\n" + c.system);
    c.system_tokens = tokenizer ? tokenizer->Count(c.system) : -1;
  }
  return base::Ok{};
}

}  // namespace

base::Expected<inputs::Workload> MakeWorkload(const ProfileFlags& f, ProfilePlan& plan,
                                              const tokenizers::Tokenizer* tokenizer) {
  auto w = !f.input_file.empty()       ? FromFile(f, plan, tokenizer)
           : !f.public_dataset.empty() ? FromShareGpt(f, plan, tokenizer)
                                       : Synthetic(f, plan, tokenizer);
  if (!w) return w;
  if (f.session_turn_delay_ratio != 1) {
    for (auto& c : w->conversations) {
      for (auto& t : c.turns) {
        if (t.delay_ms > 0) t.delay_ms *= f.session_turn_delay_ratio;
        if (t.delay_ms > inputs::kMaxTimeMs) {
          return base::MakeError("--session-turn-delay-ratio " +
                                 Shortest(f.session_turn_delay_ratio) +
                                 " makes a delay longer than 4e12 ms; give a smaller ratio");
        }
      }
    }
  }
  if (f.shared_system_prompt_length > 0) {
    if (auto added = AddSharedSystemPrompt(f, plan, tokenizer, *w); !added) return added.error();
  }
  return w;
}

base::Expected<PreparedRun> PrepareRun(const ProfileFlags& f) {
  auto plan = ResolveProfile(f);
  if (!plan) return plan.error();
  PreparedRun run{
      std::move(*plan), nullptr, std::nullopt,
      [f](ProfilePlan& p, const tokenizers::Tokenizer* t) { return MakeWorkload(f, p, t); }};
  if (run.server_tokenizer()) return run;
  if (!f.tokenizer.empty()) {
    auto loaded = tokenizers::Tokenizer::Load(f.tokenizer);
    if (!loaded) return loaded.error();
    run.tokenizer = *loaded;
  }
  auto made = run.make_workload(run.plan, run.tokenizer.get());
  if (!made) return made.error();
  run.workload = std::move(*made);
  return run;
}

}  // namespace servebench::options
