// Starts the mock in-process on a free loopback port for one test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "mock/mock_server.h"
#include "tests/support/raw_http.h"

namespace servebench::testing {

class RunningMock {
 public:
  explicit RunningMock(mock::MockOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<mock::MockServer>(options);
    auto port = server_->Start();
    if (!port) throw std::runtime_error(port.error().message);
    port_ = *port;
  }
  int port() const { return port_; }
  mock::MockServer& server() { return *server_; }
  HttpReply Chat(const nlohmann::json& extra, const std::vector<std::string>& headers = {}) {
    nlohmann::json body = {{"model", "m"},
                           {"messages", {{{"role", "user"}, {"content", "hello"}}}}};
    if (extra.is_object()) body.update(extra);
    return HttpPost(port_, "/v1/chat/completions", body.dump(), headers);
  }

 private:
  std::unique_ptr<mock::MockServer> server_;
  int port_ = 0;
};

inline nlohmann::json Json(const std::string& text) { return nlohmann::json::parse(text); }

}  // namespace servebench::testing
