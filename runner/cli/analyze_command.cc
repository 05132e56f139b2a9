// `servebench analyze RECORDS...`: the metrics of one or more records files, computed again by
// the same path a profile run takes, into the same files. Several files (halves of a run, or
// runs from several client machines at once) are merged record by record, so percentiles come
// from every request, never from averaged summaries.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "reporters/console/console_table.h"
#include "reporters/profile_export/run_report.h"
#include "runner/base/flags.h"
#include "runner/base/output_file.h"
#include "runner/cli/commands.h"
#include "runner/metrics/request_log.h"
#include "runner/options/profile_options.h"
#include "runner/records/records_file.h"
#include "runner/session/artifacts.h"

namespace servebench::cli {
namespace {

namespace fs = std::filesystem;

// --goodput's default: keep the run's own SLOs ("" would mean none).
constexpr const char* kRunsGoodput = "(the run's)";

struct AnalyzeFlags {
  std::string goodput = kRunsGoodput, token_count_source, tokenizer,
              artifact_dir = "artifacts/analyze";
  int64_t max_record_bytes = records::kMaxRecordBytes;
  bool allow_mixed = false;
  reporters::ExportChoice exports;
};

// What a run measured: the keys of its recorded configuration that set the target and the
// workload. Runs that differ in any of them measured different things.
constexpr const char* kWorkloadKeys[] = {"model",
                                         "url",
                                         "endpoint_type",
                                         "endpoint",
                                         "streaming",
                                         "isl",
                                         "isl_stddev",
                                         "osl",
                                         "osl_stddev",
                                         "seq_dist",
                                         "tokenizer",
                                         "input_file",
                                         "custom_dataset_type",
                                         "public_dataset",
                                         "extra_inputs",
                                         "concurrency",
                                         "request_rate",
                                         "arrival_pattern",
                                         "num_sessions",
                                         "prompt_prefix_pool_size",
                                         "prompt_prefix_length",
                                         "shared_system_prompt_length"};

// How the run of `file` differs from the first file's: "isl 128 vs 256, ..." or "".
std::string WorkloadDifferences(const nlohmann::json& first, const nlohmann::json& run) {
  const auto config = [](const nlohmann::json& r) {
    return r.contains("input_config") ? r["input_config"] : nlohmann::json::object();
  };
  const nlohmann::json a = config(first), b = config(run);
  std::string differences;
  for (const char* key : kWorkloadKeys) {
    const auto& x = a.contains(key) ? a[key] : nlohmann::json();
    const auto& y = b.contains(key) ? b[key] : nlohmann::json();
    if (x == y) continue;
    differences +=
        std::string(differences.empty() ? "" : ", ") + key + " " + x.dump() + " vs " + y.dump();
  }
  return differences;
}

// Removes a half-written output folder unless the analysis got to its end.
struct OutputFolder {
  std::filesystem::path path;
  bool keep = false;
  ~OutputFolder() {
    std::error_code ignored;
    if (!keep) std::filesystem::remove_all(path, ignored);
  }
};

// Moves every monotonic time of a record by shift_ns (0 stays 0: "did not happen").
void Shift(records::Record& r, int64_t shift_ns) {
  for (int64_t* t : {&r.scheduled_ns, &r.ready_ns, &r.start_ns, &r.headers_ns, &r.end_ns}) {
    if (*t != 0) *t += shift_ns;
  }
  for (auto& e : r.events) e.ns += shift_ns;
}

// The run of several files: the first one's description; the calendar span of all; the end
// lines of those that have one (a file without one is a part, or a run that did not end in
// order: only when no file has an end line does the whole count as cancelled).
void Merge(reporters::RunInfo& into, const reporters::RunInfo& part, bool part_ended) {
  into.start_wall_ns = std::min(into.start_wall_ns, part.start_wall_ns);
  for (const auto& note : part.notes) {
    if (std::find(into.notes.begin(), into.notes.end(), note) == into.notes.end())
      into.notes.push_back(note);
  }
  if (!part_ended) return;
  into.end_wall_ns = std::max(into.end_wall_ns, part.end_wall_ns);
  into.was_cancelled = into.was_cancelled || part.was_cancelled;
  into.dropped += part.dropped;
  into.include_usage_dropped = into.include_usage_dropped || part.include_usage_dropped;
}

// The first file's run description with analyze's flags over it.
base::Expected<reporters::RunInfo> RunInfoToAnalyze(const std::string& file,
                                                    const nlohmann::json& run,
                                                    const AnalyzeFlags& f) {
  auto info = reporters::RunInfoOf(run, nullptr, 0);
  if (!info) return base::MakeError(file + ": " + info.error().message);
  info->was_cancelled = false;  // the end lines of the files decide
  if (f.goodput != kRunsGoodput) info->goodput = f.goodput;
  if (!f.token_count_source.empty()) info->token_count_source = f.token_count_source;
  if (!f.tokenizer.empty()) info->tokenizer = f.tokenizer;
  if (auto slos = metrics::ParseGoodput(info->goodput); !slos) return slos.error();
  if (info->tokenizer == "server") {
    return base::MakeError(
        "the run counted tokens with --tokenizer server, which analyze cannot reach; give "
        "--tokenizer with the server's tokenizer.json or model folder");
  }
  return info;
}

// Every file's header before anything is written: runs of another endpoint type are never
// merged, runs of another workload only with --allow-mixed (then a warning each).
base::Status CheckMergeable(const std::vector<std::string>& files, const nlohmann::json& first,
                            const AnalyzeFlags& f, std::vector<std::string>& warnings) {
  const std::string type = first.value("endpoint_type", "");
  for (size_t i = 1; i < files.size(); ++i) {
    auto header = records::ReadRecordsHeader(files[i], static_cast<size_t>(f.max_record_bytes));
    if (!header) return header.error();
    if (header->run.value("endpoint_type", "") != type) {
      return base::MakeError(files[i] + ": a " + header->run.value("endpoint_type", "?") +
                             " run cannot be merged with a " + type + " run");
    }
    const std::string differs = WorkloadDifferences(first, header->run);
    if (differs.empty()) continue;
    const std::string what =
        files[i] + " measured another workload than " + files.front() + " (" + differs + ")";
    if (!f.allow_mixed) return base::MakeError(what + "; give --allow-mixed to merge anyway");
    warnings.push_back(what + "; merged (--allow-mixed)");
  }
  return base::Ok{};
}

int Analyze(const std::vector<std::string>& files, const AnalyzeFlags& f) {
  const auto max_line = static_cast<size_t>(f.max_record_bytes);
  auto first = records::ReadRecordsHeader(files.front(), max_line);
  if (!first) return Fail("analyze: " + first.error().message);
  auto info = RunInfoToAnalyze(files.front(), first->run, f);
  if (!info) return Fail("analyze: " + info.error().message);
  std::shared_ptr<tokenizers::Tokenizer> tokenizer;
  if (!info->tokenizer.empty()) {
    auto loaded = tokenizers::Tokenizer::Load(info->tokenizer);
    if (!loaded) return Fail("analyze: " + loaded.error().message + " (--tokenizer gives another)");
    tokenizer = *loaded;
  }
  auto context = reporters::MeasureContextOf(*info, tokenizer.get());
  if (!context) return Fail("analyze: " + context.error().message);
  std::vector<std::string> warnings;
  if (auto mergeable = CheckMergeable(files, first->run, f, warnings); !mergeable)
    return Fail("analyze: " + mergeable.error().message);
  for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());

