#include "mock/request_parser.h"

namespace servebench::mock {
namespace {

using Json = nlohmann::json;

bool BoolAt(const Json& j, const char* key, bool fallback) {
  const auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

int64_t IntAt(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// The text of a chat message's content: a string, or an array of {type: text, text} parts.
std::string MessageText(const Json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (content.is_array()) {
    for (const auto& part : content) {
      if (part.is_object() && part.contains("text") && part["text"].is_string()) {
        text += part["text"].get<std::string>();
      }
    }
  }
  return text;
}

}  // namespace

std::string ParseAsk(const Json& body, bool chat, Ask* ask, bool read_max_completion_tokens) {
  if (!body.is_object()) return "the body must be a JSON object";
  if (!body.contains("model") || !body["model"].is_string()) return "'model' must be a string";
  ask->model = body["model"].get<std::string>();
  ask->chat = chat;
  ask->stream = BoolAt(body, "stream", false);
  if (const auto it = body.find("stream_options"); it != body.end() && it->is_object()) {
    ask->include_usage = BoolAt(*it, "include_usage", false);
  }
  ask->length.max_tokens = read_max_completion_tokens ? IntAt(body, "max_completion_tokens") : 0;
  if (ask->length.max_tokens <= 0) ask->length.max_tokens = IntAt(body, "max_tokens");
  ask->length.min_tokens = IntAt(body, "min_tokens");
  ask->length.ignore_eos = BoolAt(body, "ignore_eos", false);
  if (ask->length.max_tokens < 0 || ask->length.min_tokens < 0) return "token limits must be >= 0";
  if (chat) {
    const auto it = body.find("messages");
    if (it == body.end() || !it->is_array() || it->empty())
      return "'messages' must be a non-empty array";
    for (const auto& m : *it) {
      if (!m.is_object() || !m.contains("content")) return "each message needs 'content'";
      ask->prompts.push_back(MessageText(m["content"]));
    }
  } else {
    const auto it = body.find("prompt");
    if (it == body.end()) return "'prompt' is required";
    if (it->is_string()) {
      ask->prompts.push_back(it->get<std::string>());
    } else if (it->is_array() && !it->empty()) {
      for (const auto& p : *it) {
        if (!p.is_string()) return "'prompt' must be a string or an array of strings";
        ask->prompts.push_back(p.get<std::string>());
      }
    } else {
      return "'prompt' must be a string or a non-empty array of strings";
    }
  }
  return "";
}

}  // namespace servebench::mock
