// What a route answers: a whole response (sent at its due time) or a chunked event stream, and
// the HTTP/1.1 framing both are written with.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mock/event_source.h"

namespace servebench::mock {

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int64_t due_ns = 0;  // a whole response leaves no earlier than this
  // When set, the response is a chunked stream of this source's pieces instead of `body`.
  std::unique_ptr<EventSource> stream;
  // Called once on the server's loop when the response has ended: whole (every byte handed to
  // the socket, at sent_ns for a whole response) or not (the client left, a fault, shutdown).
  std::function<void(bool whole, int64_t sent_ns)> ended;
};

// A route's answer. A request that needs a decode slot (--max-batch) is admitted in arrival
// order when one frees; `admit` then builds the reply from the time decoding may start.
struct Pending {
  Reply reply;
  std::function<Reply(int64_t admitted_ns)> admit;
  // With `admit`: the reply is a stream whose head (status, type, headers) is `reply`'s; a
  // queued stream gets its head at once, as inference servers answer a queued request.
  bool streams = false;
};

// A whole reply, sent when it is due.
inline Pending Now(Reply reply) {
  Pending p;
  p.reply = std::move(reply);
  return p;
}

// "HTTP/1.1 200 OK\r\n" and headers up to the blank line. content_length < 0: chunked.
std::string ResponseHead(int status, const std::string& content_type,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         int64_t content_length, bool close);
// Appends the chunked-encoding frame of one piece to out: hex length, CRLF, bytes, CRLF.
void AppendChunkFrame(std::string& out, std::string_view bytes);
inline constexpr const char* kLastChunk = "0\r\n\r\n";

}  // namespace servebench::mock
