// POST /v1/embeddings: input in, vectors out; never streamed, no generated tokens.
#include "runner/endpoints/dialect.h"

namespace servebench::endpoints {
namespace {

using Json = nlohmann::json;

class Embeddings : public Dialect {
 public:
  std::string_view name() const override { return "embeddings"; }
  std::string_view default_path() const override { return "/v1/embeddings"; }
  bool produces_tokens() const override { return false; }
  std::string_view cap_field(const BodyOptions&) const override { return ""; }

  // Every text is one input (texts make a batch).
  void AddRequest(Json& body, const BodyOptions&, const std::vector<Message>& messages,
                  int64_t) const override {
    Json& input = body["input"] = Json::array();
    for (const auto& m : messages) {
      for (const auto& t : m.texts) input.push_back(t);
    }
  }

  void ReadReply(const Json& document, bool, Chunk& chunk) const override {
    const auto data = document.find("data");
    chunk.embedding = data != document.end() && data->is_array() && !data->empty();
  }
};

const Embeddings kEmbeddings;

}  // namespace

extern const Dialect& kEmbeddingsDialect;
const Dialect& kEmbeddingsDialect = kEmbeddings;

}  // namespace servebench::endpoints
