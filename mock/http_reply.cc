#include "mock/http_reply.h"

#include <cstdio>

#include "runner/base/version.h"

namespace servebench::mock {
namespace {

const char* ReasonOf(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

}  // namespace

std::string ResponseHead(int status, const std::string& content_type,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         int64_t content_length, bool close) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + ReasonOf(status) + "\r\n";
  head += std::string("Server: servebench-mock/") + base::kVersion + "\r\n";
  if (!content_type.empty()) head += "Content-Type: " + content_type + "\r\n";
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  head += content_length < 0 ? std::string("Transfer-Encoding: chunked\r\n")
                             : "Content-Length: " + std::to_string(content_length) + "\r\n";
  head += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
  return head;
}

void AppendChunkFrame(std::string& out, std::string_view bytes) {
  char size[20];
  const int n = std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
  out.append(size, static_cast<size_t>(n));
  out += bytes;
  out += "\r\n";
}

}  // namespace servebench::mock
