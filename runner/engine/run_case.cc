#include "runner/engine/run_case.h"

#include <algorithm>
#include <limits>
#include <queue>
#include <unordered_set>

#include "runner/base/clock.h"
#include "runner/base/rng.h"

namespace servebench::engine {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kMaxWaitNs = 50'000'000;  // how often the loop looks at Ctrl-C
constexpr int64_t kProgressEveryNs = 250'000'000;

int64_t Ns(double seconds) { return static_cast<int64_t>(seconds * 1e9); }

// The request bodies, built before t0: one per prompt, with and without stream_options.
class Bodies {
 public:
  Bodies(const CaseOptions& o, const std::vector<inputs::Prompt>& prompts) {
    endpoints::BodyOptions body = o.body;
    for (bool usage : {true, false}) {
      body.include_usage = usage && o.body.include_usage;
      auto& list = usage ? with_usage_ : without_usage_;
      for (const auto& p : prompts) {
        list.push_back(std::make_shared<const std::string>(
            endpoints::BuildBody(o.type, body, p.text, p.max_tokens)));
      }
    }
  }
  std::shared_ptr<const std::string> Get(size_t index, bool usage) const {
    const auto& list = usage ? with_usage_ : without_usage_;
    return list[index % list.size()];
  }

 private:
  std::vector<std::shared_ptr<const std::string>> with_usage_, without_usage_;
};

class CaseRunner {
 public:
  CaseRunner(const CaseOptions& o, const std::vector<inputs::Prompt>& prompts,
             records::RecordSink& sink, const std::atomic<int>& interrupts,
             const std::function<void(const Progress&)>& on_progress,
             transport::Transport& transport, const base::Clock& clock)
      : o_(o),
        prompts_(prompts),
        bodies_(o, prompts),
        sink_(sink),
        interrupts_(interrupts),
        on_progress_(on_progress),
        transport_(transport),
        clock_(clock) {
    include_usage_ = o.body.streaming && o.body.include_usage;
  }

  CaseOutcome Run() {
    if (o_.warmup_count > 0) Phase(true, o_.warmup_count, 0);
    outcome_.start_ns = clock_.Now();
    if (interrupts_.load() == 0)
      Phase(false, o_.duration_s > 0 ? 0 : o_.request_count, Ns(o_.duration_s));
    outcome_.end_ns = clock_.Now();
    outcome_.include_usage_dropped = o_.body.streaming && o_.body.include_usage && !include_usage_;
    return outcome_;
  }

 private:
  void Phase(bool warmup, uint64_t count, int64_t duration_ns);
  void Issue(bool warmup, int64_t scheduled_ns, uint64_t request_id, int64_t ready_ns);
  void Finish(records::Record record, bool warmup);

