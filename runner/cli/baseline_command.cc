// `servebench baseline show|update|diff`: what a baseline holds and measured, a run's cases taken
// into it (every update noted in its history), and what differs between two baselines.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "reporters/profile_export/run_report.h"
#include "runner/base/clock.h"
#include "runner/base/flags.h"
#include "runner/base/json.h"
#include "runner/base/machine.h"
#include "runner/base/output_file.h"
#include "runner/cli/commands.h"
#include "runner/results/baseline_file.h"
#include "runner/results/case_result.h"

namespace servebench::cli {
namespace {

namespace fs = std::filesystem;
using OrderedJson = nlohmann::ordered_json;

// The figures `show` and `diff` print of a case: medians over its repetitions.
const std::vector<std::pair<std::string, std::string>> kShown = {
    {"time_to_first_token_p50", "TTFT p50 ms"},
    {"inter_token_latency_p50", "ITL p50 ms"},
    {"request_latency_p50", "latency p50 ms"},
    {"output_token_throughput", "output tok/s"}};

// A results file, or a run folder holding results.json.
std::string ResultsFile(const std::string& path) {
  return fs::is_directory(path) ? (fs::path(path) / "results.json").string() : path;
}

base::Expected<OrderedJson> ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return base::MakeError(path + ": cannot read the file (check the path)");
  OrderedJson doc = base::ParseJson<OrderedJson>(in);
  if (doc.is_discarded() || !doc.is_object()) {
    return base::MakeError(path + ": not JSON; give a results.json written by servebench run");
  }
  return doc;
}

std::string Median(const results::CaseResult& c, const std::string& counter) {
  const auto m = results::Median(results::CounterValues(c, counter));
  return m ? base::NumberText(std::round(*m * 100) / 100) : "-";
}

std::string Joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

int Show(const Args& args) {
  if (args.size() != 1) return Fail("baseline show: give one baseline: BASELINE.json");
  const std::string file = ResultsFile(args[0]);
  auto cases = results::ReadResults(file);
  if (!cases) return Fail(cases.error().message);
  const results::SuiteIdentity id = results::ReadSuiteIdentity(file);
  std::printf("baseline %s\n  suite     %s (sha256 %s)\n", file.c_str(), id.suite.c_str(),
              id.suite_sha256.substr(0, 12).c_str());
  std::vector<std::string> labels;
  for (const auto& [name, value] : id.labels) labels.push_back(name + "=" + value);
  std::printf("  labels    %s\n  client    %s\n  server    %s\n",
              labels.empty() ? "(none)" : Joined(labels, ", ").c_str(),
              id.client.empty() ? "(unknown)" : id.client.c_str(),
              id.server.empty() ? "(unknown)" : results::ServerText(id.server).c_str());
  auto history = results::ReadHistory(file);
  if (!history) return Fail(history.error().message);
  if (!history->empty()) {
    const auto& last = history->back();
    std::printf("  history   updates: %zu; the last %s by %s from %s\n", history->size(),
                last.time.c_str(), last.who.c_str(), last.from.c_str());
  }
  std::printf("cases (%zu), medians over repetitions:\n", cases->size());
  for (const auto& c : *cases) {
    std::printf("  %s  repetitions %zu", c.name.c_str(), c.repetitions.size());
    for (const auto& [counter, title] : kShown) {
      std::printf("  %s %s", title.c_str(), Median(c, counter).c_str());
    }
    std::printf("\n");
  }
  return 0;
}

const results::CaseResult* Named(const std::vector<results::CaseResult>& cases,
                                 const std::string& name) {
  for (const auto& c : cases) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

int Diff(const Args& args) {
  if (args.size() != 2) return Fail("baseline diff: give two baselines: A.json B.json");
  auto a = results::ReadResults(ResultsFile(args[0]));
  if (!a) return Fail(a.error().message);
  auto b = results::ReadResults(ResultsFile(args[1]));
  if (!b) return Fail(b.error().message);
  std::printf("A %s\nB %s\n", args[0].c_str(), args[1].c_str());
  for (const auto& line :
       results::IdentityDifferences(results::ReadSuiteIdentity(ResultsFile(args[0])),
                                    results::ReadSuiteIdentity(ResultsFile(args[1])))) {
    std::printf("identity: %s\n", line.c_str());  // "in the baseline" is A, "this run" B
  }
  for (const auto& c : *a) {
    if (!Named(*b, c.name)) std::printf("only in A: %s\n", c.name.c_str());
  }
  for (const auto& c : *b) {
    const results::CaseResult* before = Named(*a, c.name);
    if (!before) {
      std::printf("only in B: %s\n", c.name.c_str());
      continue;
    }
    if (before->fingerprint != c.fingerprint) {
      std::printf("parameters differ: %s\n", c.name.c_str());
      continue;
    }
    std::printf("%s\n", c.name.c_str());
    for (const auto& [counter, title] : kShown) {
      const auto was = results::Median(results::CounterValues(*before, counter));
      const auto now = results::Median(results::CounterValues(c, counter));
      std::string change;
      if (was && now && *was != 0) {
        change = "  " + std::string(*now >= *was ? "+" : "") +
                 base::NumberText(std::round((*now / *was - 1) * 1000) / 10) + " %";
      }
      std::printf("  %-15s %10s -> %-10s%s\n", title.c_str(), Median(*before, counter).c_str(),
                  Median(c, counter).c_str(), change.c_str());
    }
  }
  return 0;
}

// The run's cases that --filter names and that ran without a failed repetition.
base::Expected<std::set<std::string>> CasesToTake(const std::vector<results::CaseResult>& run,
                                                  const std::string& filter) {
  std::regex pattern;
  try {
    pattern = std::regex(filter.empty() ? ".*" : filter);
  } catch (const std::regex_error&) {
    return base::MakeError("--filter: '" + filter + "' is not a regular expression");
  }
  std::set<std::string> names;
  for (const auto& c : run) {
    if (!std::regex_search(c.name, pattern)) continue;
    const bool failed = std::any_of(c.repetitions.begin(), c.repetitions.end(),
                                    [](const auto& r) { return r.error; });
    if (failed) {
      std::printf("not taken: %s (a repetition failed)\n", c.name.c_str());
    } else {
      names.insert(c.name);
    }
  }
  if (names.empty()) {
    return base::MakeError("baseline update: no case to take" +
                           (filter.empty() ? "" : " matching --filter '" + filter + "'") +
                           " that ran without a failed repetition");
  }
  return names;
}

// A baseline says what it measured, so some of its cases cannot come from another server or
// labels; the client machine may differ (CI runners do), which is noted.
base::Status OneIdentity(const std::string& baseline, const results::SuiteIdentity& base_id,
                         const results::SuiteIdentity& run_id, const std::set<std::string>& names) {
  auto kept = results::ReadResults(baseline);
  if (!kept) return kept.error();
  const bool partial =
      std::any_of(kept->begin(), kept->end(), [&](const auto& c) { return !names.count(c.name); });
  const bool other_target = base_id.labels != run_id.labels || base_id.server != run_id.server;
  const auto differences = results::IdentityDifferences(base_id, run_id);
  if (partial && other_target) {
    return base::MakeError("baseline update: the run measured something else than " + baseline +
                           " (" + Joined(differences, "; ") +
                           "); take every case (leave --filter out) so the baseline measures "
                           "one thing");
  }
  for (const auto& d : differences) std::printf("note: %s\n", d.c_str());
  return base::Ok{};
}

int Update(const Args& args) {
  std::string baseline, filter;
  base::FlagSet flags("baseline update");
  flags.String("--baseline", &baseline, "the baseline to update (default baselines/<suite>.json)");
  flags.String("--filter", &filter, "take only the cases whose name matches this regex");
  auto parsed = flags.Parse(args);
  if (!parsed) return Fail(parsed.error().message);
  if (parsed->size() != 1) {
    return Fail("baseline update: give the run to take cases from: RESULTS.json or its folder");
  }
  const std::string from = ResultsFile((*parsed)[0]);
  auto run = results::ReadResults(from);
  if (!run) return Fail(run.error().message);
  auto run_doc = ReadJson(from);
  if (!run_doc) return Fail(run_doc.error().message);
  const results::SuiteIdentity run_id = results::ReadSuiteIdentity(from);
  if (baseline.empty()) {
    // The name comes from a file anyone may have edited: it must stay a name in baselines/.
    if (!base::IsPathSafeName(run_id.suite)) {
      return Fail(from + ": context.suite '" + run_id.suite +
                  "' is not a suite name (letters, digits, '.', '_', '-'); give --baseline FILE");
    }
    baseline = (fs::path("baselines") / (run_id.suite + ".json")).string();
  }
  auto names = CasesToTake(*run, filter);
  if (!names) return Fail(names.error().message);

  OrderedJson base_doc = {{"benchmarks", OrderedJson::array()}};
  if (fs::exists(baseline)) {
    auto read = ReadJson(baseline);
    if (!read) return Fail(read.error().message);
    base_doc = std::move(*read);
    const results::SuiteIdentity base_id = results::ReadSuiteIdentity(baseline);
    std::string warning;
    if (auto same = results::CheckSameSuite(base_id, run_id, baseline, warning); !same)
      return Fail(same.error().message);
    if (!warning.empty()) std::printf("warning: %s\n", warning.c_str());
    if (auto one = OneIdentity(baseline, base_id, run_id, *names); !one)
      return Fail(one.error().message);
  }
  std::error_code ignored;
  fs::create_directories(fs::absolute(baseline).parent_path(), ignored);
  if (auto w = base::WriteFileAtomically(
          baseline, results::MergeCases(base_doc, *run_doc, *names).dump(2) + "\n");
      !w) {
    return Fail(w.error().message);
  }
  const std::vector<std::string> taken(names->begin(), names->end());
  if (auto h = RecordBaselineUpdate(baseline, from, taken, CommandText("baseline update", args));
      !h) {
    return Fail(h.error().message);
  }
  std::printf("baseline updated: %s (cases taken from %s: %zu)\n", baseline.c_str(), from.c_str(),
              taken.size());
  return 0;
}

constexpr const char* kBaselineUsage =
    "usage: servebench baseline show BASELINE.json\n"
    "       servebench baseline update RESULTS.json|RUN_FOLDER [--baseline PATH] [--filter RE]\n"
    "       servebench baseline diff A.json B.json\n";

}  // namespace

base::Status RecordBaselineUpdate(const std::filesystem::path& baseline, const std::string& from,
                                  const std::vector<std::string>& cases,
                                  const std::string& command) {
  return results::AppendHistory(baseline,
                                {reporters::Rfc3339(base::WallNs()), base::UserAtHost(),
                                 fs::absolute(from).lexically_normal().string(), cases, command});
}

std::string CommandText(const std::string& command, const Args& args) {
  std::string line = "servebench " + command;
  for (const auto& a : args) {
    line += a.find_first_of(" \t'\"") == std::string::npos ? " " + a : " '" + a + "'";
  }
  return line;
}

int BaselineCommand(const Args& args) {
  if (args.empty() || args[0] == "--help") {
    std::printf("%s", kBaselineUsage);
    return args.empty() ? 2 : 0;
  }
  const Args rest(args.begin() + 1, args.end());
  if (args[0] == "show") return Show(rest);
  if (args[0] == "update") return Update(rest);
  if (args[0] == "diff") return Diff(rest);
  return Fail("baseline: unknown action '" + args[0] + "' (expected show, update or diff)");
}

}  // namespace servebench::cli
