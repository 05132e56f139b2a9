#include "runner/endpoints/endpoint.h"

#include "runner/endpoints/chunk_scanner.h"

namespace servebench::endpoints {
namespace {

using Json = nlohmann::json;

std::string StringAt(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<Usage> UsageOf(const Json& j) {
  const auto it = j.find("usage");
  if (it == j.end() || !it->is_object() || it->empty()) return std::nullopt;
  Usage u;
  auto number = [](const Json& o, const char* key) -> int64_t {
    const auto n = o.find(key);
    return n != o.end() && n->is_number_integer() ? n->get<int64_t>() : -1;
  };
  u.prompt_tokens = number(*it, "prompt_tokens");
  u.completion_tokens = number(*it, "completion_tokens");
  if (const auto d = it->find("completion_tokens_details"); d != it->end() && d->is_object()) {
    u.reasoning_tokens = number(*d, "reasoning_tokens");
  }
  return u;
}

std::string ErrorText(const Json& error) {
  if (error.is_string()) return error.get<std::string>();
  if (error.is_object()) {
    const std::string message = StringAt(error, "message");
    return message.empty() ? error.dump() : message;
  }
  return error.dump();
}

// Reads the generated text of one choice (a delta when streaming, a message when not).
void ReadChoice(EndpointType type, const Json& choice, bool streaming, Chunk& chunk) {
  chunk.finished = !StringAt(choice, "finish_reason").empty();
  if (type == EndpointType::kCompletions) {
    chunk.text = StringAt(choice, "text");
    return;
  }
  const auto it = choice.find(streaming ? "delta" : "message");
  if (it == choice.end() || !it->is_object()) return;
  chunk.text = StringAt(*it, "content");
  chunk.reasoning = StringAt(*it, "reasoning_content");
  if (chunk.reasoning.empty()) chunk.reasoning = StringAt(*it, "reasoning");
  const auto tools = it->find("tool_calls");
  chunk.tool_call = tools != it->end() && tools->is_array() && !tools->empty();
  if (!chunk.tool_call) return;
  for (const auto& call : *tools) {
    if (!call.is_object()) continue;
    const auto function = call.find("function");
    if (function != call.end() && function->is_object())
      chunk.tool_text += StringAt(*function, "arguments");
  }
}

Chunk Parse(EndpointType type, std::string_view text, bool streaming) {
  Chunk chunk;
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    chunk.malformed = true;
    return chunk;
  }
  if (const auto e = j.find("error"); e != j.end() && !e->is_null()) {
    chunk.error = ErrorText(*e);
    return chunk;
  }
  chunk.usage = UsageOf(j);
  if (type == EndpointType::kEmbeddings) {
    const auto data = j.find("data");
    chunk.embedding = data != j.end() && data->is_array() && !data->empty();
    return chunk;
  }
  const auto choices = j.find("choices");
  if (choices != j.end() && choices->is_array() && !choices->empty() && (*choices)[0].is_object()) {
    ReadChoice(type, (*choices)[0], streaming, chunk);
  }
  return chunk;
}

}  // namespace

base::Expected<EndpointType> ParseEndpointType(const std::string& name) {
  if (name == "chat") return EndpointType::kChat;
  if (name == "completions") return EndpointType::kCompletions;
  if (name == "embeddings") return EndpointType::kEmbeddings;
  return base::MakeError("--endpoint-type: expected chat, completions or embeddings, got '" + name +
                         "'");
}

const char* Name(EndpointType type) {
  switch (type) {
    case EndpointType::kChat:
      return "chat";
    case EndpointType::kCompletions:
      return "completions";
    case EndpointType::kEmbeddings:
      return "embeddings";
  }
  return "?";
}

const char* DefaultPath(EndpointType type) {
  switch (type) {
    case EndpointType::kChat:
      return "/v1/chat/completions";
    case EndpointType::kCompletions:
      return "/v1/completions";
    case EndpointType::kEmbeddings:
      return "/v1/embeddings";
  }
  return "/";
}

bool ProducesTokens(EndpointType type) { return type != EndpointType::kEmbeddings; }

std::string BuildBody(EndpointType type, const BodyOptions& o, const std::string& prompt,
                      int64_t max_tokens) {
  Json body = {{"model", o.model}};
  switch (type) {
    case EndpointType::kChat:
      body["messages"] = Json::array({{{"role", "user"}, {"content", prompt}}});
      if (max_tokens > 0)
        body[o.legacy_max_tokens ? "max_tokens" : "max_completion_tokens"] = max_tokens;
      break;
    case EndpointType::kCompletions:
      body["prompt"] = prompt;
      if (max_tokens > 0) body["max_tokens"] = max_tokens;
      break;
    case EndpointType::kEmbeddings:
      body["input"] = Json::array({prompt});
      break;
  }
  if (type != EndpointType::kEmbeddings) {
    body["stream"] = o.streaming;
    if (o.streaming && o.include_usage) body["stream_options"] = {{"include_usage", true}};
  }
  for (const auto& [key, value] : o.extra.items()) body[key] = value;
  // A prompt corpus may hold bytes that are not UTF-8; JSON cannot, so they become U+FFFD.
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Chunk ParseEvent(EndpointType type, std::string_view data) {
  if (data == "[DONE]") {
    Chunk done;
    done.done = true;
    return done;
  }
  if (auto fast = ScanChunk(type, data)) return *fast;
  return Parse(type, data, true);
}

Chunk ParseEventDocument(EndpointType type, std::string_view data) {
  return data == "[DONE]" ? ParseEvent(type, data) : Parse(type, data, true);
}

Chunk ParseBody(EndpointType type, std::string_view body) { return Parse(type, body, false); }

std::optional<std::vector<std::string>> ModelIds(std::string_view body) {
  const Json list = Json::parse(body, nullptr, false);
  if (list.is_discarded() || !list.is_object()) return std::nullopt;
  const auto data = list.find("data");
  if (data == list.end() || !data->is_array()) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& m : *data) ids.push_back(m.is_object() ? StringAt(m, "id") : "");
  return ids;
}

std::pair<std::string, std::string> ErrorTypeAndMessage(std::string_view body) {
  const Json j = Json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("error")) {
    const Json& e = j["error"];
    return {e.is_object() ? StringAt(e, "type") : "", ErrorText(e)};
  }
  std::string text(body.substr(0, 200));
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return {"", text};
}

}  // namespace servebench::endpoints
