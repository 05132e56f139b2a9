#include "runner/records/records_file.h"

#include <zstd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "runner/base/base64.h"
#include "runner/base/json.h"
#include "runner/base/utf8.h"

namespace servebench::records {
namespace {

using Json = nlohmann::json;

Json ClockJson(const ClockPair& c) {
  return {{"monotonic_ns", c.monotonic_ns}, {"wall_ns", c.wall_ns}};
}

// A value as T, or an exception: a number of the wrong kind or past T's range is refused, never
// converted (nlohmann casts 2e20 to int64 with undefined behaviour).
template <typename T>
T As(const Json& v) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    const bool fits = v.is_number_unsigned()  ? std::in_range<T>(v.get<uint64_t>())
                      : v.is_number_integer() ? std::in_range<T>(v.get<int64_t>())
                                              : false;
    if (!fits) throw std::out_of_range("expected a whole number in range, got " + v.dump());
  }
  return v.get<T>();
}

// A field of a record line, with the check that it has the expected type.
template <typename T>
void Read(const Json& line, const char* key, T* out) {
  if (auto it = line.find(key); it != line.end()) *out = As<T>(*it);
}

// The letter after the backslash of a byte's short escape in JSON text; 0 for none.
constexpr std::array<char, 128> kShortEscapes = [] {
  std::array<char, 128> table{};
  table['"'] = '"';
  table['\\'] = '\\';
  table['\b'] = 'b';
  table['\f'] = 'f';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  return table;
}();

// JSON text as nlohmann's dump writes it (control characters without a short escape as
// lower-case \u00xx, nothing else escaped), built on the stack sixteen plain bytes at a time
// and appended in large pieces (a chunk's many quotes made many small appends); false, with out
// as it was, when s is not UTF-8.
bool AppendJsonString(std::string& out, std::string_view s) {
  const size_t start = out.size();
  char buffer[1024];
  size_t n = 0;
  buffer[n++] = '"';
  for (size_t i = 0; i < s.size();) {
    if (n > sizeof buffer - 24) {  // room for 16 bytes, or the longest escape
      out.append(buffer, n);
      n = 0;
    }
    const std::string_view next = s.substr(i, 16);
    const size_t plain = base::JsonPlainPrefix(next);
    if (next.size() == 16) {
      std::memcpy(buffer + n, next.data(), 16);  // whole, kept as far as it is plain
    } else {
      std::memcpy(buffer + n, next.data(), next.size());
    }
    n += plain;
    i += plain;
    if (plain == next.size()) continue;
    const auto c = static_cast<uint8_t>(s[i]);
    if (c >= 0x80) {
      const size_t length = base::Utf8SequenceLength(s.substr(i));
      if (length == 0) {
        out.resize(start);
        return false;
      }
      std::memcpy(buffer + n, s.data() + i, length);
      n += length;
      i += length;
    } else if (kShortEscapes[c] != 0) {
      buffer[n++] = '\\';
      buffer[n++] = kShortEscapes[c];
      ++i;
    } else {
      n += static_cast<size_t>(std::snprintf(buffer + n, 7, "\\u%04x", c));
      ++i;
    }
  }
  buffer[n++] = '"';
  out.append(buffer, n);
  return true;
}

// Text as the server sent it: a JSON string, or {"base64": ...} for bytes that are not UTF-8
// (a JSON string cannot hold them, and the record keeps what came, byte for byte).
void AppendText(std::string& out, std::string_view s) {
  if (AppendJsonString(out, s)) return;
  out += "{\"base64\":\"";
  out += base::Base64Encode(s);
  out += "\"}";
}

std::string TextOf(const Json& v) {
  if (v.is_object()) {
    auto bytes = base::Base64Decode(v.at("base64").get<std::string>());
    if (!bytes) throw std::invalid_argument("a base64 text is not base64");
    return *bytes;
  }
  return v.get<std::string>();
}

void ReadText(const Json& line, const char* key, std::string* out) {
  if (auto it = line.find(key); it != line.end()) *out = TextOf(*it);
}

}  // namespace

