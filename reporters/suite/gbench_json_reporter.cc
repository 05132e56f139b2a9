// results.json: Google Benchmark's JSON format, written by Google Benchmark's own JSONReporter
// (so compare.py and dashboards read it as they read any benchmark binary's output). The file is
// rewritten whole after every case, so an interrupted run keeps the finished cases.
#include <benchmark/benchmark.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reporters/suite/suite_reporter.h"
#include "runner/base/version.h"

namespace servebench::reporters {
namespace {

using Run = benchmark::BenchmarkReporter::Run;

#ifdef NDEBUG
constexpr const char* kBuildType = "release";
#else
constexpr const char* kBuildType = "debug";
#endif

double Finite(double v) { return std::isfinite(v) ? v : 0; }

Run BaseRun(const std::string& name, int64_t family, int64_t repetitions) {
  Run run;
  run.run_name.function_name = name;
  run.family_index = family;
  run.per_family_instance_index = 0;
  run.time_unit = benchmark::kMillisecond;
  run.repetitions = repetitions;
  run.statistics = nullptr;
  return run;
}

// Times are per iteration in the reporter, so the accumulated time is the value × iterations.
void SetTimeMs(Run& run, double ms) {
  run.real_accumulated_time = run.cpu_accumulated_time =
      Finite(ms) / 1e3 * static_cast<double>(run.iterations);
}

double Mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}
double SampleStddev(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double mean = Mean(v);
  double squares = 0;
  for (double x : v) squares += (x - mean) * (x - mean);
  return std::sqrt(squares / static_cast<double>(v.size() - 1));
}

// Google Benchmark's aggregates (mean, median, stddev, cv) over the repetitions that ran. The
// library's own ComputeStats insists on equal iteration counts, which request counts are not.
std::vector<Run> Aggregates(const std::vector<Run>& reps) {
  std::vector<const Run*> ok;
  for (const auto& r : reps) {
    if (!r.error_occurred) ok.push_back(&r);
  }
  if (ok.size() < 2) return {};
  using Stat = std::function<double(const std::vector<double>&)>;
  const std::vector<std::tuple<const char*, Stat, benchmark::StatisticUnit>> stats = {
      {"mean", Mean, benchmark::kTime},
      {"median", [](const auto& v) { return results::Median(v).value_or(0); }, benchmark::kTime},
      {"stddev", SampleStddev, benchmark::kTime},
      {"cv",
       [](const auto& v) {
         const double m = Mean(v);
         return m == 0 ? 0 : SampleStddev(v) / m;
       },
       benchmark::kPercentage}};
  auto per_iteration_ms = [](const Run* r) {
    return r->iterations > 0 ? r->real_accumulated_time * 1e3 / static_cast<double>(r->iterations)
                             : 0;
  };
  std::vector<Run> out;
  for (const auto& [name, stat, unit] : stats) {
    Run a = *ok.front();
    a.run_type = Run::RT_Aggregate;
    a.aggregate_name = name;
    a.aggregate_unit = unit;
    a.repetition_index = Run::no_repetition_index;
    std::vector<double> times;
    for (const Run* r : ok) times.push_back(per_iteration_ms(r));
    const double value = Finite(stat(times));
    if (unit == benchmark::kPercentage) {
      a.real_accumulated_time = a.cpu_accumulated_time = value;  // printed as is
    } else {
      SetTimeMs(a, value);
    }
    for (auto& [counter, c] : a.counters) {
      std::vector<double> values;
      for (const Run* r : ok) {
        if (const auto it = r->counters.find(counter); it != r->counters.end())
          values.push_back(it->second.value);
      }
      c.value = Finite(stat(values));
    }
    out.push_back(std::move(a));
  }
  return out;
}

class GbenchJsonReporter : public SuiteReporter {
 public:
  void Begin(const SuiteContext& context) override {
    context_ = context;
    file_ = context.out_dir / "results.json";
    Write();
  }

