// The files written from one finished run. Every exporter reads the same finished run and says
// which files it writes; `profile`, the cases of a suite or sweep, and `analyze` all hand their
// runs to the one list in run_exporters.cc, so a new file format is one new file plus a line
// there.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reporters/profile_export/profile_export.h"
#include "reporters/profile_export/run_report.h"
#include "runner/base/expected.h"
#include "runner/metrics/request_metrics.h"

namespace servebench::reporters {

// Which files a run asks for (profile's --output-format and --export-vllm).
struct ExportChoice {
  std::string output_format = "servebench";  // servebench, or aiperf: AIPerf 0.13's files as well
  std::string vllm_file;                     // vLLM's result JSON, or "" for none
};

// A finished run, as every exporter reads it.
struct FinishedRun {
  FinishedRun(const ProfileReport& r, const RunInfo& i, metrics::RequestSource all, double wall)
      : report(r), info(i), requests(std::move(all)), wall_s(wall) {}

  const ProfileReport& report;
  const RunInfo& info;
  metrics::RequestSource requests;  // every request, warmup included, as the run's log holds them
  double wall_s = 0;                // the run's wall time, from its first send to its end

  // The measured phase's requests, read from `requests` when an exporter first asks. Most runs'
  // files need only the report, and every request in memory at once would be a run's largest
  // allocation (about 1 KB a request).
  const std::vector<metrics::RequestMetrics>& measured() const;

 private:
  mutable std::optional<std::vector<metrics::RequestMetrics>> measured_;
};

struct ExportFile {
  std::filesystem::path path;  // inside the run's folder, unless `as_given`
  std::string text;
  bool as_given = false;  // a path the user gave (--export-vllm), taken as it is
};

class RunExporter {
 public:
  virtual ~RunExporter() = default;
  virtual const char* Name() const = 0;
  // The files this run asks of this exporter; none when it is not asked for.
  virtual std::vector<ExportFile> Files(const FinishedRun& run,
                                        const ExportChoice& choice) const = 0;
};

// Every exporter, in the order their files are written.
const std::vector<const RunExporter*>& RunExporters();

// --output-format's value is one the exporters know (servebench or aiperf).
base::Status CheckOutputFormat(const std::string& output_format);

// One per-request line of profile_export.jsonl in the chosen output format's shape.
// run_wall_ns: when the run started; it seeds the request ids AIPerf's shape writes as UUIDs.
std::string RequestLine(const std::string& output_format, int64_t run_wall_ns,
                        const records::Record& record, const metrics::RequestMetrics& m);

}  // namespace servebench::reporters