std::string RecordLine(const Record& r) {
  // The keys in nlohmann's order (sorted), as the files have always been written.
  size_t size = 512 + r.body.size();
  for (const Event& e : r.events) size += e.data.size() * 5 / 4 + 32;  // escapes, time, brackets
  std::string line;
  line.reserve(size);
  line += '{';
  auto key = [&](const char* name) {
    if (line.size() > 1) line += ',';
    line += '"';
    line += name;
    line += "\":";
  };
  auto number = [&](const char* name, int64_t value) {
    key(name);
    line += std::to_string(value);
  };
  auto flag = [&](const char* name, bool value) {
    key(name);
    line += value ? "true" : "false";
  };
  auto text = [&](const char* name, std::string_view value) {
    key(name);
    AppendText(line, value);
  };
  if (!r.body.empty()) text("body", r.body);  // a whole reply, or the error body of a stream
  if (r.connect_ns >= 0) number("connect_ns", r.connect_ns);
  if (!r.content_type.empty()) text("content_type", r.content_type);
  number("end_ns", r.end_ns);
  if (r.error) {
    key("error");
    line += "{\"code\":" + std::to_string(r.error->code) + ",\"message\":";
    AppendText(line, r.error->message);
    line += ",\"type\":";
    AppendText(line, r.error->type);
    line += '}';
  }
  if (!r.events.empty()) {
    key("events");
    line += '[';
    for (size_t i = 0; i < r.events.size(); ++i) {
      const Event& e = r.events[i];
      line += i == 0 ? "[" : ",[";
      line += std::to_string(e.ns - r.start_ns);
      line += ',';
      AppendText(line, e.data);
      line += e.is_error ? ",1]" : "]";
    }
    line += ']';
  }
  number("headers_ns", r.headers_ns);
  key("id");
  line += std::to_string(r.request_id);
  number("input_tokens", r.input_tokens);
  if (!r.location.empty()) text("location", r.location);
  if (!r.model.empty()) text("model", r.model);
  number("ready_ns", r.ready_ns);
  number("requested_max_tokens", r.requested_max_tokens);
  number("scheduled_ns", r.scheduled_ns);
  if (!r.session_id.empty()) text("session_id", r.session_id);
  number("start_ns", r.start_ns);
  number("status", r.status);
  flag("streaming", r.streaming);
  if (!r.session_id.empty()) number("turn", r.turn);
  number("wall_start_ns", r.wall_start_ns);
  flag("warmup", r.warmup);
  line += '}';
  return line;
}

Json RecordJson(const Record& r) { return Json::parse(RecordLine(r)); }

base::Expected<Record> RecordOf(const Json& j) {
  try {
    Record r;
    r.request_id = As<uint64_t>(j.at("id"));
    Read(j, "warmup", &r.warmup);
    Read(j, "scheduled_ns", &r.scheduled_ns);
    Read(j, "ready_ns", &r.ready_ns);
    r.start_ns = As<int64_t>(j.at("start_ns"));
    Read(j, "headers_ns", &r.headers_ns);
    Read(j, "connect_ns", &r.connect_ns);
    r.end_ns = As<int64_t>(j.at("end_ns"));
    Read(j, "wall_start_ns", &r.wall_start_ns);
    Read(j, "status", &r.status);
    Read(j, "streaming", &r.streaming);
    Read(j, "input_tokens", &r.input_tokens);
    Read(j, "requested_max_tokens", &r.requested_max_tokens);
    ReadText(j, "model", &r.model);
    ReadText(j, "session_id", &r.session_id);
    Read(j, "turn", &r.turn);
    ReadText(j, "content_type", &r.content_type);
    ReadText(j, "location", &r.location);
    ReadText(j, "body", &r.body);
    if (auto events = j.find("events"); events != j.end()) {
      for (const auto& e : *events) {
        int64_t ns = 0;
        if (__builtin_add_overflow(r.start_ns, As<int64_t>(e.at(0)), &ns))
          throw std::out_of_range("an event time past the clock's range");
        r.events.push_back({ns, TextOf(e.at(1)), e.size() > 2 && As<int>(e.at(2)) == 1});
      }
    }
    if (auto error = j.find("error"); error != j.end()) {
      r.error = RecordError{As<int>(error->at("code")), TextOf(error->at("type")),
                            TextOf(error->at("message"))};
    }
    return r;
  } catch (const std::exception& e) {  // nlohmann's type errors and As's range errors
    return base::MakeError(std::string("a record is malformed (") + e.what() + ")");
  }
}

