// What real servers do differently (issue 10), end to end with the real binary: output caps a
// server ignores, model names it does not list, streams of tool calls only, empty replies, and
// llama.cpp's shapes (role in every delta, usage on the finish chunk, [DONE] with no blank line).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "runner/tokenizers/tokenizer.h"
#include "tests/support/child_process.h"
#include "tests/support/hostile_server.h"

namespace servebench::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

class ServerQuirks : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = FreshTempDir("servebench-quirks"); }
  void TearDown() override { fs::remove_all(dir_); }

  Exited Profile(const std::string& url, const std::string& name,
                 const std::vector<std::string>& extra) {
    std::vector<std::string> args = {kBinary,
                                     "profile",
                                     "--model",
                                     "m",
                                     "--url",
                                     url,
                                     "--streaming",
                                     "--isl",
                                     "16",
                                     "--artifact-dir",
                                     (dir_ / name).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Reap(Spawn(args, dir_ / (name + ".txt")));
  }
  std::vector<Json> Lines(const std::string& name) {
    std::vector<Json> lines;
    std::ifstream in(dir_ / name / "profile_export.jsonl");
    for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
    return lines;
  }
  Json Export(const std::string& name) {
    return Json::parse(ReadFile(dir_ / name / "profile_export.json"));
  }

  fs::path dir_;
};

// llama.cpp's chat chunk: role repeated in every delta.
std::string LlamaDelta(const std::string& delta, const std::string& finish = "",
                       const std::string& usage = "") {
  return R"(data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant")" +
         (delta.empty() ? "" : "," + delta) +
         "},\"finish_reason\":" + (finish.empty() ? "null" : "\"" + finish + "\"") + "}]" +
         (usage.empty() ? "" : ",\"usage\":" + usage) + "}\n\n";
}

std::string ToolDelta(const std::string& arguments) {
  return LlamaDelta(R"("tool_calls":[{"index":0,"function":{"arguments":")" + arguments +
                    R"("}}])");
}

// A stream over Connection: close whose last line is "data: [DONE]" with no blank line after it.
bool SendStream(int fd, const std::string& events) {
  SendAll(fd, Head("200 OK", {"Content-Type: text/event-stream", "Connection: close"}) + events +
                  "data: [DONE]");
  return true;
}

TEST_F(ServerQuirks, TheOutputCapHoldsOnAServerThatIgnoresMaxCompletionTokens) {
  auto run = [&](const std::string& name, bool ignoring) {
    std::vector<std::string> flags = {"--osl",          "16", "--request-count", "6",
                                      "--concurrency",  "3",  "--extra-inputs",  "ignore_eos:true",
                                      "--mock-ttft-ms", "1",  "--mock-itl-ms",   "1"};
    if (ignoring) flags.push_back("--mock-ignore-max-completion-tokens");
    return Profile("mock", name, flags);
  };
  const Exited ignoring = run("ignoring", true);
  EXPECT_EQ(ignoring.code, 0) << ignoring.output;
  EXPECT_NE(ignoring.output.find("the server ignored max_completion_tokens"), std::string::npos)
      << ignoring.output;
  EXPECT_NE(ignoring.output.find("output caps are sent as max_tokens"), std::string::npos);
  EXPECT_EQ(Export("ignoring")["input_config"]["max_tokens_field_used"], "max_tokens");
  const auto lines = Lines("ignoring");
  ASSERT_EQ(lines.size(), 6u);
  for (const auto& l : lines) EXPECT_EQ(l["metrics"]["output_sequence_length"]["value"], 16) << l;

  const Exited honouring = run("honouring", false);
  EXPECT_EQ(honouring.code, 0);
  EXPECT_EQ(honouring.output.find("ignored"), std::string::npos) << honouring.output;
  EXPECT_EQ(Export("honouring")["input_config"]["max_tokens_field_used"], "max_completion_tokens");
}

TEST_F(ServerQuirks, TheCapProbeLeavesAOneSlotServerThatIgnoresMaxCompletionTokensFree) {
  // One slot, max_completion_tokens ignored, and an uncapped reply generated to the end whether
  // or not the client stays (as a one-slot llama.cpp engine does): after one uncapped request
  // the slot is taken for good, and every later request waits until it times out.
  auto wedged = std::make_shared<std::atomic<bool>>(false);
  HostileServer server([wedged](int fd, const HostileRequest& r) {
    if (r.method != "POST") return false;
    if (wedged->load()) {
      SendEndlessChat(fd);
      return true;
    }
    const Json body = Json::parse(r.body);
    if (!body.contains("max_tokens")) {
      wedged->store(true);
      SendEndlessChat(fd);
      return true;
    }
    const int64_t tokens = body["max_tokens"].get<int64_t>();
    std::string events;
    for (int64_t t = 0; t < tokens; ++t) events += LlamaDelta(R"("content":" a")");
    const std::string usage = R"({"prompt_tokens":16,"completion_tokens":)" +
                              std::to_string(tokens) + R"(,"total_tokens":)" +
                              std::to_string(16 + tokens) + "}";
    return SendStream(fd, events + LlamaDelta("", "length", usage));
  });
  const Exited e =
      Profile(server.url(), "one-slot",
              {"--osl", "4", "--request-count", "3", "--request-timeout-seconds", "5"});
  EXPECT_EQ(e.code, 0) << e.output;
  EXPECT_FALSE(wedged->load()) << e.output;
  EXPECT_NE(e.output.find("a probe capped at 2 tokens got 3 tokens"), std::string::npos)
      << e.output;
  const auto lines = Lines("one-slot");
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& l : lines) EXPECT_EQ(l["metrics"]["output_sequence_length"]["value"], 4) << l;
}

