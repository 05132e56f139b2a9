// The fast path for a streamed chunk: one pass over the JSON text that picks out what the
// metrics read (choices[0].delta's content, reasoning and tool calls, or choices[0].text; usage),
// building no document. Text in any language is read on this path, escapes and UTF-8 checked as
// the document checks them. It answers only for what it fully understands; for anything else (an
// error object, tool calls, malformed JSON or UTF-8) it answers nothing and the caller parses a
// full document instead.
#pragma once

#include <optional>
#include <string_view>

#include "runner/endpoints/endpoint.h"

namespace servebench::endpoints {

// Where a choice keeps its text: a chat delta (content, reasoning, tool calls) or a completion's
// "text".
enum class ChoiceShape { kDelta, kText };

std::optional<Chunk> ScanChunk(ChoiceShape shape, std::string_view data);

}  // namespace servebench::endpoints