  const CaseOptions& o_;
  const std::vector<inputs::Prompt>& prompts_;
  Bodies bodies_;
  records::RecordSink& sink_;
  const std::atomic<int>& interrupts_;
  const std::function<void(const Progress&)>& on_progress_;
  transport::Transport& transport_;
  const base::Clock& clock_;
  CaseOutcome outcome_;
  bool include_usage_ = true;
  std::unordered_set<uint64_t> asked_usage_;  // in flight with stream_options
  uint64_t next_id_ = 0;
  uint64_t done_ = 0, errors_ = 0;
  std::priority_queue<std::pair<int64_t, uint64_t>, std::vector<std::pair<int64_t, uint64_t>>,
                      std::greater<>>
      cancels_;
};

void CaseRunner::Issue(bool warmup, int64_t scheduled_ns, uint64_t request_id, int64_t ready_ns) {
  const size_t index = request_id % prompts_.size();
  records::Record seed;
  seed.request_id = request_id;
  seed.model = o_.body.model;
  seed.warmup = warmup;
  seed.scheduled_ns = scheduled_ns;
  seed.ready_ns = ready_ns;
  seed.streaming = o_.body.streaming && endpoints::ProducesTokens(o_.type);
  seed.input_tokens = prompts_[index].input_tokens;
  seed.requested_max_tokens = prompts_[index].max_tokens;
  if (include_usage_) asked_usage_.insert(request_id);
  transport_.Start(std::move(seed), o_.url, bodies_.Get(index, include_usage_));
  if (o_.cancellation_rate_pct > 0 &&
      base::UnitOf(o_.seed, request_id, 0xca9ce1) * 100 < o_.cancellation_rate_pct) {
    cancels_.push({clock_.Now() + Ns(o_.cancellation_delay_s), request_id});
  }
}

void CaseRunner::Finish(records::Record record, bool warmup) {
  // A server that rejects stream_options: from the first refusal on, requests go without it,
  // and each request refused for carrying it is sent once more without it.
  const bool asked_usage = asked_usage_.erase(record.request_id) > 0;
  if (asked_usage && !record.error && (record.status == 400 || record.status == 422)) {
    include_usage_ = false;
    Issue(warmup, record.scheduled_ns, record.request_id, record.ready_ns);
    return;
  }
  ++done_;
  if (record.error || record.status >= 400) ++errors_;
  sink_.Add(std::move(record));
}

void CaseRunner::Phase(bool warmup, uint64_t count, int64_t duration_ns) {
  const int64_t t0 = clock_.Now() + 1'000'000;
  schedule::LoadShape shape = o_.load;
  shape.total = count;
  shape.seed = o_.seed + (warmup ? 1 : 0);
  auto schedule = schedule::MakeSchedule(shape, t0);
  const int64_t stop_issuing = duration_ns > 0 ? t0 + duration_ns : kNever;
  int64_t hard_end = duration_ns > 0 ? stop_issuing + Ns(o_.grace_s) : kNever;
  bool stopping = false;
  uint64_t issued = 0;
  int64_t last_progress = 0;
  // Open loop with a cap: the next arrival found every slot busy, and when one first freed.
  const bool capped = o_.load.request_rate > 0 && o_.load.concurrency > 0;
  bool waiting_for_slot = false;
  int64_t slot_freed_ns = 0;
  done_ = errors_ = 0;
  std::vector<records::Record> finished;
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
    while (!cancels_.empty() && cancels_.top().first <= now) {
      transport_.Cancel(cancels_.top().second,
                        {499, "cancelled", "cancelled by --request-cancellation-rate"});
      cancels_.pop();
    }
    const bool issuing = !stopping && now < stop_issuing;
    const schedule::Progress progress{now, issued, transport_.in_flight()};
    const schedule::Due due = issuing ? schedule->Next(progress) : schedule::Due{};
    if (capped && due.kind == schedule::Due::Kind::kWhenSlotFrees) waiting_for_slot = true;
    if (due.kind == schedule::Due::Kind::kAt && due.at_ns <= now) {
      const int64_t ready = waiting_for_slot ? std::max(due.at_ns, slot_freed_ns) : 0;
      waiting_for_slot = false;
      slot_freed_ns = 0;
      Issue(warmup, due.at_ns, next_id_++, ready);
      ++issued;
      schedule->Started({now, issued, transport_.in_flight()});
      continue;
    }
    if (due.kind == schedule::Due::Kind::kStop && transport_.in_flight() == 0) {
      break;
    }
    int64_t deadline = std::min({hard_end, now + kMaxWaitNs, issuing ? stop_issuing : kNever});
    if (due.kind == schedule::Due::Kind::kAt) deadline = std::min(deadline, due.at_ns);
    if (!cancels_.empty()) deadline = std::min(deadline, cancels_.top().first);
    transport_.Poll(deadline, finished);
    for (auto& r : finished) {
      if (waiting_for_slot && slot_freed_ns == 0) slot_freed_ns = r.end_ns;
      Finish(std::move(r), warmup);
    }
    finished.clear();
    if (on_progress_ && now - last_progress >= kProgressEveryNs) {
      last_progress = now;
      on_progress_({done_, count, errors_, now - t0, warmup});
    }
  }
  // Requests still running at the end of the grace period are cut. Each still gets its record,
  // marked as cut, so every request sent is counted and visible; the metrics leave them out.
  const size_t left = transport_.in_flight();
  if (left > 0) {
    for (uint64_t id = 0; id < next_id_; ++id) {
      transport_.Cancel(id, {499, records::kGracePeriodCut,
                             "still running at the end of the grace period; cut and excluded "
                             "from the metrics"});
    }
    transport_.Poll(0, finished);
    for (auto& r : finished) Finish(std::move(r), warmup);
    finished.clear();
  }
  while (!cancels_.empty()) cancels_.pop();
  if (!warmup) {
    outcome_.issued = issued;
    outcome_.dropped = left;
  }
  if (on_progress_) on_progress_({done_, count, errors_, clock_.Now() - t0, warmup});
}

}  // namespace

base::Expected<CaseOutcome> RunCase(const CaseOptions& options,
                                    const std::vector<inputs::Prompt>& prompts,
                                    records::RecordSink& sink, const std::atomic<int>& interrupts,
                                    const std::function<void(const Progress&)>& on_progress) {
  transport::CurlMultiTransport transport(options.transport);
  const base::SystemClock clock;
  return RunCase(options, prompts, sink, interrupts, on_progress, transport, clock);
}

base::Expected<CaseOutcome> RunCase(const CaseOptions& options,
                                    const std::vector<inputs::Prompt>& prompts,
                                    records::RecordSink& sink, const std::atomic<int>& interrupts,
                                    const std::function<void(const Progress&)>& on_progress,
                                    transport::Transport& transport, const base::Clock& clock) {
  if (prompts.empty()) return base::MakeError("no prompts to send");
  CaseRunner runner(options, prompts, sink, interrupts, on_progress, transport, clock);
  return runner.Run();
}

}  // namespace servebench::engine