TEST_F(ServerQuirks, AServerThatRefusesTheFieldGetsMaxTokens) {
  HostileServer server([](int fd, const HostileRequest& r) {
    if (r.method != "POST") return false;
    if (r.body.find("max_completion_tokens") != std::string::npos) {
      const std::string error = R"({"error":{"message":"unknown field","type":"invalid"}})";
      SendAll(fd, Head("400 Bad Request", {"Content-Type: application/json",
                                           "Content-Length: " + std::to_string(error.size())}) +
                      error);
      return true;
    }
    return SendStream(fd, LlamaDelta(R"("content":"a")") + LlamaDelta("", "stop"));
  });
  const Exited e = Profile(server.url(), "refusing", {"--osl", "4", "--request-count", "2"});
  EXPECT_EQ(e.code, 0) << e.output;
  EXPECT_NE(e.output.find("the server refused max_completion_tokens (HTTP 400)"), std::string::npos)
      << e.output;
}

TEST_F(ServerQuirks, AModelTheServerDoesNotListRunsWithAWarning) {
  HostileServer server([](int fd, const HostileRequest& r) {
    if (r.path == "/v1/models") {
      const std::string list = R"({"object":"list","data":[{"id":"/models/tiny.gguf"}]})";
      SendAll(fd, Head("200 OK", {"Content-Type: application/json",
                                  "Content-Length: " + std::to_string(list.size())}) +
                      list);
      return true;
    }
    return SendStream(fd, LlamaDelta(R"("content":"a")") + LlamaDelta("", "stop"));
  });
  const Exited e = Profile(server.url(), "unlisted", {"--request-count", "2"});
  EXPECT_EQ(e.code, 0) << e.output;
  EXPECT_NE(e.output.find("model 'm' is not listed by"), std::string::npos) << e.output;
  EXPECT_NE(e.output.find("/models/tiny.gguf"), std::string::npos);
}

// A server that closes the connection after each answer keeps no prewarmed connection: the run
// says so, and every request connects when it leaves, with its connect time.
TEST_F(ServerQuirks, AServerThatClosesAfterTheModelListKeepsNoWarmConnection) {
  HostileServer server([&](int fd, const HostileRequest& r) {
    if (r.method == "GET") {
      const std::string list = R"({"object":"list","data":[{"id":"m","object":"model"}]})";
      SendAll(fd, Head("200 OK", {"Content-Type: application/json", "Connection: close",
                                  "Content-Length: " + std::to_string(list.size())}) +
                      list);
      return false;
    }
    return SendStream(fd, LlamaDelta(R"("content":"a")") + LlamaDelta("", "stop"));
  });
  const Exited e = Profile(server.url(), "closes", {"--request-count", "8", "--concurrency", "4"});
  EXPECT_EQ(e.code, 0) << e.output;
  EXPECT_NE(e.output.find("0 of 4 connections were opened before the clock started"),
            std::string::npos)
      << e.output;
  int connected = 0;
  for (const Json& line : Lines("closes")) connected += line["metrics"].contains("connect_time");
  EXPECT_EQ(connected, 8);
}

// A server still loading answers 503 to /v1/models: --wait-for-model-timeout polls until it is
// up; without it, the run goes on at once.
TEST_F(ServerQuirks, WaitForModelPollsAServerThatIsStillLoading) {
  for (bool wait : {true, false}) {
    std::atomic<int> gets{0};
    HostileServer server([&](int fd, const HostileRequest& r) {
      if (r.method == "GET" && gets++ < 3) {
        SendAll(fd, Head("503 Service Unavailable", {"Content-Length: 0"}));
        return true;
      }
      if (r.method != "POST") return false;
      return SendStream(fd, LlamaDelta(R"("content":"a")") + LlamaDelta("", "stop"));
    });
    // The readiness check's GETs alone: no connection is prewarmed (with one, a GET more).
    std::vector<std::string> flags = {"--request-count", "1", "--no-prewarm"};
    if (wait) flags.insert(flags.end(), {"--wait-for-model-timeout", "30"});
    const Exited e = Profile(server.url(), wait ? "waited" : "not-waited", flags);
    EXPECT_EQ(e.code, 0) << e.output;
    EXPECT_EQ(gets.load(), wait ? 4 : 1);  // polled through three 503s, or asked once
  }
}

