// The mock's reading of a generation request body (chat or completions): what it asks for, or
// a one-line reason it is refused with HTTP 400.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mock/request_plan.h"

namespace servebench::mock {

struct Ask {
  std::string model;
  bool chat = true;
  bool stream = false;
  bool include_usage = false;
  LengthAsk length;
  std::vector<std::string> prompts;
};

// "" when the body is a valid request (and *ask is filled), else what is wrong. A server that
// does not read max_completion_tokens takes only max_tokens as the output cap.
std::string ParseAsk(const nlohmann::json& body, bool chat, Ask* ask,
                     bool read_max_completion_tokens = true);

}  // namespace servebench::mock
