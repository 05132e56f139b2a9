// Runs one case: warmup, then the measured phase, under the load shape and stop conditions of
// load.md. Records go to the sink as requests finish; nothing here parses or computes metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runner/base/clock.h"
#include "runner/base/expected.h"
#include "runner/endpoints/endpoint.h"
#include "runner/inputs/prompts.h"
#include "runner/inputs/workload.h"
#include "runner/records/record_sink.h"
#include "runner/schedule/schedule.h"
#include "runner/transport/transport.h"

namespace servebench::engine {

struct CaseOptions {
  std::string url;  // base URL + endpoint path
  endpoints::EndpointType type = endpoints::EndpointType::kChat;
  endpoints::BodyOptions body;
  schedule::LoadShape load;  // load.total is set per phase
  uint64_t request_count = 10;
  double duration_s = 0;  // > 0: duration-bound instead of count-bound
  double grace_s = 30;
  uint64_t warmup_count = 0;
  double cancellation_rate_pct = 0;
  double cancellation_delay_s = 0;
  uint64_t seed = 0;
  transport::TransportOptions transport;
  // Connections opened before the clock starts, as many as the load expects in flight, each
  // with a GET of prewarm_url (the server's model list); false: every request connects cold.
  bool prewarm = true;
  std::string prewarm_url;
  // Several models: each session asks one, in turn or drawn at random (from the seed).
  std::vector<std::string> models;
  bool random_model = false;
  // > 0: the whole run, warmup included, stops this long after it starts, cutting what is in
  // flight (a suite case's timeout).
  double time_limit_s = 0;
};

struct CaseOutcome {
  bool was_cancelled = false;          // interrupted by Ctrl-C
  uint64_t issued = 0;                 // measured-phase requests started
  uint64_t dropped = 0;                // still running at the end of the grace period
  bool include_usage_dropped = false;  // the server rejected stream_options
  bool timed_out = false;              // stopped at time_limit_s
  size_t connections_asked = 0, connections_warmed = 0;  // before the clock started
  int64_t start_ns = 0, end_ns = 0;
};

struct Progress {
  uint64_t done = 0, total = 0, errors = 0;  // total 0: duration-bound
  int64_t elapsed_ns = 0;
  bool warmup = false;
};

// The output cap turn t's body carries (an extra field may override the turn's own).
int64_t SentCap(const CaseOptions& options, const inputs::Turn& t);
// The body of turn `turn` of c: the system message, the earlier turns each followed by its reply,
// then the turn itself with its extra fields over --extra-inputs and its output cap.
// model: the session's model ("" for the conversation's or the run's).
std::string TurnBody(const CaseOptions& options, const inputs::Conversation& c,
                     const std::vector<std::string>& replies, size_t turn, bool include_usage,
                     const std::string& model = "");

// Runs a workload: each session its conversation's turns in order, every turn carrying the
// earlier turns and their live replies; concurrency counts sessions in flight. request_count
// counts sessions (requests, for single-turn workloads).
base::Expected<CaseOutcome> RunCase(const CaseOptions& options, const inputs::Workload& workload,
                                    records::RecordSink& sink, const std::atomic<int>& interrupts,
                                    const std::function<void(const Progress&)>& on_progress = {});
base::Expected<CaseOutcome> RunCase(const CaseOptions& options, const inputs::Workload& workload,
                                    records::RecordSink& sink, const std::atomic<int>& interrupts,
                                    const std::function<void(const Progress&)>& on_progress,
                                    transport::Transport& transport, const base::Clock& clock);
// Synthetic prompts, one single-turn conversation each.
// interrupts counts Ctrl-C presses: the first stops issuing and waits up to the grace period.
// Runs over curl-multi on the system clock.
base::Expected<CaseOutcome> RunCase(const CaseOptions& options,
                                    const std::vector<inputs::Prompt>& prompts,
                                    records::RecordSink& sink, const std::atomic<int>& interrupts,
                                    const std::function<void(const Progress&)>& on_progress = {});
// The same over any transport and clock (the two must agree on time).
base::Expected<CaseOutcome> RunCase(const CaseOptions& options,
                                    const std::vector<inputs::Prompt>& prompts,
                                    records::RecordSink& sink, const std::atomic<int>& interrupts,
                                    const std::function<void(const Progress&)>& on_progress,
                                    transport::Transport& transport, const base::Clock& clock);

}  // namespace servebench::engine
