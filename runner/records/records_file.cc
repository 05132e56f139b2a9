#include "runner/records/records_file.h"

#include <fstream>

namespace servebench::records {
namespace {

using Json = nlohmann::json;

Json ClockJson(const ClockPair& c) {
  return {{"monotonic_ns", c.monotonic_ns}, {"wall_ns", c.wall_ns}};
}

// A field of a record line, with the check that it has the expected type.
template <typename T>
void Read(const Json& line, const char* key, T* out) {
  if (auto it = line.find(key); it != line.end()) *out = it->get<T>();
}

}  // namespace

Json RecordJson(const Record& r) {
  Json j = {{"id", r.request_id},
            {"warmup", r.warmup},
            {"scheduled_ns", r.scheduled_ns},
            {"ready_ns", r.ready_ns},
            {"start_ns", r.start_ns},
            {"headers_ns", r.headers_ns},
            {"end_ns", r.end_ns},
            {"wall_start_ns", r.wall_start_ns},
            {"status", r.status},
            {"streaming", r.streaming},
            {"input_tokens", r.input_tokens},
            {"requested_max_tokens", r.requested_max_tokens}};
  if (!r.content_type.empty()) j["content_type"] = r.content_type;
  if (!r.location.empty()) j["location"] = r.location;
  if (!r.body.empty()) j["body"] = r.body;  // a whole reply, or the error body of a stream
  if (!r.events.empty()) {
    Json events = Json::array();
    for (const auto& e : r.events) {
      Json event = {e.ns - r.start_ns, e.data};
      if (e.is_error) event.push_back(1);
      events.push_back(std::move(event));
    }
    j["events"] = std::move(events);
  }
  if (r.error) {
    j["error"] = {{"code", r.error->code}, {"type", r.error->type}, {"message", r.error->message}};
  }
  return j;
}

base::Expected<Record> RecordOf(const Json& j) {
  try {
    Record r;
    r.request_id = j.at("id").get<uint64_t>();
    Read(j, "warmup", &r.warmup);
    Read(j, "scheduled_ns", &r.scheduled_ns);
    Read(j, "ready_ns", &r.ready_ns);
    r.start_ns = j.at("start_ns").get<int64_t>();
    Read(j, "headers_ns", &r.headers_ns);
    r.end_ns = j.at("end_ns").get<int64_t>();
    Read(j, "wall_start_ns", &r.wall_start_ns);
    Read(j, "status", &r.status);
    Read(j, "streaming", &r.streaming);
    Read(j, "input_tokens", &r.input_tokens);
    Read(j, "requested_max_tokens", &r.requested_max_tokens);
    Read(j, "content_type", &r.content_type);
    Read(j, "location", &r.location);
    Read(j, "body", &r.body);
    if (auto events = j.find("events"); events != j.end()) {
      for (const auto& e : *events) {
        r.events.push_back({r.start_ns + e.at(0).get<int64_t>(), e.at(1).get<std::string>(),
                            e.size() > 2 && e.at(2).get<int>() == 1});
      }
    }
    if (auto error = j.find("error"); error != j.end()) {
      r.error = RecordError{error->at("code").get<int>(), error->at("type").get<std::string>(),
                            error->at("message").get<std::string>()};
    }
    return r;
  } catch (const Json::exception& e) {
    return base::MakeError(std::string("a record is malformed (") + e.what() + ")");
  }
}

RecordsWriter::RecordsWriter(const std::filesystem::path& path, const ClockPair& clock,
                             const Json& run)
    : file_(path) {
  file_.Write(
      Json{{"servebench_records", kRecordsVersion}, {"clock", ClockJson(clock)}, {"run", run}}
          .dump() +
      "\n");
}

void RecordsWriter::Add(Record record) { file_.Write(RecordJson(record).dump() + "\n"); }

base::Status RecordsWriter::Finish(const Json& end) {
  file_.Write(Json{{"end", end}}.dump() + "\n");
  return file_.Close();
}

namespace {

std::string Where(const std::filesystem::path& path, size_t line) {
  return path.string() + ":" + std::to_string(line) + ": ";
}

base::Expected<RecordsFile> ParseHeader(const std::filesystem::path& path,
                                        const std::string& text) {
  const Json line = Json::parse(text, nullptr, false);
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
    file.clock = {line.at("clock").at("monotonic_ns").get<int64_t>(),
                  line.at("clock").at("wall_ns").get<int64_t>()};
    file.run = line.at("run");
  } catch (const Json::exception&) {
    return base::MakeError(Where(path, 1) + "the header has no clock or run");
  }
  return file;
}

}  // namespace

base::Expected<RecordsFile> ReadRecordsHeader(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return base::MakeError(path.string() + ": cannot open; give a records.jsonl file");
  std::string first;
  std::getline(in, first);
  return ParseHeader(path, first);
}

base::Expected<RecordsFile> ReadRecords(const std::filesystem::path& path,
                                        const std::function<void(Record)>& on_record) {
  std::ifstream in(path);
  if (!in) return base::MakeError(path.string() + ": cannot open; give a records.jsonl file");
  std::string text;
  std::getline(in, text);
  auto file = ParseHeader(path, text);
  if (!file) return file.error();
  for (size_t n = 2; std::getline(in, text); ++n) {
    if (text.empty()) continue;
    const Json line = Json::parse(text, nullptr, false);
    if (!line.is_object()) {
      // A run killed mid-write leaves a partial last line: what came before still counts.
      if (in.peek() == EOF) break;
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
  return file;
}

}  // namespace servebench::records