  void CaseDone(const results::CaseResult& c) override {
    case_parameters_[c.name] = c.parameters;
    const int64_t reps = static_cast<int64_t>(c.repetitions.size());
    std::vector<Run> case_runs;
    for (size_t i = 0; i < c.repetitions.size(); ++i) {
      const auto& rep = c.repetitions[i];
      Run run = BaseRun(c.name, family_, reps);
      run.repetition_index = static_cast<int64_t>(i);
      run.iterations = rep.iterations;
      run.error_occurred = rep.error;
      run.error_message = rep.error_message;
      run.report_label = c.fingerprint.dump();
      for (const auto& [name, value] : rep.counters) {
        if (std::isfinite(value)) run.counters[name] = benchmark::Counter(value);
      }
      const auto latency = rep.counters.find("request_latency_p50");
      SetTimeMs(run, latency == rep.counters.end() ? 0 : latency->second);
      case_runs.push_back(std::move(run));
    }
    Append(case_runs);
    ++family_;
    // One entry per gated metric, so compare.py's U test sees each gate: a latency as its time,
    // a throughput as its inverse (ms_per_output_token), since compare.py reads lower as better.
    for (const auto& metric : context_.gated_metrics) {
      const std::string counter = results::CounterName(metric);
      const bool time = results::IsTimeCounter(counter);
      const std::string name = time ? counter : results::InverseTimeName(counter);
      if (name.empty()) continue;
      std::vector<Run> metric_runs;
      for (size_t i = 0; i < c.repetitions.size(); ++i) {
        const auto& rep = c.repetitions[i];
        const auto value = rep.counters.find(counter);
        const bool measured =
            !rep.error && value != rep.counters.end() && (time || value->second > 0);
        Run run = BaseRun(c.name + "/" + name, family_, reps);
        run.repetition_index = static_cast<int64_t>(i);
        run.iterations = measured ? 1 : 0;
        run.error_occurred = !measured;
        run.error_message = rep.error ? rep.error_message : "not measured";
        run.report_label = "gate";
        if (measured) SetTimeMs(run, time ? value->second : 1e3 / value->second);
        metric_runs.push_back(std::move(run));
      }
      Append(metric_runs);
      ++family_;
    }
    Write();
  }

  void End(const verdicts::SuiteVerdict& verdict) override {
    ended_ = true;
    interrupted_ = verdict.interrupted;
    exit_code_ = verdict.exit_code;
    Write();
  }
  std::vector<std::filesystem::path> Files() const override { return {file_}; }

 private:
  void Append(const std::vector<Run>& reps) {
    runs_.insert(runs_.end(), reps.begin(), reps.end());
    const auto aggregates = Aggregates(reps);
    runs_.insert(runs_.end(), aggregates.begin(), aggregates.end());
  }

  void Write() {
    std::ostringstream raw, errors;
    benchmark::BenchmarkReporter::Context::executable_name = "servebench";
    benchmark::JSONReporter reporter;
    reporter.SetOutputStream(&raw);
    reporter.SetErrorStream(&errors);
    reporter.ReportContext(benchmark::BenchmarkReporter::Context());
    for (const auto& run : runs_) reporter.ReportRuns({run});
    reporter.Finalize();
    // The library's context lacks json_schema_version and servebench's own keys.
    auto doc = nlohmann::ordered_json::parse(raw.str());
    auto& context = doc["context"];
    context["library_build_type"] = kBuildType;
    context["json_schema_version"] = 1;
    context["servebench_version"] = base::kVersion;
    context["suite"] = context_.suite;
    context["suite_sha256"] = context_.suite_sha256;
    context["server_url"] = context_.server_url;
    context["endpoint_type"] = context_.endpoint_type;
    context["labels"] = context_.labels;
    context["client"] = context_.client;
    context["server"] = context_.server;
    // Each case's swept keys and values, in matrix order, so a stored run draws its curves again.
    context["case_parameters"] = case_parameters_;
    context["slos"] = nlohmann::ordered_json::array();
    for (const auto& s : context_.slos) {
      context["slos"].push_back({{"counter", s.counter},
                                 {"per", s.per},
                                 {"at_most", s.at_most},
                                 {"limit", s.limit},
                                 {"name", s.name}});
    }
    // Until the run ends, the file holds the cases finished so far: a run killed before its
    // end leaves a file that says so.
    context["interrupted"] = !ended_ || interrupted_;
    if (ended_) context["exit_code"] = exit_code_;
    if (!doc.contains("benchmarks")) doc["benchmarks"] = nlohmann::ordered_json::array();
    Save(file_, doc.dump(2) + "\n");
  }

  SuiteContext context_;
  std::filesystem::path file_;
  std::vector<Run> runs_;
  nlohmann::ordered_json case_parameters_ = nlohmann::ordered_json::object();
  int64_t family_ = 0;
  bool ended_ = false, interrupted_ = false;
  int exit_code_ = 0;
};

const bool registered_gbench_json = RegisterSuiteReporter(
    "results.json", ReporterRole::kResults, [] { return std::make_unique<GbenchJsonReporter>(); });

}  // namespace
}  // namespace servebench::reporters
