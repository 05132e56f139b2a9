// POST /v1/completions: a prompt in, choices[0].text out.
#include "runner/endpoints/chunk_scanner.h"
#include "runner/endpoints/dialect.h"

namespace servebench::endpoints {
namespace {

using Json = nlohmann::json;

class Completions : public Dialect {
 public:
  std::string_view name() const override { return "completions"; }
  std::string_view default_path() const override { return "/v1/completions"; }

  void AddRequest(Json& body, const BodyOptions&, const std::vector<Message>& messages,
                  int64_t max_tokens) const override {
    body["prompt"] = JoinedTexts(messages);
    if (max_tokens > 0) body[std::string(cap_field({}))] = max_tokens;
  }

  void ReadReply(const Json& document, bool, Chunk& chunk) const override {
    const Json* choice = FirstChoice(document);
    if (choice == nullptr) return;
    chunk.finished = !StringAt(*choice, "finish_reason").empty();
    chunk.text = StringAt(*choice, "text");
  }

  std::optional<Chunk> ScanEvent(std::string_view data) const override {
    return ScanChunk(ChoiceShape::kText, data);
  }
};

const Completions kCompletions;

}  // namespace

extern const Dialect& kCompletionsDialect;
const Dialect& kCompletionsDialect = kCompletions;

}  // namespace servebench::endpoints
