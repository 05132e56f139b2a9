#include "mock/tokenize.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runner/base/json.h"

namespace servebench::mock {
namespace {

using Json = nlohmann::json;

constexpr int64_t kMaxModelLen = 131072;  // what the mock reports; it enforces no limit

// The request's JSON object with a string "model" it serves, or the refusal in *reply.
std::optional<Json> ReadBody(MockState& state, const HttpRequest& request, Reply* reply) {
  if (!state.Authorized(request, reply)) return std::nullopt;
  if (state.token_counter->tokenizer() == nullptr) {
    *reply = MockState::Fail(404, "mock: /tokenize and /detokenize need the mock's --tokenizer",
                             "invalid_request_error", "unknown_url");
    return std::nullopt;
  }
  Json body = base::ParseJson<Json>(request.body);
  if (body.is_discarded() || !body.is_object() || !body.contains("model") ||
      !body["model"].is_string()) {
    ++state.counters.bad_requests;
    *reply = MockState::Fail(400, "A tokenize request needs a JSON object with 'model' (string).",
                             "invalid_request_error", "invalid_value");
    return std::nullopt;
  }
  if (!state.ServesModel(body["model"].get<std::string>())) {
    *reply = state.UnknownModel(body["model"].get<std::string>());
    return std::nullopt;
  }
  return body;
}

// The text a request asks about: "prompt", or the contents of "messages" joined as the mock
// counts a chat prompt.
std::optional<std::string> TextOf(const Json& body) {
  if (body.contains("prompt") && body["prompt"].is_string())
    return body["prompt"].get<std::string>();
  if (!body.contains("messages") || !body["messages"].is_array()) return std::nullopt;
  std::string text;
  for (const auto& m : body["messages"]) {
    if (!m.is_object() || !m.contains("content") || !m["content"].is_string()) return std::nullopt;
    text += m["content"].get<std::string>();
  }
  return text;
}

Reply JsonReply(const Json& body) {
  Reply r;
  r.body = body.dump();
  return r;
}

}  // namespace

Reply Tokenize(MockState& state, const HttpRequest& request) {
  Reply refusal;
  const auto body = ReadBody(state, request, &refusal);
  if (!body) return refusal;
  const auto text = TextOf(*body);
  if (!text) {
    ++state.counters.bad_requests;
    return MockState::Fail(400, "A tokenize request needs 'prompt' (string) or 'messages'.",
                           "invalid_request_error", "invalid_value");
  }
  const std::vector<int> ids = state.token_counter->tokenizer()->Encode(*text);
  return JsonReply({{"count", ids.size()}, {"max_model_len", kMaxModelLen}, {"tokens", ids}});
}

Reply Detokenize(MockState& state, const HttpRequest& request) {
  Reply refusal;
  const auto body = ReadBody(state, request, &refusal);
  if (!body) return refusal;
  const Json tokens = body->value("tokens", Json());
  if (!tokens.is_array() || !std::all_of(tokens.begin(), tokens.end(), [](const Json& t) {
        return t.is_number_integer() && t.get<int64_t>() >= 0 && t.get<int64_t>() < (1 << 30);
      })) {
    ++state.counters.bad_requests;
    return MockState::Fail(400, "A detokenize request needs 'tokens' (a list of token ids).",
                           "invalid_request_error", "invalid_value");
  }
  return JsonReply(
      {{"prompt", state.token_counter->tokenizer()->Decode(tokens.get<std::vector<int>>())}});
}

}  // namespace servebench::mock