  auto dir = session::FreshDirectory(f.artifact_dir, "--artifact-dir");
  if (!dir) return Fail("analyze: " + dir.error().message);
  OutputFolder output{*dir};
  base::AppendFile jsonl(*dir / "profile_export.jsonl");
  const int64_t first_wall_ns = info->start_wall_ns;
  // A request is counted once: the same run (its clock pair) given twice, or halves that
  // overlap, are refused.
  std::map<std::pair<int64_t, int64_t>, std::string> runs;  // clock pair -> its first file
  std::set<std::tuple<int64_t, int64_t, uint64_t>> requests;
  std::string twice;
  metrics::RequestLog measured;
  info->end_wall_ns = 0;
  bool any_end = false;
  int64_t last_wall_ns = 0;
  for (const auto& file : files) {
    auto header = records::ReadRecordsHeader(file, max_line);
    if (!header) return Fail("analyze: " + header.error().message);
    const std::pair<int64_t, int64_t> run{header->clock.monotonic_ns, header->clock.wall_ns};
    const std::string& earlier = runs.try_emplace(run, file).first->second;
    // Each machine's monotonic clock is put on the first file's time line through the calendar.
    const int64_t shift = (header->clock.wall_ns - header->clock.monotonic_ns) -
                          (first->clock.wall_ns - first->clock.monotonic_ns);
    auto read = records::ReadRecords(
        file,
        [&](records::Record r) {
          if (!requests.insert({run.first, run.second, r.request_id}).second) {
            if (twice.empty()) {
              twice = file + ": request " + std::to_string(r.request_id) +
                      " of the same run was read from " + earlier + " already";
            }
            return;
          }
          if (shift != 0) Shift(r, shift);
          last_wall_ns = std::max(last_wall_ns, r.wall_start_ns + (r.end_ns - r.start_ns));
          const metrics::RequestMetrics m = metrics::Measure(r, *context);
          jsonl.Write(reporters::RequestLine(f.exports.output_format, first_wall_ns, r, m));
          measured.Add(m);
        },
        max_line);
    if (!read) return Fail("analyze: " + read.error().message);
    if (!twice.empty()) {
      return Fail("analyze: " + twice + " (the same run given twice?); give each part once");
    }
    auto part = reporters::RunInfoOf(read->run, read->end, 0);
    if (!part) return Fail("analyze: " + file + ": " + part.error().message);
    Merge(*info, *part, !read->end.is_null());
    any_end = any_end || !read->end.is_null();
  }
  if (!any_end) {
    info->end_wall_ns = last_wall_ns;
    info->was_cancelled = true;
  }
  auto report = reporters::MakeReport(*info, measured.Source());
  if (!report) return Fail("analyze: " + report.error().message);

