#include "mock/http_request.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace servebench::mock {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

ParseResult Bad(int status, std::string error) {
  return {ParseState::kBad, 0, status, std::move(error)};
}

// The request line: METHOD SP target SP HTTP/1.x
bool ParseRequestLine(std::string_view line, HttpRequest* request) {
  const size_t first = line.find(' ');
  const size_t last = line.rfind(' ');
  if (first == std::string_view::npos || first == last) return false;
  const std::string_view method = line.substr(0, first);
  const std::string_view target = line.substr(first + 1, last - first - 1);
  const std::string_view version = line.substr(last + 1);
  if (!IsToken(method) || target.empty() || target.front() != '/' ||
      target.find(' ') != std::string_view::npos) {
    return false;
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return false;
  request->method = std::string(method);
  request->path = std::string(target.substr(0, target.find('?')));
  request->minor_version = version.back() - '0';
  return true;
}

}  // namespace

std::string HttpRequest::Header(std::string_view name) const {
  const std::string wanted = Lower(name);
  for (const auto& [key, value] : headers) {
    if (key == wanted) return value;
  }
  return "";
}

bool HttpRequest::KeepAlive() const {
  const std::string connection = Lower(Header("connection"));
  if (connection.find("close") != std::string::npos) return false;
  return minor_version >= 1 || connection.find("keep-alive") != std::string::npos;
}

bool HttpRequest::ExpectsContinue() const { return Lower(Header("expect")) == "100-continue"; }

ParseResult ParseRequest(std::string_view bytes, const HttpLimits& limits, HttpRequest* request) {
  const size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    if (bytes.size() > limits.max_head_bytes) {
      return Bad(431, "the request head is larger than " + std::to_string(limits.max_head_bytes) +
                          " bytes");
    }
    return {};
  }
  if (head_end + 4 > limits.max_head_bytes) {
    return Bad(
        431, "the request head is larger than " + std::to_string(limits.max_head_bytes) + " bytes");
  }
  *request = HttpRequest{};
  std::string_view head = bytes.substr(0, head_end);
  const size_t line_end = head.find("\r\n");
  if (!ParseRequestLine(head.substr(0, line_end), request)) {
    return Bad(400, "malformed request line");
  }
  head = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  while (!head.empty()) {
    const size_t end = head.find("\r\n");
    const std::string_view line = head.substr(0, end);
    head = end == std::string_view::npos ? std::string_view() : head.substr(end + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
      return Bad(400, "malformed header line");
    }
    request->headers.emplace_back(Lower(line.substr(0, colon)),
                                  std::string(Trim(line.substr(colon + 1))));
  }
  if (!request->Header("transfer-encoding").empty()) {
    return Bad(411, "a request body must come with Content-Length, not Transfer-Encoding");
  }
  size_t length = 0;
  if (const std::string text = request->Header("content-length"); !text.empty()) {
    const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (problem != std::errc() || end != text.data() + text.size()) {
      return Bad(400, "Content-Length is not a number");
    }
    if (length > limits.max_body_bytes) {
      return Bad(413, "the request body is larger than " + std::to_string(limits.max_body_bytes) +
                          " bytes");
    }
  }
  const size_t total = head_end + 4 + length;
  if (bytes.size() < total) return {ParseState::kHeadOnly, 0, 0, ""};
  request->body = std::string(bytes.substr(head_end + 4, length));
  return {ParseState::kDone, total, 0, ""};
}

}  // namespace servebench::mock
