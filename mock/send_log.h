// --send-log: one JSON line per request with the CLOCK_MONOTONIC time at which the first byte
// of each event was handed to the socket. The ground truth that client timestamps are checked
// against.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace servebench::mock {

struct SendLogEntry {
  uint64_t index = 0;
  std::string request_id;  // the client's X-Request-Id header, when it sent one
  std::string endpoint;
  int status = 0;
  int64_t received_ns = 0;  // when the mock read the whole request
  std::vector<int64_t> events_ns;
  std::vector<int64_t> due_ns;          // per event: when the schedule meant it to leave
  std::vector<uint8_t> content_events;  // per event: 1 when it carried generated text
  std::string correlation_id;           // X-Correlation-ID, when sent
  int64_t cached_tokens = -1;           // prompt tokens found in the prefix cache; -1: no cache
  std::string body;                     // the request body, with --send-log-bodies
  // When its last byte reached the mock's socket (the kernel's receive time): before
  // received_ns by the mock's own queue of reads; 0 when the kernel gave no time.
  int64_t arrived_ns = 0;
};

class SendLog {
 public:
  bool Open(const std::string& path);  // empty path: logging off
  bool enabled() const { return file_ != nullptr; }
  void Write(const SendLogEntry& entry);
  ~SendLog();

 private:
  std::mutex mutex_;
  FILE* file_ = nullptr;
};

}  // namespace servebench::mock
