// Run-level metrics (metrics.md §5): the distributions of every per-request metric and the
// run's totals, from measured-phase records only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/base/expected.h"
#include "runner/metrics/distribution.h"
#include "runner/metrics/request_log.h"
#include "runner/metrics/request_metrics.h"

namespace servebench::metrics {

struct Slo {
  std::string metric;    // a per-request metric key, e.g. time_to_first_token
  double threshold = 0;  // display units; <= for lower-is-better, >= for higher-is-better
};
// Parses --goodput "time_to_first_token:200 inter_token_latency:20".
base::Expected<std::vector<Slo>> ParseGoodput(const std::string& text);

struct SummaryOptions {
  bool streaming = true;
  bool open_loop = false;
  double target_rate = 0;
  bool tokenizer = false;  // a client tokenizer counted ISL
  std::vector<Slo> slos;
};

struct DistributionRow {
  std::string key, label, unit;
  Stats stats;
};
struct ValueRow {
  std::string key, label, unit;
  double value = 0;
};
struct ErrorGroup {
  int code = 0;
  std::string type, message;
  int64_t count = 0;
};

// TTFT of the requests of one turn of multi-turn conversations: history growth shows here.
struct TurnRow {
  int turn = 0;  // from 0
  Stats time_to_first_token;
};

struct CaseSummary {
  std::vector<DistributionRow> distributions;  // in the console's order
  std::vector<TurnRow> ttft_by_turn;           // multi-turn runs only
  std::vector<ValueRow> values;
  std::vector<ErrorGroup> errors;
  std::vector<std::string> warnings;
  bool invalid = false;  // the client could not deliver the load
  const DistributionRow* Distribution(const std::string& key) const;
  const ValueRow* Value(const std::string& key) const;
};

// Every metric a summary can hold: per-request distributions and run-level values.
struct MetricInfo {
  std::string key, unit;
  bool distribution = true;
  bool higher_is_better = false;
};
const std::vector<MetricInfo>& MetricCatalog();
// One request's value of a per-request metric of the catalog (display units), or nothing. The
// list of chunk gaps (inter_chunk_latency) is RequestMetrics::inter_chunk_latency.
std::optional<double> PerRequestValue(const RequestMetrics& r, const std::string& key);

CaseSummary Summarize(const RequestSource& requests, const SummaryOptions& options);
CaseSummary Summarize(const std::vector<RequestMetrics>& requests, const SummaryOptions& options);

}  // namespace servebench::metrics
