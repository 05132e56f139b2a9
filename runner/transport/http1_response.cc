#include "runner/transport/http1_response.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "runner/transport/http_text.h"

namespace servebench::transport {
namespace {

constexpr size_t kMaxHeadBytes = size_t{100} << 10;  // one line of the head
constexpr size_t kMaxChunkLine = 1024;

// A whole number in base 10 or 16 with nothing else around it, or nothing.
bool ParseWhole(std::string_view text, int base, uint64_t* value) {
  if (text.empty() || text.size() > 20) return false;
  const std::string digits(text);
  if (!std::isxdigit(static_cast<unsigned char>(digits.front()))) return false;  // no sign
  char* end = nullptr;
  errno = 0;
  const unsigned long long parsed = std::strtoull(digits.c_str(), &end, base);
  if (*end != '\0' || errno == ERANGE) return false;
  *value = parsed;
  return true;
}

}  // namespace

Http1Response::State Http1Response::Fail(const char* type, std::string message) {
  error_type_ = type;
  error_message_ = std::move(message);
  return state_ = State::kFailed;
}

Http1Response::State Http1Response::Feed(std::string_view bytes, int64_t now_ns,
                                         const OnBody& on_body) {
  if (state_ != State::kReading || bytes.empty()) return state_;
  any_byte_ = true;
  while (!head_done_ && !bytes.empty()) {
    const size_t newline = bytes.find('\n');
    line_.append(bytes.substr(0, newline));
    bytes.remove_prefix(newline == std::string_view::npos ? bytes.size() : newline + 1);
    if (line_.size() > kMaxHeadBytes) {
      return Fail("too_large", "a line of the response's head grew past " +
                                   std::to_string(kMaxHeadBytes) + " bytes");
    }
    if (newline == std::string_view::npos) return state_;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    const std::string line = std::move(line_);
    line_.clear();
    if (!HeadLine(line, now_ns)) break;
  }
  if (bytes.empty()) return state_;
  if (state_ != State::kReading) {
    // Bytes after an answer without a body: the connection's state is unknown.
    if (state_ == State::kDone) keep_alive_ = false;
    return state_;
  }
  return Body(bytes, on_body);
}

// One line of the head; false when the response ended (failed, or an answer without a body).
bool Http1Response::HeadLine(std::string_view line, int64_t now_ns) {
  if (status_ == 0) {  // the status line: HTTP/1.x NNN reason
    if (line.size() < 12 || !line.starts_with("HTTP/1.") || line[8] != ' ' ||
        !std::all_of(line.begin() + 9, line.begin() + 12, IsDigit)) {
      Fail("reset", kCurlWeirdReply);
      return false;
    }
    status_ = std::atoi(std::string(line.substr(9, 3)).c_str());
    keep_alive_ = line[7] != '0';  // HTTP/1.0 closes unless it says keep-alive
    location_.clear();
    return true;
  }
  if (!line.empty()) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return true;  // not a header: ignored, as curl does
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = TrimSpaces(line.substr(colon + 1));
    if (EqualsIgnoringCase(name, "content-length")) {
      if (!ParseWhole(value, 10, &left_) || !IsDigit(value.front())) {
        Fail("reset", kCurlWeirdReply);
        return false;
      }
      if (framing_ != Framing::kChunked) framing_ = Framing::kLength;
    } else if (EqualsIgnoringCase(name, "transfer-encoding")) {
      if (ContainsIgnoringCase(value, "chunked")) framing_ = Framing::kChunked;
    } else if (EqualsIgnoringCase(name, "content-type")) {
      content_type_ = value;
    } else if (EqualsIgnoringCase(name, "location")) {
      location_ = value;
    } else if (EqualsIgnoringCase(name, "connection")) {
      if (ContainsIgnoringCase(value, "close")) keep_alive_ = false;
      if (ContainsIgnoringCase(value, "keep-alive")) keep_alive_ = true;
    }
    return true;
  }
  // The blank line ends the head.
  if (status_ < 200) {  // an interim answer (100 Continue): the real one follows
    status_ = 0;
    framing_ = Framing::kUntilClose;
    content_type_.clear();
    return true;
  }
  head_done_ = true;
  headers_ns_ = now_ns;
  if (status_ == 204 || status_ == 304) framing_ = Framing::kNone;
  if (framing_ == Framing::kUntilClose) keep_alive_ = false;
  if (framing_ == Framing::kNone || (framing_ == Framing::kLength && left_ == 0)) {
    state_ = State::kDone;
    return false;
  }
  return true;
}

Http1Response::State Http1Response::Body(std::string_view bytes, const OnBody& on_body) {
  if (framing_ == Framing::kChunked) return Chunked(bytes, on_body);
  if (framing_ == Framing::kLength) {
    if (bytes.size() > left_) {  // more than the answer: the connection's state is unknown
      keep_alive_ = false;
      bytes = bytes.substr(0, static_cast<size_t>(left_));
    }
    left_ -= bytes.size();
  }
  if (!on_body(bytes)) return state_ = State::kStopped;
  if (framing_ == Framing::kLength && left_ == 0) state_ = State::kDone;
  return state_;
}

// Chunked transfer coding (RFC 9112 §7.1): sizes in hex, extensions and trailers skipped.
Http1Response::State Http1Response::Chunked(std::string_view bytes, const OnBody& on_body) {
  while (!bytes.empty()) {
    if (chunk_ == ChunkPart::kData) {
      const std::string_view data = bytes.substr(0, static_cast<size_t>(left_));
      if (!on_body(data)) return state_ = State::kStopped;
      bytes.remove_prefix(data.size());
      left_ -= data.size();
      if (left_ == 0) chunk_ = ChunkPart::kDataEnd;
      continue;
    }
    const size_t newline = bytes.find('\n');
    line_.append(bytes.substr(0, newline));
    bytes.remove_prefix(newline == std::string_view::npos ? bytes.size() : newline + 1);
    if (line_.size() > kMaxChunkLine) return Fail("reset", kCurlRecvFailed);
    if (newline == std::string_view::npos) return state_;
    std::string_view line = line_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    switch (chunk_) {
      case ChunkPart::kDataEnd:  // the line break after a chunk's data
        if (!line.empty()) return Fail("reset", kCurlRecvFailed);
        chunk_ = ChunkPart::kSize;
        break;
      case ChunkPart::kSize:
        if (!ParseWhole(TrimSpaces(line.substr(0, line.find(';'))), 16, &left_))
          return Fail("reset", kCurlRecvFailed);
        chunk_ = left_ == 0 ? ChunkPart::kTrailer : ChunkPart::kData;
        break;
      case ChunkPart::kTrailer:
        if (line.empty()) {
          line_.clear();
          if (!bytes.empty()) keep_alive_ = false;  // bytes past the answer
          return state_ = State::kDone;
        }
        break;
      case ChunkPart::kData:
        break;
    }
    line_.clear();
  }
  return state_;
}

Http1Response::State Http1Response::Closed() {
  if (state_ != State::kReading) return state_;
  if (!any_byte_) return Fail("reset", kCurlNothing);
  if (head_done_ && framing_ == Framing::kUntilClose) return state_ = State::kDone;
  if (head_done_) return Fail("truncated", kCurlPartial);
  return Fail("reset", kCurlRecvFailed);
}

}  // namespace servebench::transport
