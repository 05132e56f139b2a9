// What a stream sends, piece by piece, each with the time it is due; the server's event loop
// writes each piece when it is due.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace servebench::mock {

struct Piece {
  int64_t due_ns = 0;
  std::string bytes;            // whole SSE events, written with one write
  std::vector<uint8_t> logged;  // per event in bytes: 1 when it carries generated text
  bool disconnect = false;      // close the connection here instead of writing
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  // The next piece; false when the stream has ended.
  virtual bool Next(Piece& piece) = 0;
  // The piece's first byte was handed to the socket at sent_ns.
  virtual void Sent(const Piece& piece, int64_t sent_ns) = 0;
};

}  // namespace servebench::mock
