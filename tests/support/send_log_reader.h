// Reads the mock's --send-log back for tests.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace servebench::testing {

struct LoggedRequest {
  std::string request_id;
  int64_t received_ns = 0;
  std::vector<int64_t> events_ns;
  std::vector<int64_t> due_ns;
  std::vector<int> content;
  int64_t arrived_ns = 0;  // 0 when the log has none
  std::vector<int64_t> ContentNs() const { return OfContent(events_ns); }
  std::vector<int64_t> ContentDueNs() const { return OfContent(due_ns); }
  std::vector<int64_t> OfContent(const std::vector<int64_t>& all) const {
    std::vector<int64_t> out;
    for (size_t i = 0; i < all.size(); ++i) {
      if (content[i]) out.push_back(all[i]);
    }
    return out;
  }
};

inline std::vector<LoggedRequest> ReadSendLog(const std::string& path) {
  std::vector<LoggedRequest> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    out.push_back({j["request_id"], j["received_ns"], j["events_ns"], j["due_ns"], j["content"],
                   j.value("arrived_ns", int64_t{0})});
  }
  return out;
}

}  // namespace servebench::testing
