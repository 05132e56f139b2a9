// Reading one HTTP/1.1 response from the bytes a socket gives, in whatever pieces (RFC 9112):
// the status line and headers, interim 1xx answers skipped, then the body framed by chunked
// coding, Content-Length or the connection's close. No sockets here: the built-in client
// (http1_transport.h) feeds it each read, and the tests and a fuzz target feed it bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace servebench::transport {

class Http1Response {
 public:
  enum class State {
    kReading,  // wants more bytes
    kDone,     // the whole answer has come
    kFailed,   // error_type() and error_message() say why
    kStopped,  // the body callback refused more
  };
  // Body bytes as they come, unframed (no chunk sizes); false stops the response.
  using OnBody = std::function<bool(std::string_view bytes)>;

  // Consumes one read that arrived at now_ns.
  State Feed(std::string_view bytes, int64_t now_ns, const OnBody& on_body);
  // The server closed the connection cleanly: kDone for a body that ends with the connection,
  // kFailed for anything still unfinished.
  State Closed();

  int status() const { return status_; }
  const std::string& content_type() const { return content_type_; }
  const std::string& location() const { return location_; }
  bool head_done() const { return head_done_; }
  int64_t headers_ns() const { return headers_ns_; }
  bool any_byte() const { return any_byte_; }
  // Whether the connection can carry another request once this answer is done.
  bool keep_alive() const { return keep_alive_; }
  const std::string& error_type() const { return error_type_; }
  const std::string& error_message() const { return error_message_; }

 private:
  enum class Framing { kNone, kLength, kChunked, kUntilClose };
  enum class ChunkPart { kSize, kData, kDataEnd, kTrailer };

  bool HeadLine(std::string_view line, int64_t now_ns);
  State Body(std::string_view bytes, const OnBody& on_body);
  State Chunked(std::string_view bytes, const OnBody& on_body);
  State Fail(const char* type, std::string message);

  State state_ = State::kReading;
  std::string line_;  // an unfinished line of the head, or of a chunk's size
  bool any_byte_ = false;
  bool head_done_ = false;
  bool keep_alive_ = true;
  int status_ = 0;
  std::string content_type_, location_;
  int64_t headers_ns_ = 0;
  Framing framing_ = Framing::kUntilClose;
  uint64_t left_ = 0;  // of a Content-Length body, or of the chunk being read
  ChunkPart chunk_ = ChunkPart::kSize;
  std::string error_type_, error_message_;
};

// What curl says for the same failures, so that a record reads the same whichever client
// carried it.
inline constexpr const char* kCurlNothing = "Server returned nothing (no headers, no data)";
inline constexpr const char* kCurlPartial = "Transferred a partial file";
inline constexpr const char* kCurlRecvFailed = "Failure when receiving data from the peer";
inline constexpr const char* kCurlSendFailed = "Failure when sending data to the peer";
inline constexpr const char* kCurlWeirdReply = "Weird server reply";
inline constexpr const char* kCurlTimedOut = "Timeout was reached";

}  // namespace servebench::transport