// A rate above what a concurrency cap lets through: arrivals wait for slots (cap_wait), which is
// neither the client's lateness nor an invalid run. Per request, the wait, the client's lag and
// the latency add up exactly to the latency from schedule.
TEST_F(ServerQuirks, CappedArrivalsWaitWithoutCountingAsScheduleLag) {
  const Exited e = Profile("mock", "capped",
                           {"--request-rate", "40", "--concurrency", "1", "--request-count", "20",
                            "--osl", "3", "--mock-ttft-ms", "40", "--mock-itl-ms", "2"});
  EXPECT_EQ(e.code, 0) << e.output;
  EXPECT_NE(e.output.find("capped: "), std::string::npos) << e.output;
  const Json j = Export("capped");
  EXPECT_GT(j["capped_arrival_share"]["value"].get<double>(), 0);
  int waited = 0;
  for (const auto& l : Lines("capped")) {
    const Json& m = l["metrics"];
    const double wait = m.contains("cap_wait") ? m["cap_wait"]["value"].get<double>() : 0.0;
    waited += wait > 0;
    EXPECT_NEAR(m["latency_from_schedule"]["value"].get<double>(),
                wait + m["schedule_lag"]["value"].get<double>() +
                    m["request_latency"]["value"].get<double>(),
                1e-6)
        << l;
  }
  EXPECT_GT(waited, 0);
}

// Tool calls are output: they stamp TTFT, ITL and OSL. With usage on the finish chunk, OSL is
// the server's; without usage, the client tokenizer counts the arguments' text.
TEST_F(ServerQuirks, AToolCallOnlyStreamHasTtftItlAndOsl) {
  const std::vector<std::string> fragments = {"{\\\"city\\\":", " \\\"Paris\\\",",
                                              " \\\"unit\\\": \\\"celsius\\\"}"};
  for (bool usage : {true, false}) {
    HostileServer server([&](int fd, const HostileRequest& r) {
      if (r.method != "POST") return false;
      std::string events = LlamaDelta(R"("content":null)");
      for (const auto& f : fragments) events += ToolDelta(f);
      events +=
          LlamaDelta("", "tool_calls", usage ? R"({"prompt_tokens":9,"completion_tokens":3})" : "");
      return SendStream(fd, events);
    });
    const std::string name = usage ? "tools-usage" : "tools-client";
    const Exited e = Profile(server.url(), name,
                             {"--request-count", "2", "--tokenizer", SERVEBENCH_TEST_TOKENIZER});
    EXPECT_EQ(e.code, 0) << e.output;
    const auto lines = Lines(name);
    ASSERT_EQ(lines.size(), 2u);
    auto tokenizer = tokenizers::Tokenizer::Load(SERVEBENCH_TEST_TOKENIZER);
    ASSERT_TRUE(tokenizer.ok());
    const double client_count =
        static_cast<double>((*tokenizer)->Count(R"({"city": "Paris", "unit": "celsius"})"));
    for (const auto& l : lines) {
      EXPECT_TRUE(l["error"].is_null()) << l;
      EXPECT_TRUE(l["metrics"].contains("time_to_first_token"));
      EXPECT_TRUE(l["metrics"].contains("inter_token_latency"));
      EXPECT_EQ(l["metrics"]["output_sequence_length"]["value"].get<double>(),
                usage ? 3 : client_count)
          << l;
      EXPECT_EQ(l["metrics"]["inter_chunk_latency"]["value"].size(), 2u);  // three tool-call events
    }
  }
}

// A clean finish with no output is the model's empty reply, apart from a broken stream.
TEST_F(ServerQuirks, AnEmptyReplyIsEmptyResponseNotABrokenStream) {
  HostileServer server([](int fd, const HostileRequest& r) {
    if (r.method != "POST") return false;
    return SendStream(fd,
                      LlamaDelta(R"("content":"")") +
                          LlamaDelta("", "stop", R"({"prompt_tokens":7,"completion_tokens":0})"));
  });
  const Exited e = Profile(server.url(), "empty", {"--request-count", "2"});
  EXPECT_EQ(e.code, 1);  // nothing succeeded
  for (const auto& l : Lines("empty")) {
    EXPECT_EQ(l["error"]["type"], "empty_response");
    EXPECT_EQ(l["metrics"]["server_input_sequence_length"]["value"],
              7);  // the server's usage is kept
  }
  EXPECT_NE(e.output.find("the server finished cleanly with no output"), std::string::npos)
      << e.output;
}

}  // namespace
}  // namespace servebench::testing
