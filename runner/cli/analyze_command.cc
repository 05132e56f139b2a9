// `servebench analyze RECORDS...`: the metrics of one or more records files, computed again by
// the same path a profile run takes, into the same files. Several files (halves of a run, or
// runs from several client machines at once) are merged record by record, so percentiles come
// from every request, never from averaged summaries.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "reporters/console/console_table.h"
#include "reporters/profile_export/run_report.h"
#include "runner/base/flags.h"
#include "runner/base/output_file.h"
#include "runner/cli/commands.h"
#include "runner/cli/profile_session.h"
#include "runner/metrics/request_log.h"
#include "runner/records/records_file.h"

namespace servebench::cli {
namespace {

namespace fs = std::filesystem;

// --goodput's default: keep the run's own SLOs ("" would mean none).
constexpr const char* kRunsGoodput = "(the run's)";

struct AnalyzeFlags {
  std::string goodput = kRunsGoodput, token_count_source, tokenizer,
              artifact_dir = "artifacts/analyze";
  int64_t max_record_bytes = records::kMaxRecordBytes;
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

int Analyze(const std::vector<std::string>& files, const AnalyzeFlags& f) {
  const auto max_line = static_cast<size_t>(f.max_record_bytes);
  auto first = records::ReadRecordsHeader(files.front(), max_line);
  if (!first) return Fail("analyze: " + first.error().message);
  auto info = reporters::RunInfoOf(first->run, nullptr, 0);
  if (!info) return Fail("analyze: " + files.front() + ": " + info.error().message);
  info->was_cancelled = false;  // the end lines of the files decide
  if (f.goodput != kRunsGoodput) info->goodput = f.goodput;
  if (!f.token_count_source.empty()) info->token_count_source = f.token_count_source;
  if (!f.tokenizer.empty()) info->tokenizer = f.tokenizer;
  if (auto slos = metrics::ParseGoodput(info->goodput); !slos) {
    return Fail("analyze: " + slos.error().message);
  }
  std::shared_ptr<tokenizers::Tokenizer> tokenizer;
  if (info->tokenizer == "server") {
    return Fail(
        "analyze: the run counted tokens with --tokenizer server, which analyze cannot "
        "reach; give --tokenizer with the server's tokenizer.json or model folder");
  }
  if (!info->tokenizer.empty()) {
    auto loaded = tokenizers::Tokenizer::Load(info->tokenizer);
    if (!loaded) return Fail("analyze: " + loaded.error().message + " (--tokenizer gives another)");
    tokenizer = *loaded;
  }
  auto context = reporters::MeasureContextOf(*info, tokenizer.get());
  if (!context) return Fail("analyze: " + context.error().message);

  auto dir = FreshDirectory(f.artifact_dir, "--artifact-dir");
  if (!dir) return Fail("analyze: " + dir.error().message);
  base::AppendFile jsonl(*dir / "profile_export.jsonl");
  metrics::RequestLog measured;
  info->end_wall_ns = 0;
  bool any_end = false;
  int64_t last_wall_ns = 0;
  for (const auto& file : files) {
    auto header = records::ReadRecordsHeader(file, max_line);
    if (!header) return Fail("analyze: " + header.error().message);
    if (header->run.value("endpoint_type", "") != info->endpoint_type) {
      return Fail("analyze: " + file + ": a " + header->run.value("endpoint_type", "?") +
                  " run cannot be merged with a " + info->endpoint_type + " run");
    }
    // Each machine's monotonic clock is put on the first file's time line through the calendar.
    const int64_t shift = (header->clock.wall_ns - header->clock.monotonic_ns) -
                          (first->clock.wall_ns - first->clock.monotonic_ns);
    auto read = records::ReadRecords(
        file,
        [&](records::Record r) {
          if (shift != 0) Shift(r, shift);
          last_wall_ns = std::max(last_wall_ns, r.wall_start_ns + (r.end_ns - r.start_ns));
          const metrics::RequestMetrics m = metrics::Measure(r, *context);
          jsonl.Write(reporters::JsonlLine(r, m));
          measured.Add(m);
        },
        max_line);
    if (!read) return Fail("analyze: " + read.error().message);
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
  Written written{outputs, errors};
  written.Add(jsonl.path(), jsonl.Close());
  WriteReport(*dir, *report, written);
  std::fputs(reporters::ConsoleTable(*report, outputs).c_str(), stdout);
  for (const auto& e : errors) std::fprintf(stderr, "error: %s\n", e.c_str());
  return errors.empty() ? 0 : 2;
}

}  // namespace

int AnalyzeCommand(const Args& args) {
  AnalyzeFlags f;
  base::FlagSet flags("analyze");
  flags.String("--goodput", &f.goodput,
               "SLOs for goodput instead of the run's: \"time_to_first_token:200 ...\"");
  flags.String("--token-count-source", &f.token_count_source,
               "where output token counts come from: auto, server or tokenizer");
  flags.String("--tokenizer", &f.tokenizer, "the client tokenizer (default: the run's)");
  flags.String("--artifact-dir", &f.artifact_dir,
               "where the files go (default artifacts/analyze; a numbered sibling if it exists)");
  flags.Int("--max-record-bytes", &f.max_record_bytes, "longest record line read (default 512 MiB)",
            1024, int64_t{1} << 40);
  bool help = false;
  flags.Bool("--help", &help, "show this help");
  auto files = flags.Parse(args);
  if (!files) return Fail(files.error().message);
  if (help) {
    std::fputs("usage: servebench analyze RECORDS.jsonl... [flags]\n", stdout);
    std::fputs(flags.Usage().c_str(), stdout);
    return 0;
  }
  if (files->empty()) {
    return Fail("analyze: give one or more records.jsonl files (from a run's artifact folder)");
  }
  return Analyze(*files, f);
}

}  // namespace servebench::cli
