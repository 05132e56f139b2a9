// A record sink that measures each record as it arrives (off the load loop, behind an
// AsyncSink), keeps the measurements for the summary, and passes each one on.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

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
    measured_.push_back(std::move(m));
  }
  std::vector<RequestMetrics> Take() {
    std::lock_guard lock(mutex_);
    return std::move(measured_);
  }

 private:
  MeasureContext context_;
  OnMeasured on_measured_;
  std::mutex mutex_;
  std::vector<RequestMetrics> measured_;
};

}  // namespace servebench::metrics
