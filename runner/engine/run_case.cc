#include "runner/engine/run_case.h"

#include <algorithm>
#include <limits>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "runner/base/clock.h"
#include "runner/base/rng.h"
#include "runner/transport/http1_transport.h"

namespace servebench::engine {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kMaxWaitNs = 50'000'000;  // how often the loop looks at Ctrl-C
constexpr int64_t kProgressEveryNs = 250'000'000;

int64_t Ns(double seconds) { return static_cast<int64_t>(seconds * 1e9); }

// The first turn's body of every conversation for every model, built before t0 as the run sends
// it. Without stream_options (a server refused it) each is built when first needed: most
// servers take it, and a second copy of every prompt would double the memory. Later turns
// carry live replies and are built when they leave.
class Bodies {
 public:
  Bodies(const CaseOptions& o, const inputs::Workload& w)
      : o_(o),
        w_(w),
        models_(o.models.empty() ? std::vector<std::string>{""} : o.models),
        without_usage_(models_.size() * w.conversations.size()) {
    for (const auto& model : models_) {
      for (const auto& c : w.conversations) {
        with_usage_.push_back(std::make_shared<const std::string>(
            TurnBody(o, c, {}, 0, o.body.include_usage, model)));
      }
    }
  }
  std::shared_ptr<const std::string> First(size_t conversation, bool usage, size_t model) {
    const size_t at = model * w_.conversations.size() + conversation;
    if (usage || !o_.body.include_usage) return with_usage_[at];
    if (!without_usage_[at]) {
      without_usage_[at] = std::make_shared<const std::string>(
          TurnBody(o_, w_.conversations[conversation], {}, 0, false, models_[model]));
    }
    return without_usage_[at];
  }

 private:
  const CaseOptions& o_;
  const inputs::Workload& w_;
  const std::vector<std::string> models_;
  std::vector<std::shared_ptr<const std::string>> with_usage_, without_usage_;
};

// The generated text of a finished request: what the next turn of its conversation carries.
std::string ReplyText(endpoints::EndpointType type, const records::Record& r) {
  if (!r.streaming) return endpoints::ParseBody(type, r.body).text;
  std::string text;
  for (const auto& e : r.events) {
    if (!e.is_error) text += endpoints::ParseEvent(type, e.data).text;
  }
  return text;
}

// A conversation in flight: its request running, or its next turn waiting for its delay.
struct Session {
  size_t conversation = 0;
  size_t turn = 0;  // the turn running or due next
  std::string id;
  size_t model = 0;  // its index in CaseOptions::models (when the run has several)
  std::vector<std::string> replies;
};

class CaseRunner {
 public:
  CaseRunner(const CaseOptions& o, const inputs::Workload& workload, records::RecordSink& sink,
             const std::atomic<int>& interrupts,
             const std::function<void(const Progress&)>& on_progress,
             transport::Transport& transport, const base::Clock& clock)
      : o_(o),
        w_(workload),
        multi_turn_(workload.multi_turn()),
        bodies_(o, workload),
        uses_(workload.conversations.size(), 0),
        sink_(sink),
        interrupts_(interrupts),
        on_progress_(on_progress),
        transport_(transport),
        clock_(clock) {
    include_usage_ = o.body.streaming && o.body.include_usage;
  }

  CaseOutcome Run() {
    if (o_.time_limit_s > 0) time_limit_ns_ = clock_.Now() + Ns(o_.time_limit_s);
    if (o_.prewarm && !o_.prewarm_url.empty()) Prewarm();
    if (o_.warmup_count > 0) Phase(true, o_.warmup_count, 0);
    outcome_.start_ns = clock_.Now();
    if (interrupts_.load() == 0 && !outcome_.timed_out)
      Phase(false, o_.duration_s > 0 ? 0 : o_.request_count, Ns(o_.duration_s));
    outcome_.end_ns = clock_.Now();
    outcome_.include_usage_dropped = o_.body.streaming && o_.body.include_usage && !include_usage_;
    return outcome_;
  }

