// Fakes for the engine's seams: a clock that moves only when told, a scripted transport that
// finishes each request at the time its script says (moving the fake clock to it), and a sink
// that keeps records. With them, schedule, cancellation, grace period, warmup and Ctrl-C run in
// fake milliseconds with exact expectations.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/clock.h"
#include "runner/engine/run_case.h"
#include "runner/records/record_sink.h"
#include "runner/transport/transport.h"

namespace servebench::testing {

class FakeClock : public base::Clock {
 public:
  explicit FakeClock(int64_t start_ns = 1'000'000'000) : now_(start_ns) {}
  int64_t Now() const override { return now_; }
  void Set(int64_t ns) { now_ = std::max(now_, ns); }

 private:
  int64_t now_;
};

inline constexpr int64_t kMs = 1'000'000;

// What the scripted server does with one request.
struct FakeReply {
  int64_t duration_ns = 10 * kMs;  // from start to the last byte
  int status = 200;
  std::optional<records::RecordError> error;
  // A streamed reply: each SSE event's data and when its first byte arrives, after the start.
  std::vector<std::pair<int64_t, std::string>> events = {};
};

// A chat stream as the OpenAI API sends it: a role delta, one content delta per word at the
// given times (ns after the start), the finish, the usage, then [DONE] at `done_ns`.
inline std::vector<std::pair<int64_t, std::string>> ChatStream(
    const std::vector<std::pair<int64_t, std::string>>& words, int64_t done_ns) {
  const auto delta = [](const std::string& field) {
    return R"({"choices":[{"index":0,"delta":{)" + field + "}}]}";
  };
  std::vector<std::pair<int64_t, std::string>> events = {
      {words.empty() ? done_ns : words.front().first, delta(R"("role":"assistant","content":"")")}};
  for (const auto& [at, word] : words)
    events.push_back({at, delta(R"("content":")" + word + "\"")});
  events.push_back({done_ns, R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"});
  events.push_back({done_ns, R"({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":)" +
                                 std::to_string(words.size()) + "}}"});
  events.push_back({done_ns, "[DONE]"});
  return events;
}

class FakeTransport : public transport::Transport {
 public:
  using Script = std::function<FakeReply(const records::Record& started)>;
  FakeTransport(FakeClock& clock, Script script) : clock_(clock), script_(std::move(script)) {}

  // Runs `action` when the fake clock reaches at_ns (the transport wakes the engine then).
  void At(int64_t at_ns, std::function<void()> action) { hooks_.emplace(at_ns, std::move(action)); }

  void Start(records::Record seed, const std::string&,
             std::shared_ptr<const std::string> body) override {
    seed.start_ns = clock_.Now();
    const FakeReply reply = script_(seed);
    seed.headers_ns = seed.start_ns;
    seed.end_ns = seed.start_ns + reply.duration_ns;
    seed.status = reply.status;
    seed.error = reply.error;
    for (const auto& [after_ns, data] : reply.events)
      seed.events.push_back({seed.start_ns + after_ns, data, false});
    if (!reply.events.empty()) seed.content_type = "text/event-stream";
    if (reply_body) seed.body = reply_body(seed);
    started.push_back(seed);
    bodies.push_back(*body);
    in_flight_[seed.request_id] = std::move(seed);
  }
  void Cancel(uint64_t request_id, records::RecordError error) override {
    auto it = in_flight_.find(request_id);
    if (it == in_flight_.end()) return;
    it->second.end_ns = clock_.Now();
    it->second.error = std::move(error);
    std::erase_if(it->second.events, [&](const records::Event& e) { return e.ns > clock_.Now(); });
  }
  void Poll(int64_t deadline_ns, std::vector<records::Record>& finished) override {
    int64_t wake = deadline_ns;
    for (const auto& [id, r] : in_flight_) wake = std::min(wake, r.end_ns);
    if (!hooks_.empty()) wake = std::min(wake, hooks_.begin()->first);
    clock_.Set(wake);
    while (!hooks_.empty() && hooks_.begin()->first <= clock_.Now()) {
      auto action = std::move(hooks_.begin()->second);
      hooks_.erase(hooks_.begin());
      action();
    }
    for (auto it = in_flight_.begin(); it != in_flight_.end();) {
      if (it->second.end_ns <= clock_.Now()) {
        finished.push_back(std::move(it->second));
        it = in_flight_.erase(it);
      } else {
        ++it;
      }
    }
  }
  size_t in_flight() const override { return in_flight_.size(); }
  // Opens every connection asked for, at once, and remembers the call.
  size_t Prewarm(const std::string& url, size_t connections, int64_t deadline_ns,
                 const std::atomic<int>&) override {
    prewarms.push_back({url, connections, clock_.Now(), deadline_ns});
    return connections;
  }

  struct PrewarmCall {
    std::string url;
    size_t connections = 0;
    int64_t at_ns = 0, deadline_ns = 0;
  };
  std::vector<PrewarmCall> prewarms;
  std::vector<records::Record> started;  // every request as it started
  std::vector<std::string> bodies;
  // The whole (not streamed) reply body of a request, when set.
  std::function<std::string(const records::Record&)> reply_body;

 private:
  FakeClock& clock_;
  Script script_;
  std::map<uint64_t, records::Record> in_flight_;
  std::multimap<int64_t, std::function<void()>> hooks_;
};

// A reply of `ms` fake milliseconds for every request.
inline FakeTransport::Script Takes(int64_t ms) {
  return [ms](const records::Record&) { return FakeReply{ms * kMs, 200, std::nullopt}; };
}

class VectorSink : public records::RecordSink {
 public:
  void Add(records::Record record) override {
    std::lock_guard lock(mutex_);
    records.push_back(std::move(record));
  }
  std::vector<records::Record> records;

 private:
  std::mutex mutex_;
};

// A streaming chat case on the fakes, closed loop unless a test sets a rate.
inline engine::CaseOptions FakeCase(int64_t concurrency, uint64_t count) {
  engine::CaseOptions o;
  o.url = "http://fake/v1/chat/completions";
  o.body.model = "m";
  o.body.streaming = true;
  o.load.concurrency = concurrency;
  o.request_count = count;
  return o;
}

// The engine's world on fakes: a clock, a scripted transport on it, a sink and Ctrl-C presses.
struct FakeRig {
  FakeClock clock;
  FakeTransport transport;
  VectorSink sink;
  std::atomic<int> interrupts{0};
  explicit FakeRig(FakeTransport::Script script) : transport(clock, std::move(script)) {}
};

}  // namespace servebench::testing
