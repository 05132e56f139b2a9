// Writes every stream's events at their due times from one event loop (epoll + an absolute
// timerfd): a thousand streams cost one thread's wakeups, not a thousand threads' context
// switches. The connection's own thread hands its stream over and sleeps until it ends.
#pragma once

#include <memory>

#include "mock/event_source.h"
#include "runner/base/expected.h"

namespace servebench::mock {

class StreamWriter {
 public:
  StreamWriter();
  ~StreamWriter();  // stops the loop; streams still running end as failed
  StreamWriter(const StreamWriter&) = delete;
  StreamWriter& operator=(const StreamWriter&) = delete;

  base::Status Start();
  // Writes the source's pieces to fd as HTTP chunks, each at its due time, and returns when the
  // stream has ended: true when whole, false when the client went away or a piece asked for a
  // disconnect.
  bool Run(int fd, EventSource& source);

 private:
  struct Loop;
  std::unique_ptr<Loop> loop_;
};

// The chunked-encoding frame of one piece: hex length, CRLF, bytes, CRLF.
std::string ChunkFrame(const std::string& bytes);

}  // namespace servebench::mock
