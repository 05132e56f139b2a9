// The OpenAI-compatible APIs (wire.md): building a request body, and reading one streamed event
// or one whole response body into what the metrics need.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::endpoints {

// Which API dialect (dialect.h) a run speaks: its place in the registry (dialects.cc). The
// built-in ones have names here; a new dialect is found by name with ParseEndpointType.
struct EndpointType {
  uint8_t id = 0;
  static const EndpointType kChat, kCompletions, kEmbeddings;
  bool operator==(const EndpointType&) const = default;
};
inline constexpr EndpointType EndpointType::kChat{0};
inline constexpr EndpointType EndpointType::kCompletions{1};
inline constexpr EndpointType EndpointType::kEmbeddings{2};

base::Expected<EndpointType> ParseEndpointType(const std::string& name);
std::string Name(EndpointType type);
std::string DefaultPath(EndpointType type);
bool ProducesTokens(EndpointType type);
// Chat's output cap has two spellings (max_completion_tokens, max_tokens): servebench probes
// which one a server honours.
bool HasTwoCapFields(EndpointType type);

struct BodyOptions {
  std::string model;
  bool streaming = false;
  bool include_usage = true;       // stream_options.include_usage when streaming
  bool legacy_max_tokens = false;  // chat: max_tokens instead of max_completion_tokens
  nlohmann::json extra = nlohmann::json::object();  // merged into the top level
};

// One message of a conversation: its role and its text parts (one in the common case).
struct Message {
  std::string role;
  std::vector<std::string> texts;
};

// max_tokens <= 0 leaves the output length to the server.
std::string BuildBody(EndpointType type, const BodyOptions& options, const std::string& prompt,
                      int64_t max_tokens);
// The same for a conversation (a system message, earlier turns and replies, the new turn); a
// dialect without messages joins the texts.
std::string BuildBody(EndpointType type, const BodyOptions& options,
                      const std::vector<Message>& messages, int64_t max_tokens);
// Every text of the messages, joined by a blank line: the prompt of a dialect without messages.
std::string JoinedTexts(const std::vector<Message>& messages);
// The output cap a body carries: `max_tokens` unless `extra` (merged over the body's top level)
// sets the dialect's cap field to a whole number; that is the cap sent, so the cap recorded.
int64_t SentCap(EndpointType type, const BodyOptions& options, const nlohmann::json& extra,
                int64_t max_tokens);

struct Usage {
  int64_t prompt_tokens = -1;  // -1: not reported
  int64_t completion_tokens = -1;
  int64_t reasoning_tokens = -1;
  int64_t cached_tokens = -1;  // prompt_tokens_details.cached_tokens: prefix-cache hits
  bool operator==(const Usage&) const = default;
};

// What one event (or one non-streamed body) carried.
struct Chunk {
  std::string text;       // generated content
  std::string reasoning;  // reasoning_content / reasoning
  bool tool_call = false;
  std::string tool_text;   // the argument fragments of tool-call deltas, counted like content
  bool embedding = false;  // an embeddings body with at least one vector
  std::optional<Usage> usage;
  std::optional<std::string> error;  // an error object inside the stream or body
  bool malformed = false;            // not JSON
  bool done = false;                 // [DONE]
  bool finished = false;             // choices[0].finish_reason is set: the reply ended cleanly
  bool IsContent() const { return !text.empty() || !reasoning.empty() || tool_call || embedding; }
  bool operator==(const Chunk&) const = default;
};

// Common chunks take a fast path (chunk_scanner.h); anything else is parsed as a full document.
Chunk ParseEvent(EndpointType type, std::string_view data);
// The same, always through a full document: the reference the fast path is tested against.
Chunk ParseEventDocument(EndpointType type, std::string_view data);
Chunk ParseBody(EndpointType type, std::string_view body);

// The model ids of a /v1/models body ({"data": [{"id": ...}]}); nothing when it is not one.
std::optional<std::vector<std::string>> ModelIds(std::string_view body);

// The message of an OpenAI error body ({"error": {"message", "type"}}), or the body itself.
std::pair<std::string, std::string> ErrorTypeAndMessage(std::string_view body);

}  // namespace servebench::endpoints
