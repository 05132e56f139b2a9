// A record sink that measures each record as it arrives (off the load loop, behind an
// AsyncSink), keeps the measurements on disk for the summary, and passes each one on.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "runner/metrics/request_log.h"
#include "runner/metrics/request_metrics.h"
#include "runner/records/record_sink.h"

namespace servebench::metrics {

class MeasuringSink : public records::RecordSink {
 public:
  using OnMeasured = std::function<void(const records::Record&, const RequestMetrics&)>;
  MeasuringSink(MeasureContext context, OnMeasured on_measured)
      : context_(context), on_measured_(std::move(on_measured)) {}
  void Add(records::Record record) override {
    RequestMetrics m = Measure(record, context_);
    if (on_measured_) on_measured_(record, m);
    std::lock_guard lock(mutex_);
    log_.Add(m);
  }
  // Read once the sink is closed.
  const RequestLog& measured() const { return log_; }
  std::vector<RequestMetrics> Take() const {
    std::vector<RequestMetrics> all;
    log_.ForEach([&all](const RequestMetrics& m) { all.push_back(m); }, true);
    return all;
  }

 private:
  MeasureContext context_;
  OnMeasured on_measured_;
  std::mutex mutex_;
  RequestLog log_;
};

}  // namespace servebench::metrics
