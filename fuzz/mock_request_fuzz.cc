// The mock's request parser: any body gives a request or a reason for HTTP 400.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "mock/request_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto body = nlohmann::json::parse(
      std::string_view(reinterpret_cast<const char*>(data), size), nullptr, false);
  if (body.is_discarded()) return 0;
  for (bool chat : {true, false}) {
    servebench::mock::Ask ask;
    const std::string problem = servebench::mock::ParseAsk(body, chat, &ask);
    if (problem.empty() && ask.prompts.empty()) std::abort();  // accepted, so it has a prompt
  }
  return 0;
}
