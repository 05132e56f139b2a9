// The server identity probe against servers servebench did not write: a vLLM-like one (Server
// header, /version), one that lists nothing, and one that is not there.
#include "runner/transport/server_identity.h"

#include <gtest/gtest.h>

#include "tests/support/hostile_server.h"

namespace servebench::testing {
namespace {

using Json = nlohmann::json;

void SendJson(int fd, const std::string& body) {
  SendAll(fd, Head("200 OK", {"Content-Type: application/json", "server:   uvicorn  ",
                              "Content-Length: " + std::to_string(body.size())}) +
                  body);
}

TEST(ServerIdentity, AVllmLikeServerGivesItsModelsOwnersServerHeaderAndVersion) {
  HostileServer server([](int fd, const HostileRequest& r) {
    if (r.path == "/v1/models") {
      SendJson(fd, R"({"object":"list","data":[{"id":"Qwen/Qwen3-8B","owned_by":"vllm"},
                       {"id":"lora-a"}, 7]})");
    } else if (r.path == "/version") {
      SendJson(fd, R"({"version":"0.11.0"})");
    } else {
      return false;
    }
    return true;
  });
  const Json identity = transport::ProbeServerIdentity(server.url(), {}, 0);
  EXPECT_EQ(identity, Json::parse(R"({"models": [{"id": "Qwen/Qwen3-8B", "owned_by": "vllm"},
                                                 {"id": "lora-a"}],
                                      "server_header": "uvicorn", "version": "0.11.0"})"));
}

TEST(ServerIdentity, AServerWithoutAModelListOrVersionGivesWhatItHas) {
  HostileServer server([](int fd, const HostileRequest& r) {
    if (r.path == "/version") {
      SendAll(fd, Head("200 OK", {"Content-Type: text/html", "Content-Length: 6"}) + "<html>");
    } else {
      SendAll(fd, Head("404 Not Found", {"Content-Length: 0"}));
    }
    return true;
  });
  EXPECT_EQ(transport::ProbeServerIdentity(server.url(), {}, 0), Json::object());
}

TEST(ServerIdentity, AnUnreachableServerGivesAnEmptyIdentity) {
  EXPECT_EQ(transport::ProbeServerIdentity("http://127.0.0.1:1", {}, 0), Json::object());
}

}  // namespace
}  // namespace servebench::testing
