#include "mock/send_log.h"

#include <nlohmann/json.hpp>

namespace servebench::mock {

bool SendLog::Open(const std::string& path) {
  if (path.empty()) return true;
  file_ = std::fopen(path.c_str(), "w");
  return file_ != nullptr;
}

void SendLog::Write(const SendLogEntry& e) {
  if (file_ == nullptr) return;
  nlohmann::json line = {
      {"index", e.index},   {"request_id", e.request_id},   {"endpoint", e.endpoint},
      {"status", e.status}, {"received_ns", e.received_ns}, {"events_ns", e.events_ns},
      {"due_ns", e.due_ns}, {"content", e.content_events}};
  if (e.arrived_ns > 0) line["arrived_ns"] = e.arrived_ns;
  if (!e.correlation_id.empty()) line["correlation_id"] = e.correlation_id;
  if (e.cached_tokens >= 0) line["cached_tokens"] = e.cached_tokens;
  if (!e.body.empty()) line["body"] = e.body;
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::fwrite(text.data(), 1, text.size(), file_);
  std::fflush(file_);
}

SendLog::~SendLog() {
  if (file_ != nullptr) std::fclose(file_);
}

}  // namespace servebench::mock
