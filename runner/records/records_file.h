// The records file (records.jsonl in a run's artifact folder): what happened, request by
// request, so a run can be analysed again (another goodput, another token-count source) and
// runs from several client machines merged. Versioned JSONL, written as each request finishes:
//   line 1  {"servebench_records": 1, "clock": {"monotonic_ns", "wall_ns"}, "run": {...}}
//   then    one record per line (times in ns; event times relative to the request's start)
//   last    {"end": {...}} when the run ended in order (a crash leaves it out)
// "run" and "end" belong to the caller; this layer only carries them. Optionally the same lines
// as one zstd stream (records.jsonl.zst, about 13 times smaller), flushed after every record so
// a crash still leaves every finished request readable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "runner/base/expected.h"
#include "runner/base/output_file.h"
#include "runner/records/record.h"
#include "runner/records/record_sink.h"

namespace servebench::records {

inline constexpr int kRecordsVersion = 1;
inline constexpr const char* kRecordsFileName = "records.jsonl";
inline constexpr const char* kCompressedRecordsFileName = "records.jsonl.zst";

// CLOCK_MONOTONIC and CLOCK_REALTIME read together: how one machine's monotonic times map to
// the calendar, so files from several machines can be put on one time line.
struct ClockPair {
  int64_t monotonic_ns = 0;
  int64_t wall_ns = 0;
};

// One line of the records file. Text that is not UTF-8 (a hostile server's bytes) is written
// as {"base64": ...}, so the record keeps it byte for byte.
std::string RecordLine(const Record& record);
nlohmann::json RecordJson(const Record& record);  // the line, parsed
base::Expected<Record> RecordOf(const nlohmann::json& line);

// Appends records as they come (unbuffered: a crash loses no finished request).
class RecordsWriter : public RecordSink {
 public:
  // zstd: write the lines as one zstd stream.
  RecordsWriter(const std::filesystem::path& path, const ClockPair& clock,
                const nlohmann::json& run, bool zstd = false);
  ~RecordsWriter() override;
  void Add(Record record) override { Read(record); }
  void Read(const Record& record) override;
  // Writes the end line and closes; the first write error, if any.
  base::Status Finish(const nlohmann::json& end);
  const std::filesystem::path& path() const { return file_.path(); }

 private:
  void WriteLine(std::string line, bool last);

  base::AppendFile file_;
  struct Compressor;
  std::unique_ptr<Compressor> compressor_;  // null: plain JSONL
};

struct RecordsFile {
  ClockPair clock;
  nlohmann::json run;
  nlohmann::json end;  // null when the file has no end line
};

// The longest record line read by default: twice the largest response a run accepts (256 MiB),
// room for its JSON escaping.
inline constexpr size_t kMaxRecordBytes = size_t{512} << 20;

// Plain or zstd-compressed (told by the file's first bytes), the same either way; a regular
// file only, each line at most max_line_bytes.
// The header line alone (clock and "run"), to set up the analysis before the records come.
base::Expected<RecordsFile> ReadRecordsHeader(const std::filesystem::path& path,
                                              size_t max_line_bytes = kMaxRecordBytes);
// Reads a records file, handing each record to on_record in file order. A bad line is an error
// naming the file and line.
base::Expected<RecordsFile> ReadRecords(const std::filesystem::path& path,
                                        const std::function<void(Record)>& on_record,
                                        size_t max_line_bytes = kMaxRecordBytes);

}  // namespace servebench::records
