// The mock serves OpenAI's exact shapes.
#include <gtest/gtest.h>

#include <cstring>

#include "tests/support/mock_fixture.h"

namespace servebench::testing {
namespace {

mock::MockOptions Fast() {
  mock::MockOptions o;
  o.ttft_ms = 1;
  o.itl_ms = 0.2;
  return o;
}

TEST(MockWire, ChatStreamIsRoleThenContentThenFinishThenUsageThenDone) {
  RunningMock mock(Fast());
  const HttpReply reply = mock.Chat({{"stream", true},
                                     {"max_completion_tokens", 5},
                                     {"ignore_eos", true},
                                     {"stream_options", {{"include_usage", true}}}});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.Header("Content-Type"), "text/event-stream");
  ASSERT_TRUE(reply.complete);
  const auto events = ReadSse(reply);
  ASSERT_EQ(events.size(), 1u + 5 + 1 + 1 + 1);
  const auto role = Json(events[0].data);
  EXPECT_EQ(role["object"], "chat.completion.chunk");
  EXPECT_EQ(role["choices"][0]["delta"], (nlohmann::json{{"role", "assistant"}, {"content", ""}}));
  for (int i = 1; i <= 5; ++i) {
    const auto chunk = Json(events[i].data);
    EXPECT_TRUE(chunk["choices"][0]["delta"]["content"].is_string());
    EXPECT_FALSE(chunk["choices"][0]["delta"]["content"].get<std::string>().empty());
    EXPECT_TRUE(chunk["choices"][0]["finish_reason"].is_null());
    EXPECT_EQ(chunk["id"], role["id"]);
  }
  const auto finish = Json(events[6].data);
  EXPECT_EQ(finish["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(finish["choices"][0]["delta"], nlohmann::json::object());
  const auto usage = Json(events[7].data);
  EXPECT_EQ(usage["choices"], nlohmann::json::array());
  EXPECT_EQ(usage["usage"]["completion_tokens"], 5);
  EXPECT_EQ(usage["usage"]["total_tokens"], usage["usage"]["prompt_tokens"].get<int>() + 5);
  EXPECT_EQ(events[8].data, "[DONE]");
}

TEST(MockWire, NoUsageEventUnlessIncludeUsageIsAsked) {
  RunningMock mock(Fast());
  const auto events =
      ReadSse(mock.Chat({{"stream", true}, {"max_tokens", 3}, {"ignore_eos", true}}));
  ASSERT_EQ(events.size(), 1u + 3 + 1 + 1);
  EXPECT_EQ(events.back().data, "[DONE]");
  for (const auto& e : events) EXPECT_EQ(e.data.find("\"usage\""), std::string::npos);
}

TEST(MockWire, CompletionsStreamCarriesTextAndUsage) {
  RunningMock mock(Fast());
  const nlohmann::json body = {{"model", "m"},       {"prompt", "once upon"},
                               {"stream", true},     {"max_tokens", 4},
                               {"ignore_eos", true}, {"stream_options", {{"include_usage", true}}}};
  const auto events = ReadSse(HttpPost(mock.port(), "/v1/completions", body.dump()));
  ASSERT_EQ(events.size(), 4u + 1 + 1 + 1);
  std::string text;
  for (int i = 0; i < 4; ++i) {
    const auto chunk = Json(events[i].data);
    EXPECT_EQ(chunk["object"], "text_completion");
    text += chunk["choices"][0]["text"].get<std::string>();
  }
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(Json(events[4].data)["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(Json(events[5].data)["usage"]["completion_tokens"], 4);
  EXPECT_EQ(events[6].data, "[DONE]");
}

TEST(MockWire, NonStreamingChatReturnsOneCompletionWithUsage) {
  RunningMock mock(Fast());
  const HttpReply reply = mock.Chat({{"max_completion_tokens", 6}, {"ignore_eos", true}});
  ASSERT_EQ(reply.status, 200);
  const auto body = Json(reply.body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["usage"]["completion_tokens"], 6);
}

TEST(MockWire, EmbeddingsAreDeterministicAndBase64MatchesFloat) {
  mock::MockOptions o = Fast();
  o.embedding_dim = 16;
  RunningMock mock(o);
  const std::string path = "/v1/embeddings";
  const auto floats =
      Json(HttpPost(mock.port(), path, R"({"model":"m","input":["alpha","beta"]})").body);
  const auto again = Json(HttpPost(mock.port(), path, R"({"model":"m","input":"alpha"})").body);
  const auto b64 = Json(
      HttpPost(mock.port(), path, R"({"model":"m","input":["alpha"],"encoding_format":"base64"})")
          .body);
  ASSERT_EQ(floats["data"].size(), 2u);
  EXPECT_EQ(floats["object"], "list");
  EXPECT_EQ(floats["data"][1]["index"], 1);
  const auto vector = floats["data"][0]["embedding"].get<std::vector<float>>();
  ASSERT_EQ(vector.size(), 16u);
  EXPECT_EQ(again["data"][0]["embedding"].get<std::vector<float>>(), vector);
  EXPECT_NE(floats["data"][1]["embedding"].get<std::vector<float>>(), vector);
  // Decode the base64 form and compare the raw float32 values.
  const std::string text = b64["data"][0]["embedding"].get<std::string>();
  std::string bytes;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    acc = (acc << 6) | static_cast<uint32_t>(std::strchr(alphabet, c) - alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  ASSERT_EQ(bytes.size(), 16 * sizeof(float));
  std::vector<float> decoded(16);
  std::memcpy(decoded.data(), bytes.data(), bytes.size());
  EXPECT_EQ(decoded, vector);
  EXPECT_GT(floats["usage"]["prompt_tokens"].get<int>(), 0);
}

TEST(MockWire, ModelsAreListedAndUnknownModelsRejected) {
  mock::MockOptions o = Fast();
  o.models = {"served/one"};
  RunningMock mock(o);
  const auto models = Json(HttpGet(mock.port(), "/v1/models").body);
  EXPECT_EQ(models["data"][0]["id"], "served/one");
  const HttpReply wrong = mock.Chat({});
  EXPECT_EQ(wrong.status, 404);
  EXPECT_EQ(Json(wrong.body)["error"]["code"], "model_not_found");
}

TEST(MockWire, BadBodiesGetAnOpenAiErrorNotACrash) {
  RunningMock mock(Fast());
  for (const std::string body : {"{", "[]", R"({"model":"m"})", R"({"model":"m","messages":"x"})",
                                 R"({"model":1,"messages":[]})"}) {
    const HttpReply reply = HttpPost(mock.port(), "/v1/chat/completions", body);
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_TRUE(Json(reply.body)["error"]["message"].is_string()) << body;
  }
  EXPECT_EQ(mock.server().Stats().bad_requests, 5);
}

}  // namespace
}  // namespace servebench::testing
