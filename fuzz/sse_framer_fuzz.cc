// The SSE framer fed one byte stream whole and in arbitrary splits: the events must be the same,
// with first-byte times that never go backwards. The first input byte chooses the splits.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "runner/sse/framer.h"

using servebench::records::Event;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned seed = data[0];
  const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);

  std::vector<Event> whole;
  servebench::sse::Framer one;
  one.Feed(stream, 1, whole);
  one.Finish(whole);

  std::vector<Event> split;
  servebench::sse::Framer many;
  int64_t now = 1;
  for (size_t at = 0, piece = 0; at < stream.size(); ++piece) {
    const size_t length = 1 + (seed * 31 + piece * 17) % 7;  // pieces of 1 to 7 bytes
    many.Feed(stream.substr(at, length), now++, split);
    at += length;
  }
  many.Finish(split);

  if (whole.size() != split.size()) std::abort();
  for (size_t i = 0; i < whole.size(); ++i) {
    if (whole[i].data != split[i].data || whole[i].is_error != split[i].is_error) std::abort();
    if (i > 0 && split[i].ns < split[i - 1].ns) std::abort();
  }
  return 0;
}
