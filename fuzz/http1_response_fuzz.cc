// The built-in client's response reader fed one byte stream whole and in arbitrary splits, then
// the connection's close: state, status, head and body must be the same either way, and the
// body never longer than the bytes given. The first input byte chooses the splits.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runner/transport/http1_response.h"

using servebench::transport::Http1Response;

namespace {

struct Read {
  Http1Response response;
  Http1Response::State state = Http1Response::State::kReading;
  std::string body;
};

void Feed(Read& r, std::string_view bytes, int64_t now) {
  if (r.state != Http1Response::State::kReading) return;
  r.state = r.response.Feed(bytes, now, [&](std::string_view b) {
    r.body.append(b);
    return r.body.size() < 4096;  // a cap, as the client's
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned seed = data[0];
  const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);

  Read whole;
  Feed(whole, stream, 1);
  if (whole.state == Http1Response::State::kReading) whole.state = whole.response.Closed();

  Read split;
  for (size_t at = 0, piece = 0; at < stream.size(); ++piece) {
    const size_t length = 1 + (seed * 31 + piece * 17) % 7;  // pieces of 1 to 7 bytes
    Feed(split, stream.substr(at, length), 2);
    at += length;
  }
  if (split.state == Http1Response::State::kReading) split.state = split.response.Closed();

  if (whole.state != split.state || whole.response.status() != split.response.status())
    std::abort();
  if (whole.response.content_type() != split.response.content_type()) std::abort();
  if (whole.response.error_type() != split.response.error_type()) std::abort();
  // A cap stops each at the first piece past it, so bodies agree up to the cap.
  if (whole.state != Http1Response::State::kStopped && whole.body != split.body) std::abort();
  if (whole.body.size() > stream.size() || split.body.size() > stream.size()) std::abort();
  return 0;
}