 private:
  void Prewarm();
  void Phase(bool warmup, uint64_t count, int64_t duration_ns);
  void FireDueCancels(int64_t now);
  // Polls the transport until deadline_ns and finishes what it returns; when a session ended
  // (a slot freed), the first such end time, else 0.
  int64_t Collect(int64_t deadline_ns, bool warmup, bool issuing);
  // Cuts the requests still running (the grace period or the case's timeout ended); how many.
  size_t CutInFlight(bool warmup);
  void StartSession(bool warmup, int64_t scheduled_ns, int64_t ready_ns);
  void Send(bool warmup, size_t slot, int64_t scheduled_ns, int64_t ready_ns, uint64_t request_id);
  void Finish(records::Record record, bool warmup, bool issuing);
  void EndSession(size_t slot);
  void EndWaitingSessions();

  const CaseOptions& o_;
  const inputs::Workload& w_;
  const bool multi_turn_;
  Bodies bodies_;
  std::vector<uint32_t> uses_;  // sessions run so far of each conversation
  records::RecordSink& sink_;
  const std::atomic<int>& interrupts_;
  const std::function<void(const Progress&)>& on_progress_;
  transport::Transport& transport_;
  const base::Clock& clock_;
  CaseOutcome outcome_;
  int64_t time_limit_ns_ = kNever;
  bool include_usage_ = true;
  std::unordered_set<uint64_t> asked_usage_;  // in flight with stream_options
  uint64_t next_id_ = 0;
  uint64_t sessions_started_ = 0;
  uint64_t done_ = 0, errors_ = 0, sent_ = 0;
  int64_t t0_ = 0;
  std::vector<Session> sessions_;
  std::vector<size_t> free_slots_;
  size_t active_ = 0;                             // sessions in flight
  std::unordered_map<uint64_t, size_t> slot_of_;  // request id -> its session
  std::vector<records::Record> finished_;         // one poll's, reused (no allocation a poll)
  using Timer = std::pair<int64_t, uint64_t>;     // (when, request or session slot)
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> cancels_, next_turns_;
};

void CaseRunner::StartSession(bool warmup, int64_t scheduled_ns, int64_t ready_ns) {
  const uint64_t n = sessions_started_++;
  // A trace leaves in its own order; otherwise the sampling strategy picks.
  const size_t conversation = o_.load.Replay() ? static_cast<size_t>(n) : w_.Pick(n);
  size_t slot = sessions_.size();
  if (free_slots_.empty()) {
    sessions_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Session& s = sessions_[slot];
  s.conversation = conversation;
  s.turn = 0;
  s.replies.clear();
  s.id.clear();
  s.model = 0;
  if (!o_.models.empty()) {
    const uint64_t pick = o_.random_model ? base::HashOf(o_.seed, n, 0x30de1) : n;
    s.model = pick % o_.models.size();
  }
  if (multi_turn_) {
    const uint32_t use = uses_[conversation]++;
    s.id = w_.conversations[conversation].session_id + (use ? "." + std::to_string(use) : "");
  }
  ++active_;
  // A first turn's delay (a single_turn row's, as AIPerf reads it) is a wait before it leaves,
  // from when the session starts: in a closed loop, the moment the slot's previous request ended.
  const double delay_ms = w_.conversations[conversation].turns.front().delay_ms;
  if (delay_ms > 0) {
    next_turns_.push({scheduled_ns + Ns(delay_ms / 1e3), slot});
    return;
  }
  Send(warmup, slot, scheduled_ns, ready_ns, next_id_++);
}

void CaseRunner::Send(bool warmup, size_t slot, int64_t scheduled_ns, int64_t ready_ns,
                      uint64_t request_id) {
  const Session& s = sessions_[slot];
  const inputs::Conversation& c = w_.conversations[s.conversation];
  const inputs::Turn& turn = c.turns[s.turn];
  records::Record seed;
  seed.request_id = request_id;
  const std::string& model = o_.models.empty() ? "" : o_.models[s.model];
  seed.model = !model.empty() ? model : !c.model.empty() ? c.model : o_.body.model;
  seed.session_id = s.id;
  seed.turn = static_cast<int>(s.turn);
  seed.warmup = warmup;
  seed.scheduled_ns = scheduled_ns;
  seed.ready_ns = ready_ns;
  seed.streaming = o_.body.streaming && endpoints::ProducesTokens(o_.type);
  // The client counts a first turn (with its system message); a later one also carries replies
  // it did not count, so its ISL is the server's usage.prompt_tokens.
  seed.input_tokens = s.turn == 0 && turn.input_tokens >= 0 && c.system_tokens >= 0
                          ? turn.input_tokens + c.system_tokens
                          : -1;
  seed.requested_max_tokens = SentCap(o_, turn);
  if (include_usage_) asked_usage_.insert(request_id);
  slot_of_[request_id] = slot;
  auto body = s.turn == 0 ? bodies_.First(s.conversation, include_usage_, s.model)
                          : std::make_shared<const std::string>(
                                TurnBody(o_, c, s.replies, s.turn, include_usage_, model));
  transport_.Start(std::move(seed), o_.url, std::move(body));
  ++sent_;
  if (o_.cancellation_rate_pct > 0 &&
      base::UnitOf(o_.seed, request_id, 0xca9ce1) * 100 < o_.cancellation_rate_pct) {
    cancels_.push({clock_.Now() + Ns(o_.cancellation_delay_s), request_id});
  }
}

void CaseRunner::EndSession(size_t slot) {
  free_slots_.push_back(slot);
  --active_;
}

// Sessions waiting for their next turn when issuing stops end there.
void CaseRunner::EndWaitingSessions() {
  while (!next_turns_.empty()) {
    EndSession(next_turns_.top().second);
    next_turns_.pop();
  }
}

void CaseRunner::Finish(records::Record record, bool warmup, bool issuing) {
  const auto found = slot_of_.find(record.request_id);
  const size_t slot = found->second;
  slot_of_.erase(found);
  // A server that rejects stream_options: from the first refusal on, requests go without it,
  // and each request refused for carrying it is sent once more without it.
  const bool asked_usage = asked_usage_.erase(record.request_id) > 0;
  if (asked_usage && !record.error && (record.status == 400 || record.status == 422)) {
    include_usage_ = false;
    Send(warmup, slot, record.scheduled_ns, record.ready_ns, record.request_id);
    --sent_;  // the same request, sent again
    return;
  }
  ++done_;
  const bool failed = record.error || record.status >= 400;
  if (failed) ++errors_;
  // The next turn leaves after this one ended and its delay passed (and not before its trace
  // time). A failed turn ends its conversation: the next one would lack its reply.
  Session& s = sessions_[slot];
  const inputs::Conversation& c = w_.conversations[s.conversation];
  if (failed || !issuing || s.turn + 1 >= c.turns.size()) {
    EndSession(slot);
  } else {
    s.replies.push_back(ReplyText(o_.type, record));
    const inputs::Turn& next = c.turns[++s.turn];
    int64_t due = record.end_ns + (next.delay_ms > 0 ? Ns(next.delay_ms / 1e3) : 0);
    if (o_.load.Replay() && next.timestamp_ms >= 0) {
      due = std::max(due, t0_ + Ns(next.timestamp_ms / 1e3));
    }
    next_turns_.push({due, slot});
  }
  sink_.Add(std::move(record));
}

// A closed loop of N opens N connections before t0; an open loop as many as it expects in
// flight. Ten seconds at most (or the run's time limit): a server that is slow to accept is
// then met cold.
void CaseRunner::Prewarm() {
  constexpr int64_t kMostNs = 10'000'000'000;
  const size_t asked = o_.load.ExpectedConcurrency();
  outcome_.connections_asked = asked;
  outcome_.connections_warmed = transport_.Prewarm(
      o_.prewarm_url, asked, std::min(clock_.Now() + kMostNs, time_limit_ns_), interrupts_);
}

void CaseRunner::Phase(bool warmup, uint64_t count, int64_t duration_ns) {
  const int64_t t0 = clock_.Now() + 1'000'000;
  t0_ = t0;
  schedule::LoadShape shape = o_.load;
  shape.total = count;
  shape.seed = o_.seed + (warmup ? 1 : 0);
  auto schedule = schedule::MakeSchedule(shape, t0);
  const int64_t stop_issuing = duration_ns > 0 ? t0 + duration_ns : kNever;
  int64_t hard_end =
      std::min(duration_ns > 0 ? stop_issuing + Ns(o_.grace_s) : kNever, time_limit_ns_);
  bool stopping = false;
  uint64_t issued = 0;  // sessions started (requests, for single-turn workloads)
  const uint64_t sent_before = sent_;
  int64_t last_progress = 0;
  // With a cap on an open loop or a replay: the next arrival found every slot busy, and when
  // one first freed.
  const bool capped = o_.load.Capped();
  bool waiting_for_slot = false;
  int64_t slot_freed_ns = 0;
  done_ = errors_ = 0;
  for (;;) {
    int64_t now = clock_.Now();
    if (!stopping && interrupts_.load() > 0) {
      stopping = true;
      outcome_.was_cancelled = true;
      hard_end = std::min(hard_end, now + Ns(o_.grace_s));
    }
    if (now >= hard_end) {
      break;
    }
    FireDueCancels(now);
    const bool issuing = !stopping && now < stop_issuing;
    if (!issuing) EndWaitingSessions();
    if (!next_turns_.empty() && next_turns_.top().first <= now) {
      const auto [due_ns, slot] = next_turns_.top();
      next_turns_.pop();
      Send(warmup, slot, due_ns, 0, next_id_++);
      continue;
    }
    const schedule::Progress progress{now, issued, active_};
    const schedule::Due due = issuing ? schedule->Next(progress) : schedule::Due{};
    if (capped && due.kind == schedule::Due::Kind::kWhenSlotFrees) waiting_for_slot = true;
    if (due.kind == schedule::Due::Kind::kAt && due.at_ns <= now) {
      const int64_t ready = waiting_for_slot ? std::max(due.at_ns, slot_freed_ns) : 0;
      waiting_for_slot = false;
      slot_freed_ns = 0;
      StartSession(warmup, due.at_ns, ready);
      ++issued;
      schedule->Started({now, issued, active_});
      continue;
    }
    if (due.kind == schedule::Due::Kind::kStop && active_ == 0) {
      break;
    }
    int64_t deadline = std::min({hard_end, now + kMaxWaitNs, issuing ? stop_issuing : kNever});
    if (due.kind == schedule::Due::Kind::kAt) deadline = std::min(deadline, due.at_ns);
    if (!cancels_.empty()) deadline = std::min(deadline, cancels_.top().first);
    if (!next_turns_.empty()) deadline = std::min(deadline, next_turns_.top().first);
    const int64_t freed_ns = Collect(deadline, warmup, issuing);
    if (waiting_for_slot && slot_freed_ns == 0) slot_freed_ns = freed_ns;
    if (on_progress_ && now - last_progress >= kProgressEveryNs) {
      last_progress = now;
      on_progress_({done_, multi_turn_ ? 0 : count, errors_, now - t0, warmup});
    }
  }
  outcome_.timed_out = clock_.Now() >= time_limit_ns_;
  const size_t left = CutInFlight(warmup);
  EndWaitingSessions();
  while (!cancels_.empty()) cancels_.pop();
  if (!warmup) {
    outcome_.issued = sent_ - sent_before;
    outcome_.dropped = left;
  }
  if (on_progress_)
    on_progress_({done_, multi_turn_ ? 0 : count, errors_, clock_.Now() - t0, warmup});
}

void CaseRunner::FireDueCancels(int64_t now) {
  while (!cancels_.empty() && cancels_.top().first <= now) {
    transport_.Cancel(cancels_.top().second,
                      {499, "cancelled", "cancelled by --request-cancellation-rate"});
    cancels_.pop();
  }
}

int64_t CaseRunner::Collect(int64_t deadline_ns, bool warmup, bool issuing) {
  transport_.Poll(deadline_ns, finished_);
  int64_t freed_ns = 0;
  for (auto& r : finished_) {
    // A slot frees when a session ends, not when one of its turns does.
    const size_t active_before = active_;
    const int64_t end_ns = r.end_ns;
    Finish(std::move(r), warmup, issuing);
    if (freed_ns == 0 && active_ < active_before) freed_ns = end_ns;
  }
  finished_.clear();
  return freed_ns;
}

// Each cut request still gets its record, marked as cut, so every request sent is counted and
// visible; the metrics leave them out.
size_t CaseRunner::CutInFlight(bool warmup) {
  const size_t left = transport_.in_flight();
  if (left == 0) return 0;
  const std::string why = outcome_.timed_out ? "still running at the case's timeout"
                                             : "still running at the end of the grace period";
  for (uint64_t id = 0; id < next_id_; ++id) {
    transport_.Cancel(id,
                      {499, records::kGracePeriodCut, why + "; cut and excluded from the metrics"});
  }
  Collect(0, warmup, false);
  return left;
}

}  // namespace

int64_t SentCap(const CaseOptions& o, const inputs::Turn& t) {
  // The turn's extra fields are merged after the run's, so they win.
  const int64_t run_cap = endpoints::SentCap(o.type, o.body, o.body.extra, t.max_tokens);
  return endpoints::SentCap(o.type, o.body, t.extra, run_cap);
}

std::string TurnBody(const CaseOptions& o, const inputs::Conversation& c,
                     const std::vector<std::string>& replies, size_t turn, bool include_usage,
                     const std::string& model) {
  endpoints::BodyOptions body = o.body;
  body.include_usage = include_usage;
  if (!c.model.empty()) body.model = c.model;
  if (!model.empty()) body.model = model;
  std::vector<endpoints::Message> messages;
  if (!c.system.empty()) messages.push_back({"system", {c.system}});
  for (size_t k = 0; k <= turn; ++k) {
    messages.push_back({c.turns[k].role, c.turns[k].texts});
    if (k < turn) messages.push_back({"assistant", {replies[k]}});
  }
  const inputs::Turn& t = c.turns[turn];
  if (t.extra.is_object()) {
    for (const auto& [key, value] : t.extra.items()) body.extra[key] = value;
  }
  return endpoints::BuildBody(o.type, body, messages, t.max_tokens);
}

base::Expected<CaseOutcome> RunCase(const CaseOptions& options, const inputs::Workload& workload,
                                    records::RecordSink& sink, const std::atomic<int>& interrupts,
                                    const std::function<void(const Progress&)>& on_progress) {
  const std::unique_ptr<transport::Transport> transport =
      transport::MakeTransport(options.transport, options.url);
  const base::SystemClock clock;
  return RunCase(options, workload, sink, interrupts, on_progress, *transport, clock);
}

base::Expected<CaseOutcome> RunCase(const CaseOptions& options, const inputs::Workload& workload,
                                    records::RecordSink& sink, const std::atomic<int>& interrupts,
                                    const std::function<void(const Progress&)>& on_progress,
                                    transport::Transport& transport, const base::Clock& clock) {
  if (workload.conversations.empty()) return base::MakeError("no prompts to send");
  CaseRunner runner(options, workload, sink, interrupts, on_progress, transport, clock);
  return runner.Run();
}

base::Expected<CaseOutcome> RunCase(const CaseOptions& options,
                                    const std::vector<inputs::Prompt>& prompts,
                                    records::RecordSink& sink, const std::atomic<int>& interrupts,
                                    const std::function<void(const Progress&)>& on_progress) {
  return RunCase(options, inputs::FromPrompts(prompts), sink, interrupts, on_progress);
}

base::Expected<CaseOutcome> RunCase(const CaseOptions& options,
                                    const std::vector<inputs::Prompt>& prompts,
                                    records::RecordSink& sink, const std::atomic<int>& interrupts,
                                    const std::function<void(const Progress&)>& on_progress,
                                    transport::Transport& transport, const base::Clock& clock) {
  return RunCase(options, inputs::FromPrompts(prompts), sink, interrupts, on_progress, transport,
                 clock);
}

}  // namespace servebench::engine
