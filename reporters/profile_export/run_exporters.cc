// The per-run exporters, listed explicitly as the dialects are: a new format is a class here or
// in its own file, and a line in RunExporters().
#include "reporters/profile_export/aiperf_export.h"
#include "reporters/profile_export/run_exporter.h"
#include "reporters/profile_export/vllm_export.h"

namespace servebench::reporters {
namespace {

// servebench's own profile_export.json and .csv, always written.
class ServebenchExporter : public RunExporter {
 public:
  const char* Name() const override { return "servebench"; }
  std::vector<ExportFile> Files(const FinishedRun& run, const ExportChoice&) const override {
    return {{"profile_export.json", ProfileJson(run.report).dump(2) + "\n"},
            {"profile_export.csv", ProfileCsv(run.report)}};
  }
};

// AIPerf 0.13's profile_export_aiperf.json and .csv, with --output-format aiperf.
class AiperfExporter : public RunExporter {
 public:
  const char* Name() const override { return "aiperf"; }
  std::vector<ExportFile> Files(const FinishedRun& run, const ExportChoice& choice) const override {
    if (choice.output_format != Name()) return {};
    return {{"profile_export_aiperf.json", AiperfJson(run).dump(2) + "\n"},
            {"profile_export_aiperf.csv", AiperfCsv(run)}};
  }
};

// The result JSON of `vllm bench serve`, with --export-vllm FILE.
class VllmExporter : public RunExporter {
 public:
  const char* Name() const override { return "vllm"; }
  std::vector<ExportFile> Files(const FinishedRun& run, const ExportChoice& choice) const override {
    if (choice.vllm_file.empty()) return {};
    return {{choice.vllm_file, VllmResult(run.measured(), run.wall_s).dump(2) + "\n", true}};
  }
};

}  // namespace

const std::vector<metrics::RequestMetrics>& FinishedRun::measured() const {
  if (!measured_) {
    measured_.emplace();
    requests(
        [this](const metrics::RequestMetrics& m) {
          if (!m.warmup) measured_->push_back(m);
        },
        true);
  }
  return *measured_;
}

const std::vector<const RunExporter*>& RunExporters() {
  static const ServebenchExporter servebench;
  static const AiperfExporter aiperf;
  static const VllmExporter vllm;
  static const std::vector<const RunExporter*> all = {&servebench, &aiperf, &vllm};
  return all;
}

base::Status CheckOutputFormat(const std::string& output_format) {
  if (output_format == "servebench" || output_format == "aiperf") return base::Ok{};
  return base::MakeError("--output-format: expected servebench or aiperf, got '" + output_format +
                         "'");
}

std::string RequestLine(const std::string& output_format, int64_t run_wall_ns,
                        const records::Record& record, const metrics::RequestMetrics& m) {
  if (output_format == "aiperf") return AiperfRequestLine(run_wall_ns, record, m);
  return JsonlLine(record, m);
}

}  // namespace servebench::reporters
