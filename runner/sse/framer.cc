#include "runner/sse/framer.h"

#include <cstring>

namespace servebench::sse {
namespace {

// Where the line starting at pos ends: its first \r or \n. Two memchr calls: find_first_of
// would call memchr once per byte.
size_t LineEnd(std::string_view bytes, size_t pos) {
  const char* begin = bytes.data() + pos;
  const size_t left = bytes.size() - pos;
  const auto* lf = static_cast<const char*>(std::memchr(begin, '\n', left));
  const size_t scan = lf != nullptr ? static_cast<size_t>(lf - begin) : left;
  const auto* cr = static_cast<const char*>(std::memchr(begin, '\r', scan));
  if (cr != nullptr) return pos + static_cast<size_t>(cr - begin);
  return lf != nullptr ? pos + scan : std::string_view::npos;
}

}  // namespace

void Framer::Feed(std::string_view bytes, int64_t now_ns, std::vector<records::Event>& out) {
  size_t pos = 0;
  if (after_cr_ && !bytes.empty() && bytes[0] == '\n') pos = 1;  // the \n of a split \r\n
  after_cr_ = false;
  while (pos < bytes.size()) {
    const size_t end = LineEnd(bytes, pos);
    if (end == std::string_view::npos) {
      if (partial_.empty()) partial_ns_ = now_ns;
      partial_.append(bytes.substr(pos));
      return;
    }
    const int64_t line_ns = partial_.empty() ? now_ns : partial_ns_;
    if (partial_.empty()) {
      Line(bytes.substr(pos, end - pos), line_ns, out);
    } else {
      partial_.append(bytes.substr(pos, end - pos));
      Line(partial_, line_ns, out);
      partial_.clear();
    }
    pos = end + 1;
    if (bytes[end] == '\r') {
      if (pos < bytes.size()) {
        if (bytes[pos] == '\n') ++pos;
      } else {
        after_cr_ = true;
      }
    }
  }
}

void Framer::Finish(std::vector<records::Event>& out) {
  if (!partial_.empty()) {
    Line(partial_, partial_ns_, out);
    partial_.clear();
  }
  Dispatch(out);
}

void Framer::Line(std::string_view line, int64_t line_ns, std::vector<records::Event>& out) {
  if (line.empty()) {
    Dispatch(out);
    return;
  }
  if (line[0] == ':') return;  // comment (keep-alive ping)
  if (!in_event_) {
    in_event_ = true;
    event_ns_ = line_ns;
  }
  const size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    is_error_ = value == "error";
  }
  // id and retry carry nothing servebench measures.
}

void Framer::Dispatch(std::vector<records::Event>& out) {
  if (has_data_) out.push_back({event_ns_, std::move(data_), is_error_});
  data_.clear();
  in_event_ = has_data_ = is_error_ = false;
}

}  // namespace servebench::sse
