// The registry of API dialects: a new dialect is one file plus its line here. The position is
// its EndpointType id (chat, completions and embeddings have names in endpoint.h).
#include <vector>

#include "runner/endpoints/dialect.h"

namespace servebench::endpoints {

extern const Dialect& kChatDialect;
extern const Dialect& kCompletionsDialect;
extern const Dialect& kEmbeddingsDialect;

namespace {

const std::vector<const Dialect*>& Registry() {
  static const std::vector<const Dialect*> dialects = {
      &kChatDialect,
      &kCompletionsDialect,
      &kEmbeddingsDialect,
  };
  return dialects;
}

}  // namespace

size_t DialectCount() { return Registry().size(); }

const Dialect& DialectOf(EndpointType type) {
  return *Registry()[type.id < DialectCount() ? type.id : 0];
}

}  // namespace servebench::endpoints
