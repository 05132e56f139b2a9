// POST /v1/chat/completions: messages in, deltas (content, reasoning, tool calls) out.
#include "runner/endpoints/chunk_scanner.h"
#include "runner/endpoints/dialect.h"

namespace servebench::endpoints {
namespace {

using Json = nlohmann::json;

class Chat : public Dialect {
 public:
  std::string_view name() const override { return "chat"; }
  std::string_view default_path() const override { return "/v1/chat/completions"; }
  bool has_two_cap_fields() const override { return true; }
  std::string_view cap_field(const BodyOptions& o) const override {
    return o.legacy_max_tokens ? "max_tokens" : "max_completion_tokens";
  }

  // A message of several texts carries them as text parts.
  void AddRequest(Json& body, const BodyOptions& o, const std::vector<Message>& messages,
                  int64_t max_tokens) const override {
    Json& list = body["messages"] = Json::array();
    for (const auto& m : messages) {
      Json content = m.texts.size() == 1 ? Json(m.texts.front()) : Json::array();
      if (m.texts.size() != 1) {
        for (const auto& t : m.texts) content.push_back({{"type", "text"}, {"text", t}});
      }
      list.push_back({{"role", m.role}, {"content", std::move(content)}});
    }
    if (max_tokens > 0) body[std::string(cap_field(o))] = max_tokens;
  }

  // The first choice: a delta when streaming, a message when not.
  void ReadReply(const Json& document, bool streaming, Chunk& chunk) const override {
    const Json* first = FirstChoice(document);
    if (first == nullptr) return;
    const Json& choice = *first;
    chunk.finished = !StringAt(choice, "finish_reason").empty();
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

  std::optional<Chunk> ScanEvent(std::string_view data) const override {
    return ScanChunk(ChoiceShape::kDelta, data);
  }
};

const Chat kChat;

}  // namespace

extern const Dialect& kChatDialect;
const Dialect& kChatDialect = kChat;

}  // namespace servebench::endpoints
