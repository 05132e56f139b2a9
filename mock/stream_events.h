// The events of one streamed chat or completions response, in order and with their due times:
// the role delta with the first token, reasoning then content chunks a gap apart, the seeded
// mid-stream faults, the finish chunk, usage when asked for, [DONE]. It also keeps the request's
// send-log entry.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "mock/event_source.h"
#include "mock/openai_shapes.h"
#include "mock/request_plan.h"
#include "mock/send_log.h"
#include "runner/base/rng.h"

namespace servebench::mock {

// The request as the stream needs it.
struct StreamAsk {
  uint64_t index = 0;
  bool chat = true;
  bool include_usage = false;
  std::string model;
  std::string request_id;
  int64_t received_ns = 0;
  int64_t prompt_tokens = 0;
  int64_t cached_tokens = -1;  // in the prefix cache; -1: no cache
  int64_t reasoning_tokens = 0;
  int64_t content_tokens = 0;
  int64_t max_tokens = 0;  // the cap the request asked for (or the mock's default)
  Faults faults;
  SendLogEntry log;                    // the send log's fields known on arrival (ids, body)
  const OutputWords* words = nullptr;  // output words (request_plan.h)
};

struct FaultCounters {
  std::atomic<int64_t>&stalls, &malformed, &disconnects;
};

class StreamEvents : public EventSource {
 public:
  // admitted_ns: when decoding may start (arrival, or when a --max-batch slot freed).
  StreamEvents(const MockOptions& options, StreamAsk ask, int64_t admitted_ns,
               FaultCounters counters);
  bool Next(Piece& piece) override;
  void Sent(const Piece& piece, int64_t sent_ns) override;
  const SendLogEntry& log() const { return log_; }
  Usage usage() const;

 private:
  enum class Step { kChunk, kMalformed, kDisconnect, kFinish, kUsage, kDone, kEnd };
  int64_t chunks() const;
  std::string ChunkEvent(int64_t chunk) const;

  const MockOptions& options_;
  const StreamAsk ask_;
  FaultCounters counters_;
  ChunkShapes shapes_;
  base::Rng rng_;
  SendLogEntry log_;
  Step step_ = Step::kChunk;
  int64_t chunk_ = 0;
  int64_t due_ns_ = 0;
};

}  // namespace servebench::mock
