// Server-Sent Events framing (wire.md): bytes in, events out, each with the time of its first
// byte. Lines end in \n, \r\n or \r, across any split of reads; `data:` lines are joined with
// \n; comments are skipped. No JSON here: this runs on the receive path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runner/records/record.h"

namespace servebench::sse {

class Framer {
 public:
  // Consumes one read that arrived at now_ns; appends completed events to out.
  void Feed(std::string_view bytes, int64_t now_ns, std::vector<records::Event>& out);
  // At end of stream: an unterminated last event counts as complete.
  void Finish(std::vector<records::Event>& out);
  // Bytes held for the event being read (its unfinished line and its data so far).
  size_t pending_bytes() const { return partial_.size() + data_.size(); }

 private:
  void Line(std::string_view line, int64_t line_ns, std::vector<records::Event>& out);
  void Dispatch(std::vector<records::Event>& out);

  std::string partial_;     // bytes of an unfinished line
  int64_t partial_ns_ = 0;  // when the unfinished line's first byte arrived
  bool after_cr_ = false;   // the last byte was \r: a following \n belongs to it
  bool in_event_ = false;   // a field line of the current event has been seen
  bool has_data_ = false;
  bool is_error_ = false;
  int64_t event_ns_ = 0;
  std::string data_;
};

}  // namespace servebench::sse
