// The per-request record (metrics.md §1): what the client captured, and the only contract
// between the load stage and everything downstream. Times are CLOCK_MONOTONIC nanoseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace servebench::records {

// The error type of a request still running when the grace period ended: recorded and counted,
// but excluded from the metrics (as AIPerf does).
inline constexpr const char* kGracePeriodCut = "grace_period";

struct RecordError {
  int code = 0;  // HTTP status, 499 for a deliberate cancellation, 0 for transport failures
  // "http", "connect", "timeout", "reset", "tls", "cancelled", "stream", "truncated",
  // "too_large", "redirect", "content_type", "grace_period", ...
  std::string type;
  std::string message;
  bool operator==(const RecordError&) const = default;
};

// One SSE event: the time of its first byte and its data (the `data:` lines joined by "\n").
struct Event {
  int64_t ns = 0;
  std::string data;
  bool is_error = false;  // sent as `event: error`
  bool operator==(const Event&) const = default;
};

struct Record {
  uint64_t request_id = 0;
  std::string model;  // the model the request asked for
  // A conversation's requests share its session id; turn counts from 0. Empty and 0 for a
  // single-turn workload.
  std::string session_id;
  int turn = 0;
  bool warmup = false;
  int64_t scheduled_ns = 0;  // when the schedule meant the request to start
  // Open loop with a concurrency cap: when a slot freed for an arrival that found every slot
  // busy (its wait is the user's choice, not the client's lateness); 0 when it did not wait.
  int64_t ready_ns = 0;
  // Just before it was handed to the transport; on a warm connection, when the transport began
  // writing it (metrics.md: TTFT and latency start here).
  int64_t start_ns = 0;
  int64_t headers_ns = 0;  // status line and headers received
  // A request that opened its own connection: how long connecting took from start_ns, as curl
  // reports it (name lookup and TCP connect); -1 when it went on a warm connection.
  int64_t connect_ns = -1;
  int64_t end_ns = 0;         // last byte, or the failure
  int64_t wall_start_ns = 0;  // CLOCK_REALTIME at start, to place the request on a calendar
  int status = 0;
  std::string content_type;  // the response's Content-Type
  std::string location;      // a redirect's target (Location), not followed
  bool streaming = false;
  int64_t input_tokens = -1;         // the client tokenizer's count of the prompt sent; -1: none
  int64_t requested_max_tokens = 0;  // the output cap asked for; 0: none
  std::vector<Event> events;         // streaming: one per SSE event
  std::string body;                  // not streaming: the whole response body
  std::optional<RecordError> error;
  bool operator==(const Record&) const = default;
};

}  // namespace servebench::records
