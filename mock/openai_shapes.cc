#include "mock/openai_shapes.h"

#include <nlohmann/json.hpp>

namespace servebench::mock {
namespace {

std::string Event(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 8);
  out += "data: ";
  out += json;
  out += "\n\n";
  return out;
}

std::string Quoted(std::string_view text) { return nlohmann::json(std::string(text)).dump(); }

}  // namespace

ChunkShapes::ChunkShapes(std::string id, std::string_view object, std::string_view model,
                         int64_t created) {
  head_ = "{\"id\":" + Quoted(id) + ",\"object\":" + Quoted(object) +
          ",\"created\":" + std::to_string(created) + ",\"model\":" + Quoted(model) + ",";
}

std::string ChunkShapes::ChatRole() const {
  return Event(head_ + R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},)"
                       R"("logprobs":null,"finish_reason":null}]})");
}

std::string ChunkShapes::ChatDelta(std::string_view field, std::string_view text) const {
  return Event(head_ + R"("choices":[{"index":0,"delta":{")" + std::string(field) +
               "\":" + Quoted(text) + R"(},"logprobs":null,"finish_reason":null}]})");
}

std::string ChunkShapes::ChatFinish(std::string_view reason) const {
  return Event(head_ + R"("choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":)" +
               Quoted(reason) + "}]}");
}

std::string ChunkShapes::CompletionText(std::string_view text) const {
  return Event(head_ + R"("choices":[{"index":0,"text":)" + Quoted(text) +
               R"(,"logprobs":null,"finish_reason":null}]})");
}

std::string ChunkShapes::CompletionFinish(std::string_view reason) const {
  return Event(head_ + R"("choices":[{"index":0,"text":"","logprobs":null,"finish_reason":)" +
               Quoted(reason) + "}]}");
}

std::string ChunkShapes::UsageEvent(const Usage& usage) const {
  return Event(head_ + "\"choices\":[],\"usage\":" + UsageJson(usage) + "}");
}

std::string UsageJson(const Usage& u) {
  nlohmann::json j = {{"prompt_tokens", u.prompt_tokens},
                      {"completion_tokens", u.completion_tokens},
                      {"total_tokens", u.prompt_tokens + u.completion_tokens}};
  if (u.cached_tokens >= 0) j["prompt_tokens_details"] = {{"cached_tokens", u.cached_tokens}};
  if (u.reasoning_tokens > 0) {
    j["completion_tokens_details"] = {{"reasoning_tokens", u.reasoning_tokens}};
  }
  return j.dump();
}

std::string ErrorBody(std::string_view message, std::string_view type, std::string_view code) {
  return nlohmann::json{
      {"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}}
      .dump();
}

std::string_view DoneEvent() { return "data: [DONE]\n\n"; }

std::string_view MalformedEvent() { return "data: {\"choices\":[{\"delta\":{\"content\":\n\n"; }

}  // namespace servebench::mock
