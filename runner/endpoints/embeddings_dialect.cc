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

  void AddRequest(Json& body, const BodyOptions&, const std::string& prompt,
                  int64_t) const override {
    body["input"] = Json::array({prompt});
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
