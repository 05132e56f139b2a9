#include "runner/metrics/request_log.h"

#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "runner/metrics/catalog.h"

namespace servebench::metrics {
namespace {

// A row holds every single-valued metric of the catalog, in catalog order.
constexpr size_t kFieldCount = CountSingleValued();
constexpr auto kFields = [] {
  std::array<std::optional<double> RequestMetrics::*, kFieldCount> fields{};
  size_t i = 0;
  for (const auto& m : kMetrics) {
    if (m.field != nullptr) fields[i++] = m.field;
  }
  return fields;
}();
constexpr uint32_t kNoError = 0xffffffff;

struct Row {
  uint64_t request_id;
  int64_t scheduled_ns, start_ns, end_ns, wall_start_ns, last_content_ns, requested_max_tokens;
  double values[kFieldCount];  // NaN: absent
  uint32_t gaps;               // inter-chunk gaps stored for this request
  uint32_t error;              // index into the error table, or kNoError
  int32_t malformed_events;
  int32_t turn;
  uint32_t model;  // index into the model table
  uint8_t warmup, usage_reported;
};

void Write(FILE* file, const void* data, size_t size) {
  if (size > 0 && std::fwrite(data, size, 1, file) != 1) {
    throw std::runtime_error(std::string("cannot write the request log: ") + std::strerror(errno));
  }
}

}  // namespace

RequestLog::RequestLog() : rows_file_(std::tmpfile()), gaps_file_(std::tmpfile()) {
  if (rows_file_ == nullptr || gaps_file_ == nullptr) {
    throw std::runtime_error(std::string("cannot create the request log in the temporary "
                                         "folder (set TMPDIR): ") +
                             std::strerror(errno));
  }
}

RequestLog::~RequestLog() {
  std::fclose(rows_file_);
  std::fclose(gaps_file_);
}

void RequestLog::Add(const RequestMetrics& m) {
  Row row{};
  row.request_id = m.request_id;
  row.scheduled_ns = m.scheduled_ns;
  row.start_ns = m.start_ns;
  row.end_ns = m.end_ns;
  row.wall_start_ns = m.wall_start_ns;
  row.last_content_ns = m.last_content_ns;
  row.requested_max_tokens = m.requested_max_tokens;
  for (size_t i = 0; i < kFieldCount; ++i) row.values[i] = (m.*kFields[i]).value_or(NAN);
  row.gaps = static_cast<uint32_t>(m.inter_chunk_latency.size());
  row.error = kNoError;
  if (m.error) {
    const ErrorKey key{m.error->code, m.error->type, m.error->message};
    auto [it, fresh] = error_ids_.emplace(key, static_cast<uint32_t>(errors_.size()));
    if (fresh) errors_.push_back(*m.error);
    row.error = it->second;
  }
  row.malformed_events = m.malformed_events;
  row.turn = m.turn;
  auto [model, fresh_model] = model_ids_.emplace(m.model, static_cast<uint32_t>(models_.size()));
  if (fresh_model) models_.push_back(m.model);
  row.model = model->second;
  row.warmup = m.warmup;
  row.usage_reported = m.usage_reported;
  Write(rows_file_, &row, sizeof row);
  Write(gaps_file_, m.inter_chunk_latency.data(), m.inter_chunk_latency.size() * sizeof(double));
  ++rows_;
}

void RequestLog::ForEach(const RequestVisitor& visit, bool with_gaps) const {
  std::fflush(rows_file_);
  std::fflush(gaps_file_);
  std::rewind(rows_file_);
  std::rewind(gaps_file_);  // read in step with the rows only when with_gaps
  Row row;
  RequestMetrics m;
  for (size_t n = 0; n < rows_ && std::fread(&row, sizeof row, 1, rows_file_) == 1; ++n) {
    m.request_id = row.request_id;
    m.warmup = row.warmup != 0;
    m.scheduled_ns = row.scheduled_ns;
    m.start_ns = row.start_ns;
    m.end_ns = row.end_ns;
    m.wall_start_ns = row.wall_start_ns;
    m.last_content_ns = row.last_content_ns;
    m.requested_max_tokens = row.requested_max_tokens;
    for (size_t i = 0; i < kFieldCount; ++i) {
      m.*kFields[i] = std::isnan(row.values[i]) ? std::nullopt : std::optional(row.values[i]);
    }
    m.inter_chunk_latency.resize(with_gaps ? row.gaps : 0);
    if (with_gaps && row.gaps > 0 &&
        std::fread(m.inter_chunk_latency.data(), sizeof(double), row.gaps, gaps_file_) !=
            row.gaps) {
      throw std::runtime_error("the request log's gaps are truncated");
    }
    m.error = row.error == kNoError ? std::nullopt : std::optional(errors_[row.error]);
    m.malformed_events = row.malformed_events;
    m.turn = row.turn;
    m.model = models_[row.model];
    m.usage_reported = row.usage_reported != 0;
    visit(m);
  }
  std::fseek(rows_file_, 0, SEEK_END);
  std::fseek(gaps_file_, 0, SEEK_END);
}

RequestSource RequestLog::Source() const {
  return [this](const RequestVisitor& visit, bool with_gaps) { ForEach(visit, with_gaps); };
}

RequestSource SourceOf(const std::vector<RequestMetrics>& requests) {
  return [&requests](const RequestVisitor& visit, bool) {
    for (const auto& r : requests) visit(r);
  };
}

}  // namespace servebench::metrics