  std::vector<std::string> outputs, errors;
  session::Written written{outputs, errors};
  written.Add(jsonl.path(), jsonl.Close());
  const double wall_s = static_cast<double>(info->end_wall_ns - info->start_wall_ns) / 1e9;
  session::WriteExports(*dir, {*report, *info, measured.Source(), wall_s}, f.exports, written);
  output.keep = true;
  std::fputs(reporters::ConsoleTable(*report, outputs).c_str(), stdout);
  for (const auto& e : errors) std::fprintf(stderr, "error: %s\n", e.c_str());
  return errors.empty() ? 0 : 2;
}

}  // namespace

int AnalyzeCommand(const Args& args) {
  AnalyzeFlags f;
  base::FlagSet flags("analyze");
  // As profile's, each defaulting to the run's own value.
  options::GoodputFlag(flags, &f.goodput);
  options::TokenCountSourceFlag(flags, &f.token_count_source);
  options::TokenizerFlag(flags, &f.tokenizer);
  options::ExportFlags(flags, &f.exports.output_format, &f.exports.vllm_file);
  flags.String("--artifact-dir", &f.artifact_dir,
               "where the files go (default artifacts/analyze; a numbered sibling if it exists)");
  flags.Bool("--allow-mixed", &f.allow_mixed,
             "merge runs whose model or workload differ (refused otherwise)");
  flags.Int("--max-record-bytes", &f.max_record_bytes, "longest record line read (default 512 MiB)",
            1024, int64_t{1} << 40);
  bool help = false;
  flags.Bool("--help", &help, "show this help");
  auto files = flags.Parse(args);
  if (!files) return Fail(files.error().message);
  if (help) {
    std::fputs(
        "usage: servebench analyze RECORDS.jsonl... [flags]\n"
        "(--goodput, --token-count-source and --tokenizer default to the run's own)\n",
        stdout);
    std::fputs(flags.Usage().c_str(), stdout);
    return 0;
  }
  if (files->empty()) {
    return Fail("analyze: give one or more records.jsonl files (from a run's artifact folder)");
  }
  if (auto known = reporters::CheckOutputFormat(f.exports.output_format); !known) {
    return Fail("analyze: " + known.error().message);
  }
  return Analyze(*files, f);
}

}  // namespace servebench::cli
