// Adding a metric is one catalog row: every row reaches every output. The test fills every
// per-request field the catalog names, summarises requests that make every run value appear,
// and looks for each row in the summary, the request log, the per-request JSONL, the profile
// JSON and CSV, the console table (exactly the rows marked for it), results.json's counters and
// the vLLM export.
#include "runner/metrics/catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "reporters/console/console_table.h"
#include "reporters/profile_export/profile_export.h"
#include "reporters/profile_export/vllm_export.h"
#include "runner/metrics/request_log.h"
#include "runner/metrics/summary.h"
#include "runner/results/case_result.h"

namespace servebench::metrics {
namespace {

using K = MetricKind;

// A valid request with a value for every per-request metric of the catalog.
RequestMetrics Full(uint64_t id) {
  RequestMetrics r;
  r.request_id = id;
  r.start_ns = static_cast<int64_t>(id) * 1'000'000;
  r.end_ns = r.start_ns + 50'000'000;
  r.last_content_ns = r.end_ns;
  r.requested_max_tokens = 4;
  r.usage_reported = true;
  double value = 1;
  for (const auto& m : kMetrics) {
    if (m.field != nullptr) r.*(m.field) = value++;
  }
  r.output_sequence_length = 4;
  r.usage_mismatch_pct = 0;
  r.cap_wait = 1;  // waited for a slot: capped_arrival_share appears
  r.inter_chunk_latency = {2, 3};
  return r;
}

std::vector<RequestMetrics> Requests() {
  std::vector<RequestMetrics> all = {Full(1), Full(2), Full(3)};
  RequestMetrics failed = Full(4);
  failed.error = records::RecordError{500, "http", "boom"};
  RequestMetrics cut = Full(5);
  cut.error = records::RecordError{0, records::kGracePeriodCut, "cut"};
  all.push_back(failed);
  all.push_back(cut);
  return all;
}

CaseSummary EverySummaryRow() {
  SummaryOptions o;
  o.open_loop = true;
  o.target_rate = 10;
  o.tokenizer = true;
  o.slos = {{"time_to_first_token", 1000}};
  return Summarize(Requests(), o);
}

TEST(Catalog, KeysAreUniqueAndEveryPerRequestRowButTheListHasAField) {
  std::set<std::string> keys;
  for (const auto& m : kMetrics) {
    EXPECT_TRUE(keys.insert(m.key).second) << m.key;
    EXPECT_EQ(FindMetricDef(m.key), &m);
    const bool list = std::string(m.key) == "inter_chunk_latency";
    EXPECT_EQ(m.field != nullptr, m.kind == K::kPerRequest && !list) << m.key;
  }
  EXPECT_EQ(MetricCatalog().size(), std::size(kMetrics));
}

TEST(Catalog, EveryRowReachesTheSummaryTheProfileFilesAndTheCounters) {
  const CaseSummary summary = EverySummaryRow();
  reporters::ProfileReport report;
  report.summary = summary;
  const nlohmann::json json = reporters::ProfileJson(report);
  const std::string csv = reporters::ProfileCsv(report);
  const std::string console = reporters::ConsoleTable(report, {});
  const auto counters = results::FromSummary(summary).counters;
  for (const auto& m : kMetrics) {
    SCOPED_TRACE(m.key);
    const bool per_request = m.kind == K::kPerRequest;
    const std::string label = std::string(m.label) + " (" + m.unit + ")";
    ASSERT_TRUE(per_request ? summary.Distribution(m.key) != nullptr
                            : summary.Value(m.key) != nullptr);
    EXPECT_EQ(json.at(m.key).at("unit"), m.unit);
    EXPECT_EQ(console.find(label) != std::string::npos, m.console);
    EXPECT_EQ(counters.count(per_request ? std::string(m.key) + "_p50" : std::string(m.key)), 1u);
  }
  // The CSV: two header lines and a blank line around one line per catalog row.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), std::ssize(kMetrics) + 3);
}

TEST(Catalog, TheConsoleTablesColumnsWidenToTheirWidestValue) {
  reporters::ProfileReport report;
  report.summary = EverySummaryRow();
  auto& row = report.summary.distributions.front();
  row.stats.avg = row.stats.min = row.stats.max = 2'000'000.002;
  const std::string console = reporters::ConsoleTable(report, {});
  EXPECT_EQ(console.find("2,000,000.002,000,000.00"), std::string::npos) << console;
  EXPECT_NE(console.find(" 2,000,000.00 2,000,000.00 2,000,000.00"), std::string::npos) << console;
  // The header and the widened row stay aligned.
  std::istringstream lines(console);
  std::string title, header, first;
  std::getline(lines, title);
  std::getline(lines, header);
  std::getline(lines, first);
  EXPECT_EQ(header.size(), first.size()) << console;
}

TEST(Catalog, EveryPerRequestRowReachesTheRequestLogTheJsonlAndTheVllmExport) {
  RequestLog log;
  const RequestMetrics full = Full(1);
  log.Add(full);
  RequestMetrics read;
  log.ForEach([&](const RequestMetrics& m) { read = m; }, true);
  const auto line = nlohmann::json::parse(reporters::JsonlLine(records::Record{}, full));
  const nlohmann::json vllm = reporters::VllmResult({full}, 1.0);
  for (const auto& m : kMetrics) {
    if (m.kind != K::kPerRequest) continue;
    SCOPED_TRACE(m.key);
    if (m.field != nullptr) {
      EXPECT_EQ(read.*(m.field), full.*(m.field));
    }
    EXPECT_EQ(line.at("metrics").at(m.key).at("unit"), m.unit);
    if (*m.vllm != '\0' && std::string(m.unit) == "ms") {
      EXPECT_TRUE(vllm.contains("mean_" + std::string(m.vllm) + "_ms"));
    }
  }
  EXPECT_EQ(read.inter_chunk_latency, full.inter_chunk_latency);
}

}  // namespace
}  // namespace servebench::metrics