struct RecordsWriter::Compressor {
  Compressor() : context(ZSTD_createCCtx()) {}
  ~Compressor() { ZSTD_freeCCtx(context); }
  ZSTD_CCtx* context;
  std::string out;
};

RecordsWriter::RecordsWriter(const std::filesystem::path& path, const ClockPair& clock,
                             const Json& run, bool zstd)
    : file_(path), compressor_(zstd ? std::make_unique<Compressor>() : nullptr) {
  WriteLine(Json{{"servebench_records", kRecordsVersion}, {"clock", ClockJson(clock)}, {"run", run}}
                .dump(),
            false);
}

RecordsWriter::~RecordsWriter() = default;

void RecordsWriter::Read(const Record& record) { WriteLine(RecordLine(record), false); }

base::Status RecordsWriter::Finish(const Json& end) {
  WriteLine(Json{{"end", end}}.dump(), true);
  return file_.Close();
}

// Writes one line now. Compressed, it is flushed to a zstd block boundary (the stream keeps its
// history, so later lines still compress against earlier ones), and the last one ends the frame.
void RecordsWriter::WriteLine(std::string text, bool last) {
  text += '\n';  // in place: a long stream's line is megabytes
  if (!compressor_) {
    file_.Write(text);
    return;
  }
  Compressor& c = *compressor_;
  c.out.resize(ZSTD_CStreamOutSize());
  ZSTD_inBuffer in{text.data(), text.size(), 0};
  size_t left = 0;
  do {
    ZSTD_outBuffer out{c.out.data(), c.out.size(), 0};
    left = ZSTD_compressStream2(c.context, &out, &in, last ? ZSTD_e_end : ZSTD_e_flush);
    if (ZSTD_isError(left)) return;  // only on misuse; the file then ends here
    file_.Write(std::string_view(c.out.data(), out.pos));
  } while (left != 0);
}

namespace {

std::string Where(const std::filesystem::path& path, size_t line) {
  return path.string() + ":" + std::to_string(line) + ": ";
}

base::Expected<RecordsFile> ParseHeader(const std::filesystem::path& path,
                                        const std::string& text) {
  const Json line = base::ParseJson<Json>(text);
  const auto version = line.is_object() ? line.find("servebench_records") : line.end();
  if (!line.is_object() || version == line.end()) {
    return base::MakeError(Where(path, 1) +
                           "no servebench_records header; give the records.jsonl of a servebench "
                           "run");
  }
  if (*version != kRecordsVersion) {
    return base::MakeError(Where(path, 1) + "records version " + version->dump() +
                           "; this servebench reads version " + std::to_string(kRecordsVersion));
  }
  RecordsFile file;
  try {
    file.clock = {As<int64_t>(line.at("clock").at("monotonic_ns")),
                  As<int64_t>(line.at("clock").at("wall_ns"))};
    file.run = line.at("run");
  } catch (const std::exception&) {  // nlohmann's type errors and As's range errors
    return base::MakeError(Where(path, 1) + "the header has no clock or run");
  }
  return file;
}

// Lines of a records file, plain or zstd (told by the frame's magic number). Of a cut
// compressed file, every line that was flushed is read. A line longer than the cap is an error,
// not an endless read (a zstd bomb, or /dev/zero given by mistake).
class LineReader {
 public:
  LineReader(const std::filesystem::path& path, size_t max_line_bytes)
      : in_(path, std::ios::binary), max_line_(max_line_bytes) {
    char magic[4] = {};
    in_.read(magic, 4);
    const unsigned char zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
    zstd_ = in_.gcount() == 4 && std::memcmp(magic, zstd_magic, 4) == 0;
    in_.clear();
    in_.seekg(0);
    if (zstd_) context_ = ZSTD_createDCtx();
  }
  ~LineReader() { ZSTD_freeDCtx(context_); }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  bool ok() const { return static_cast<bool>(in_); }
  bool too_long() const { return too_long_; }

  // The next line without its newline; false at the end or past the cap (too_long()).
  // *last: no more lines follow.
  bool Next(std::string& line, bool* last) {
    size_t from = taken_;  // where the newline may be: the line's start, or past what was searched
    while (true) {
      if (const size_t end = text_.find('\n', from); end != std::string::npos) {
        line = text_.substr(taken_, end - taken_);
        taken_ = end + 1;
        *last = !More();
        return true;
      }
      const size_t searched = text_.size() - taken_;
      if (searched > max_line_) {
        too_long_ = true;
        return false;
      }
      if (!Read()) break;
      from = searched;  // Read moved the line's start to 0
    }
    if (taken_ >= text_.size()) return false;
    line = text_.substr(taken_);  // a cut last line
    taken_ = text_.size();
    *last = true;
    return true;
  }

