// The mock's HTTP/1.1 request parser, fed any bytes (it reads what clients send): it answers
// incomplete, head only, done or refused, never reads past the input, and a whole request it
// accepts parses the same again from exactly the bytes it consumed.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mock/http_request.h"

using servebench::mock::HttpLimits;
using servebench::mock::HttpRequest;
using servebench::mock::ParseRequest;
using servebench::mock::ParseState;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const HttpLimits limits{512, 4096};
  HttpRequest request;
  const auto r = ParseRequest(bytes, limits, &request);
  if (r.state == ParseState::kBad && (r.error_status < 400 || r.error.empty())) std::abort();
  if (r.state != ParseState::kDone) return 0;
  if (r.consumed == 0 || r.consumed > size || request.body.size() > limits.max_body_bytes)
    std::abort();
  HttpRequest again;
  const auto same = ParseRequest(bytes.substr(0, r.consumed), limits, &again);
  if (same.state != ParseState::kDone || same.consumed != r.consumed ||
      again.path != request.path || again.body != request.body)
    std::abort();
  return 0;
}
