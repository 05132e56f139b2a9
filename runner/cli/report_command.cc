// `servebench report RUN_DIR` writes a stored run's report.html again; `servebench report
// --history DIR...` draws many runs of a suite as nightly trends (history.html).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "reporters/suite/history_page.h"
#include "reporters/suite/suite_reporter.h"
#include "runner/base/flags.h"
#include "runner/base/json.h"
#include "runner/base/output_file.h"
#include "runner/cli/commands.h"
#include "runner/verdicts/stored_run.h"

namespace servebench::cli {
namespace {

namespace fs = std::filesystem;

// The run folders named: each a run (holding results.json) or a folder of runs.
std::vector<std::string> RunFolders(const std::vector<std::string>& named) {
  std::vector<std::string> out;
  for (const auto& dir : named) {
    if (fs::exists(fs::path(dir) / "results.json") || !fs::is_directory(dir)) {
      out.push_back(dir);
      continue;
    }
    std::vector<std::string> inside;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (fs::exists(e.path() / "results.json")) inside.push_back(e.path().string());
    }
    std::sort(inside.begin(), inside.end());
    out.insert(out.end(), inside.begin(), inside.end());
  }
  return out;
}

int History(const std::vector<std::string>& named, const std::string& baseline, std::string out) {
  std::vector<verdicts::StoredRun> runs;
  for (const auto& dir : RunFolders(named)) {
    auto run = verdicts::ReadStoredRun(dir);
    if (!run) return Fail(run.error().message);
    runs.push_back(std::move(*run));
  }
  if (runs.empty()) return Fail("report --history: no run folder (holding results.json) given");
  std::vector<results::HistoryEntry> updates;
  if (!baseline.empty()) {
    auto read = results::ReadHistory(baseline);
    if (!read) return Fail(read.error().message);
    updates = std::move(*read);
  }
  if (out.empty()) out = "history.html";
  if (auto w = base::WriteFileAtomically(out, reporters::HistoryPage(runs, updates)); !w)
    return Fail(w.error().message);
  std::printf("%s: %zu runs\n", out.c_str(), runs.size());
  return 0;
}

// The SLO limits a run's report showed (results.json's context.slos); none when absent.
std::vector<reporters::SloLimit> SlosOf(const fs::path& results) {
  std::ifstream in(results);
  const auto doc = base::ParseJson(in);
  std::vector<reporters::SloLimit> out;
  if (!doc.is_object() || !doc.contains("context") || !doc["context"].is_object()) return out;
  for (const auto& s : doc["context"].value("slos", nlohmann::json::array())) {
    if (!s.is_object() || !s.value("limit", nlohmann::json()).is_number()) continue;
    out.push_back({s.value("counter", ""), s.value("per", ""), s.value("at_most", true),
                   s["limit"].get<double>(), s.value("name", "")});
  }
  return out;
}

// One stored run through the report.html reporter, with its own verdicts (NEW without them).
int Single(const std::string& dir, std::string out) {
  auto run = verdicts::ReadStoredRun(dir);
  if (!run) return Fail(run.error().message);
  reporters::SuiteContext context;
  context.suite = run->identity.suite;
  context.server_url = run->identity.server_url;
  context.labels = run->identity.labels;
  context.client = run->identity.client;
  context.server = run->identity.server;
  context.out_dir = out.empty() ? fs::path(dir) : fs::path(out);
  context.cases_dir = dir;
  context.slos = SlosOf(fs::path(dir) / "results.json");
  std::error_code ignored;
  fs::create_directories(context.out_dir, ignored);
  const verdicts::SuiteVerdict verdict =
      run->verdict ? *run->verdict : verdicts::Judge(nullptr, run->cases, {});
  auto reporter = reporters::MakeSuiteReporter("report.html");
  reporter->Begin(context);
  for (const auto& c : run->cases) reporter->CaseDone(c);
  reporter->End(verdict);
  for (const auto& e : reporter->write_errors()) return Fail(e);
  std::printf("%s\n", (context.out_dir / "report.html").string().c_str());
  return 0;
}

}  // namespace

int ReportCommand(const Args& args) {
  bool history = false, help = false;
  std::string baseline, out;
  base::FlagSet flags("report");
  flags.Bool("--history", &history, "draw the runs named as nightly trends");
  flags.String("--baseline", &baseline,
               "with --history: the baseline whose history.jsonl marks its updates");
  flags.String("--out", &out,
               "where to write (default: the run's own folder; history.html for --history)");
  flags.Bool("--help", &help, "show this help");
  auto parsed = flags.Parse(args);
  if (!parsed) return Fail(parsed.error().message);
  if (help) {
    std::printf(
        "usage: servebench report RUN_DIR [--out DIR]\n"
        "       servebench report --history RUN_DIR|FOLDER_OF_RUNS... [--baseline B.json] "
        "[--out FILE]\n%s",
        flags.Usage().c_str());
    return 0;
  }
  if (history) return History(*parsed, baseline, out);
  if (parsed->size() != 1) return Fail("report: give one run folder (or --history and several)");
  return Single(parsed->front(), out);
}

}  // namespace servebench::cli
