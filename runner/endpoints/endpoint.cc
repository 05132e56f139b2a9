#include "runner/endpoints/endpoint.h"

#include "runner/base/json.h"
#include "runner/endpoints/dialect.h"

namespace servebench::endpoints {
namespace {

using Json = nlohmann::json;

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
  if (const auto d = it->find("prompt_tokens_details"); d != it->end() && d->is_object()) {
    u.cached_tokens = number(*d, "cached_tokens");
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

Chunk Parse(EndpointType type, std::string_view text, bool streaming) {
  Chunk chunk;
  const Json j = base::ParseJson<Json>(text);
  if (j.is_discarded() || !j.is_object()) {
    chunk.malformed = true;
    return chunk;
  }
  if (const auto e = j.find("error"); e != j.end() && !e->is_null()) {
    chunk.error = ErrorText(*e);
    return chunk;
  }
  chunk.usage = UsageOf(j);
  DialectOf(type).ReadReply(j, streaming, chunk);
  return chunk;
}

}  // namespace

std::string StringAt(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Json* FirstChoice(const Json& document) {
  const auto choices = document.find("choices");
  if (choices == document.end() || !choices->is_array() || choices->empty()) return nullptr;
  return (*choices)[0].is_object() ? &(*choices)[0] : nullptr;
}

base::Expected<EndpointType> ParseEndpointType(const std::string& name) {
  std::string names;
  for (uint8_t id = 0; id < DialectCount(); ++id) {
    if (DialectOf({id}).name() == name) return EndpointType{id};
    names += (id == 0                            ? ""
              : size_t{id} + 1 == DialectCount() ? " or "
                                                 : ", ") +
             std::string(DialectOf({id}).name());
  }
  return base::MakeError("--endpoint-type: expected " + names + ", got '" + name + "'");
}

std::string Name(EndpointType type) { return std::string(DialectOf(type).name()); }
std::string DefaultPath(EndpointType type) { return std::string(DialectOf(type).default_path()); }
bool ProducesTokens(EndpointType type) { return DialectOf(type).produces_tokens(); }
bool HasTwoCapFields(EndpointType type) { return DialectOf(type).has_two_cap_fields(); }

int64_t SentCap(EndpointType type, const BodyOptions& options, const Json& extra,
                int64_t max_tokens) {
  const std::string field(DialectOf(type).cap_field(options));
  if (field.empty() || !extra.is_object()) return max_tokens;
  const auto it = extra.find(field);
  return it != extra.end() && it->is_number_integer() ? it->get<int64_t>() : max_tokens;
}

std::string BuildBody(EndpointType type, const BodyOptions& o, const std::string& prompt,
                      int64_t max_tokens) {
  return BuildBody(type, o, std::vector<Message>{{"user", {prompt}}}, max_tokens);
}

std::string JoinedTexts(const std::vector<Message>& messages) {
  std::string joined;
  for (const auto& m : messages) {
    for (const auto& t : m.texts) joined += (joined.empty() ? "" : "\n\n") + t;
  }
  return joined;
}

std::string BuildBody(EndpointType type, const BodyOptions& o, const std::vector<Message>& messages,
                      int64_t max_tokens) {
  const Dialect& dialect = DialectOf(type);
  Json body = {{"model", o.model}};
  dialect.AddRequest(body, o, messages, max_tokens);
  if (dialect.produces_tokens()) {
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
  if (auto fast = DialectOf(type).ScanEvent(data)) return *fast;
  return Parse(type, data, true);
}

Chunk ParseEventDocument(EndpointType type, std::string_view data) {
  return data == "[DONE]" ? ParseEvent(type, data) : Parse(type, data, true);
}

Chunk ParseBody(EndpointType type, std::string_view body) { return Parse(type, body, false); }

std::optional<std::vector<std::string>> ModelIds(std::string_view body) {
  const Json list = base::ParseJson<Json>(body);
  if (list.is_discarded() || !list.is_object()) return std::nullopt;
  const auto data = list.find("data");
  if (data == list.end() || !data->is_array()) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& m : *data) ids.push_back(m.is_object() ? StringAt(m, "id") : "");
  return ids;
}

std::pair<std::string, std::string> ErrorTypeAndMessage(std::string_view body) {
  const Json j = base::ParseJson<Json>(body);
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
