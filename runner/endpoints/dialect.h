// One API dialect behind one interface: its name and path, the request-specific fields of its
// body, and how a reply document (a streamed event or a whole body) becomes a Chunk once the
// shared parts (an error object, usage) are read. A new dialect is one file defining one of
// these, plus its line in the registry (dialects.cc).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/endpoints/endpoint.h"

namespace servebench::endpoints {

class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string_view name() const = 0;  // as --endpoint-type spells it
  virtual std::string_view default_path() const = 0;
  // False for APIs without generated tokens (embeddings): no streaming, no OSL.
  virtual bool produces_tokens() const { return true; }
  virtual bool has_two_cap_fields() const { return false; }
  // The body field that carries the output cap; "" when the API has none.
  virtual std::string_view cap_field(const BodyOptions&) const { return "max_tokens"; }
  // Adds the messages (or their joined text) and the output cap (max_tokens <= 0: none, in
  // cap_field) to a body holding "model".
  virtual void AddRequest(nlohmann::json& body, const BodyOptions& options,
                          const std::vector<Message>& messages, int64_t max_tokens) const = 0;
  // Reads what a reply document carries beyond error and usage.
  virtual void ReadReply(const nlohmann::json& document, bool streaming, Chunk& chunk) const = 0;
  // A one-pass reading of the dialect's common event shapes; nothing: use the full parse.
  virtual std::optional<Chunk> ScanEvent(std::string_view) const { return std::nullopt; }
};

// Every dialect, at its EndpointType id (dialects.cc).
const Dialect& DialectOf(EndpointType type);
size_t DialectCount();

// A string member of a JSON object, or "".
std::string StringAt(const nlohmann::json& object, const char* key);
// choices[0] of an OpenAI reply when it is an object, else null.
const nlohmann::json* FirstChoice(const nlohmann::json& document);

}  // namespace servebench::endpoints
