// One HTTP/1.1 request as the mock reads it off a connection: a request line, headers and a
// Content-Length body, parsed incrementally from the bytes received so far, within limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace servebench::mock {

struct HttpLimits {
  size_t max_head_bytes = 64 * 1024;          // request line and headers
  size_t max_body_bytes = 256 * 1024 * 1024;  // a long-context prompt fits
};

struct HttpRequest {
  std::string method;
  std::string path;  // the target without its query
  int minor_version = 1;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  // CLOCK_MONOTONIC time the request's last byte reached the socket (the kernel's receive
  // time); 0 when unknown.
  int64_t arrived_ns = 0;

  // The value of the first header of that name (any case), or "".
  std::string Header(std::string_view name) const;
  // Whether the client keeps the connection open after the response.
  bool KeepAlive() const;
  bool ExpectsContinue() const;
};

enum class ParseState {
  kIncomplete,  // more bytes are needed
  kHeadOnly,    // the head is complete, the body is still coming (for 100-continue)
  kDone,        // a whole request; `consumed` bytes were used
  kBad,         // refused: answer `error_status` with `error` and close
};

struct ParseResult {
  ParseState state = ParseState::kIncomplete;
  size_t consumed = 0;
  int error_status = 0;
  std::string error;
};

// Parses the request at the start of `bytes` into *request.
ParseResult ParseRequest(std::string_view bytes, const HttpLimits& limits, HttpRequest* request);

}  // namespace servebench::mock
