// The exact JSON shapes of OpenAI's API as the mock serves them. Each streamed event is a
// complete "data: ...\n\n" string, written with one socket write.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace servebench::mock {

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;  // includes reasoning tokens, as OpenAI counts them
  int64_t reasoning_tokens = 0;
  int64_t cached_tokens = -1;  // prompt tokens found in the prefix cache; -1: no cache
};

class ChunkShapes {
 public:
  // object: "chat.completion.chunk" or "text_completion"; model is the request's model name.
  ChunkShapes(std::string id, std::string_view object, std::string_view model, int64_t created);

  std::string ChatRole() const;
  std::string ChatDelta(std::string_view field, std::string_view text) const;
  std::string ChatFinish(std::string_view reason) const;
  std::string CompletionText(std::string_view text) const;
  std::string CompletionFinish(std::string_view reason) const;
  std::string UsageEvent(const Usage& usage) const;

 private:
  std::string head_;  // {"id":..,"object":..,"created":..,"model":..,
};

std::string UsageJson(const Usage& usage);
std::string ErrorBody(std::string_view message, std::string_view type, std::string_view code);
std::string_view DoneEvent();
// An event that is not valid JSON, as a broken server might send.
std::string_view MalformedEvent();

}  // namespace servebench::mock