 private:
  // True when text follows what was taken (reading on as needed).
  bool More() {
    while (taken_ >= text_.size()) {
      if (!Read()) return false;
    }
    return true;
  }
  // Appends the next piece of the file (decompressed) to text_; false at its end or a broken
  // frame.
  bool Read() {
    text_.erase(0, taken_);
    taken_ = 0;
    if (!zstd_) {
      in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
      if (in_.gcount() <= 0) return false;
      text_.append(buffer_.data(), static_cast<size_t>(in_.gcount()));
      return true;
    }
    if (input_.pos == input_.size) {
      in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
      if (in_.gcount() <= 0) return false;
      input_ = {buffer_.data(), static_cast<size_t>(in_.gcount()), 0};
    }
    std::string out(ZSTD_DStreamOutSize(), '\0');
    ZSTD_outBuffer output{out.data(), out.size(), 0};
    if (ZSTD_isError(ZSTD_decompressStream(context_, &output, &input_))) return false;
    text_.append(out.data(), output.pos);
    return true;
  }

  std::ifstream in_;
  size_t max_line_;
  bool zstd_ = false;
  bool too_long_ = false;
  ZSTD_DCtx* context_ = nullptr;
  std::vector<char> buffer_ = std::vector<char>(size_t{1} << 16);
  ZSTD_inBuffer input_{nullptr, 0, 0};
  std::string text_;
  size_t taken_ = 0;
};

// A records file is a regular file: a FIFO or a device (/dev/zero) could be read forever.
base::Status CheckRegularFile(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error)) return base::Ok{};
  return base::MakeError(path.string() + (std::filesystem::exists(path, error)
                                              ? ": not a regular file; give a records.jsonl file"
                                              : ": cannot open; give a records.jsonl file"));
}

base::Error TooLong(const std::filesystem::path& path, size_t n, size_t max_line_bytes) {
  return base::MakeError(Where(path, n) + "a line longer than " + std::to_string(max_line_bytes) +
                         " bytes; is this a servebench records file? (--max-record-bytes)");
}

}  // namespace

base::Expected<RecordsFile> ReadRecordsHeader(const std::filesystem::path& path,
                                              size_t max_line_bytes) {
  if (auto regular = CheckRegularFile(path); !regular) return regular.error();
  LineReader lines(path, max_line_bytes);
  if (!lines.ok())
    return base::MakeError(path.string() + ": cannot open; give a records.jsonl file");
  std::string first;
  bool last = false;
  lines.Next(first, &last);
  if (lines.too_long()) return TooLong(path, 1, max_line_bytes);
  return ParseHeader(path, first);
}

base::Expected<RecordsFile> ReadRecords(const std::filesystem::path& path,
                                        const std::function<void(Record)>& on_record,
                                        size_t max_line_bytes) {
  if (auto regular = CheckRegularFile(path); !regular) return regular.error();
  LineReader lines(path, max_line_bytes);
  if (!lines.ok())
    return base::MakeError(path.string() + ": cannot open; give a records.jsonl file");
  std::string text;
  bool last = false;
  lines.Next(text, &last);
  if (lines.too_long()) return TooLong(path, 1, max_line_bytes);
  auto file = ParseHeader(path, text);
  if (!file) return file.error();
  size_t n = 2;
  for (; lines.Next(text, &last); ++n) {
    if (text.empty()) continue;
    const Json line = base::ParseJson<Json>(text);
    if (!line.is_object()) {
      // A run killed mid-write leaves a partial last line: what came before still counts.
      if (last) break;
      return base::MakeError(Where(path, n) +
                             "not a JSON object; is this a servebench records file?");
    }
    if (line.contains("end")) {
      file->end = line["end"];
      continue;
    }
    auto record = RecordOf(line);
    if (!record) return base::MakeError(Where(path, n) + record.error().message);
    on_record(std::move(*record));
  }
  if (lines.too_long()) return TooLong(path, n, max_line_bytes);
  return file;
}

}  // namespace servebench::records
