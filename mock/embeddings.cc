#include "mock/embeddings.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "mock/openai_shapes.h"
#include "mock/request_plan.h"
#include "runner/base/base64.h"
#include "runner/base/json.h"
#include "runner/base/rng.h"

namespace servebench::mock {
namespace {

using Json = nlohmann::json;

// The inputs: a string, an array of strings, an array of token ids, or an array of those
// arrays. False when the input is none of these.
bool ReadInputs(const Json& input, const PromptTokens& counter, std::vector<std::string>* texts,
                int64_t* tokens) {
  auto add = [&](const Json& item) {
    if (item.is_string()) {
      texts->push_back(item.get<std::string>());
      *tokens += counter.Count(texts->back());
      return true;
    }
    if (item.is_array() && std::all_of(item.begin(), item.end(),
                                       [](const Json& t) { return t.is_number_integer(); })) {
      texts->push_back(item.dump());
      *tokens += static_cast<int64_t>(item.size());
      return true;
    }
    return false;
  };
  const bool token_list = input.is_array() && !input.empty() && input[0].is_number_integer();
  if (token_list || input.is_string()) return add(input);
  if (!input.is_array() || input.empty()) return false;
  return std::all_of(input.begin(), input.end(), add);
}

// A unit vector from the text and the seed.
Json Vector(const std::string& text, const MockOptions& o, bool base64) {
  const uint64_t h = Fnv1a(text) ^ o.seed;
  std::vector<float> v(static_cast<size_t>(o.embedding_dim));
  double norm = 0;
  for (size_t d = 0; d < v.size(); ++d) {
    v[d] = static_cast<float>(base::UnitOf(h, d) * 2 - 1);
    norm += double{v[d]} * v[d];
  }
  for (auto& x : v) x = static_cast<float>(x / std::sqrt(norm));
  if (!base64) return Json(v);
  return Json(base::Base64Encode(
      std::string_view(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float))));
}

}  // namespace

Reply Embed(MockState& state, const HttpRequest& request, int64_t received_ns) {
  const MockOptions& o = state.options;
  Counters& c = state.counters;
  const uint64_t index = static_cast<uint64_t>(c.requests++);
  if (Reply refusal; !state.Authorized(request, &refusal)) return refusal;
  const Json body = base::ParseJson<Json>(request.body);
  if (body.is_discarded() || !body.is_object() || !body.contains("model") ||
      !body["model"].is_string() || !body.contains("input")) {
    ++c.bad_requests;
    return MockState::Fail(400, "An embeddings request needs 'model' (string) and 'input'.",
                           "invalid_request_error", "invalid_value");
  }
  const std::string model = body["model"].get<std::string>();
  if (!state.ServesModel(model)) return state.UnknownModel(model);
  const Faults faults = DecideFaults(o, index);
  if (faults.server_error) {
    ++c.server_errors;
    return MockState::Fail(500, "mock: injected fault", "server_error", "internal_error");
  }
  if (faults.rate_limit) {
    ++c.rate_limited;
    Reply r =
        MockState::Fail(429, "mock: injected fault", "rate_limit_exceeded", "rate_limit_exceeded");
    r.headers = {{"Retry-After", "1"}};
    return r;
  }
  std::vector<std::string> texts;
  int64_t tokens = 0;
  if (!ReadInputs(body["input"], *state.token_counter, &texts, &tokens)) {
    ++c.bad_requests;
    return MockState::Fail(400, "'input' must be a string, an array of strings, or token ids.",
                           "invalid_request_error", "invalid_value");
  }
  const std::string format = body.value("encoding_format", std::string("float"));
  if (format != "float" && format != "base64") {
    ++c.bad_requests;
    return MockState::Fail(400, "'encoding_format' must be 'float' or 'base64'.",
                           "invalid_request_error", "invalid_value");
  }
  Json data = Json::array();
  for (size_t i = 0; i < texts.size(); ++i) {
    data.push_back({{"object", "embedding"},
                    {"index", i},
                    {"embedding", Vector(texts[i], o, format == "base64")}});
  }
  base::Rng rng(base::HashOf(o.seed, index, 0x717e));
  Reply r;
  r.due_ns = FirstTokenDueNs(o, rng, received_ns, tokens);
  r.body = Json{{"object", "list"},
                {"data", data},
                {"model", model},
                {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}}
               .dump();
  r.ended = [&state, index, received_ns, due_ns = r.due_ns,
             request_id = request.Header("x-request-id")](bool whole, int64_t sent_ns) {
    if (!whole) return;
    state.send_log.Write(
        {index, request_id, "embeddings", 200, received_ns, {sent_ns}, {due_ns}, {1}, "", -1, ""});
    ++state.counters.ok;
  };
  return r;
}

}  // namespace servebench::mock
