// The measured requests of a run, kept on disk: one fixed-size binary row per request in an
// unlinked temporary file (the inter-chunk gaps in a second one), so the client's memory stays
// flat however many requests a run makes. The summary reads the rows back, one metric at a time.
#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <tuple>
#include <vector>

#include "runner/metrics/request_metrics.h"

namespace servebench::metrics {

// Something that can show every measured request in turn (a RequestLog, or a plain vector).
using RequestVisitor = std::function<void(const RequestMetrics&)>;
using RequestSource = std::function<void(const RequestVisitor& visit, bool with_gaps)>;

class RequestLog {
 public:
  RequestLog();
  ~RequestLog();
  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;

  void Add(const RequestMetrics& m);
  size_t size() const { return rows_; }
  // Every request in the order added; inter_chunk_latency is filled only when with_gaps.
  void ForEach(const RequestVisitor& visit, bool with_gaps) const;
  RequestSource Source() const;

 private:
  using ErrorKey = std::tuple<int, std::string, std::string>;
  FILE* rows_file_ = nullptr;
  FILE* gaps_file_ = nullptr;
  size_t rows_ = 0;
  std::map<ErrorKey, uint32_t> error_ids_;  // distinct errors are few; rows hold an id
  std::vector<records::RecordError> errors_;
  std::map<std::string, uint32_t> model_ids_;  // models are few too
  std::vector<std::string> models_;
};

RequestSource SourceOf(const std::vector<RequestMetrics>& requests);

}  // namespace servebench::metrics
