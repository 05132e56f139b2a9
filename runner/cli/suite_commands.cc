// `servebench run SUITE`, `servebench list SUITE` and `servebench compare BASE NEW`: suites
// expanded into cases, each case run as profile sessions, results and verdicts reported.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <set>

#include "reporters/suite/suite_reporter.h"
#include "runner/base/clock.h"
#include "runner/base/machine.h"
#include "runner/cases/cases.h"
#include "runner/cli/commands.h"
#include "runner/cli/interrupts.h"
#include "runner/cli/progress.h"
#include "runner/session/artifacts.h"
#include "runner/suite_run/suite_run.h"

namespace servebench::cli {
namespace {

namespace fs = std::filesystem;

struct SuiteFlags {
  std::string baseline, out, filter, resume, progress = "auto";
  std::vector<std::string> labels;  // --label name=value
  std::string require_same_labels;  // name,name: a difference from the baseline is INVALID
  int64_t repetitions = 0;
  int64_t max_cases = 100'000;
  bool dry_run = false, strict = false, update_baseline = false, help = false, no_report = false;
};

// A URL without credentials (user:password@ is dropped).
std::string WithoutCredentials(const std::string& url) {
  return std::regex_replace(url, std::regex("://[^/@]*@"), "://");
}

std::string UtcStamp() {
  std::string stamp = reporters::Rfc3339(base::WallNs());
  std::erase(stamp, ':');
  return stamp;
}

// The gates with absolute limits (max, min): the report's SLO view.
std::vector<reporters::SloLimit> SloLimits(const std::vector<suite::Gate>& gates) {
  std::vector<reporters::SloLimit> out;
  for (const auto& g : gates) {
    if (g.kind == suite::Gate::Kind::kRelative) continue;
    const bool at_most = g.kind == suite::Gate::Kind::kMax;
    out.push_back({results::CounterName(g.metric), "", at_most, g.limit, g.metric});
  }
  return out;
}

reporters::SuiteContext ContextOf(const suite_run::LoadedSuite& loaded) {
  reporters::SuiteContext context;
  const auto& s = loaded.suite;
  const auto& first = loaded.cases.front().flags;
  context.suite = s.name;
  context.suite_file = s.file;
  context.suite_sha256 = s.sha256;
  context.server_url = WithoutCredentials(first.url);
  context.endpoint_type = first.endpoint_type;
  for (const auto& [key, value] : loaded.cases.front().parameters) {
    context.parameter_keys.push_back(key);
  }
  for (const auto& g : s.gates) context.gated_metrics.push_back(g.metric);
  context.slos = SloLimits(s.gates);
  return context;
}

void PrintDryRun(const std::vector<cases::Case>& cases) {
  for (const auto& c : cases) {
    std::printf("%s\n  repetitions: %lld\n  settings: %s\n", c.name.c_str(),
                static_cast<long long>(c.repetitions), c.settings.dump().c_str());
  }
}

base::Expected<suite_run::LoadedSuite> Load(const std::string& path, const SuiteFlags& f) {
  cases::ExpandOptions options;
  options.filter = f.filter;
  options.max_cases = f.max_cases;
  if (f.repetitions > 0) options.repetitions = f.repetitions;
  return suite_run::LoadSuiteCases(path, options);
}

int ParseSuiteFlags(const std::string& command, const Args& args, SuiteFlags& f,
                    std::vector<std::string>& positional, bool run_flags) {
  base::FlagSet flags(command);
  flags.String("--filter", &f.filter, "run only the cases whose name matches this regex");
  flags.Int("--repetitions", &f.repetitions, "repetitions of every case (overrides the suite)", 1,
            1'000'000);
  flags.Int("--max-cases", &f.max_cases, "refuse a suite with more cases (default 100000)", 1,
            100'000'000);
  if (run_flags) {
    flags.String("--baseline", &f.baseline,
                 "baseline results.json (default baselines/<suite>.json)");
    flags.String("--out", &f.out, "results folder (default results/<suite>/<UTC time>)");
    flags.String("--resume", &f.resume,
                 "continue the interrupted run in this folder: run only its missing cases");
    flags.Bool("--dry-run", &f.dry_run, "print the resolved cases; send nothing");
    flags.Bool("--no-report", &f.no_report, "do not write report.html");
    flags.String("--progress", &f.progress,
                 "none, plain (a line a repetition, and every 10 s), bar (one live line) or auto "
                 "(bar on a terminal, else plain)");
    flags.Bool("--strict", &f.strict, "INCONCLUSIVE fails the run (exit 1)");
    flags.Bool("--update-baseline", &f.update_baseline,
               "after a clean run, write results.json to the baseline path");
    flags.StringList("--label", &f.labels,
                     "name=value recorded with the results, e.g. gpu=H100 (repeatable)");
    flags.String("--require-same-labels", &f.require_same_labels,
                 "name,name: a baseline with other values for them makes the run INVALID");
  }
  flags.Bool("--help", &f.help, "show this help");
  auto parsed = flags.Parse(args);
  if (!parsed) return Fail(parsed.error().message);
  if (f.help) {
    std::printf("usage: servebench %s SUITE.yaml [flags]\n%s", command.c_str(),
                flags.Usage().c_str());
    return 0;
  }
  positional = *parsed;
  if (positional.size() != 1)
    return Fail(command + ": give one suite file: servebench " + command + " SUITE.yaml");
  return -1;
}

// The run's folder: --resume's (with the cases it finished), --out, or a new one under results/.
base::Status ChooseOutDir(const SuiteFlags& f, const suite_run::LoadedSuite& loaded,
                          const results::SuiteIdentity& identity, fs::path& out_dir,
                          std::vector<results::CaseResult>& finished) {
  if (!f.resume.empty()) {
    if (!f.out.empty())
      return base::MakeError("--resume continues in the run's own folder; leave --out out");
    auto read = suite_run::ResumableCases(f.resume, identity);
    if (!read) return read.error();
    finished = std::move(*read);
    out_dir = f.resume;
    return base::Ok{};
  }
  auto made = session::FreshDirectory(
      f.out.empty() ? fs::path("results") / loaded.suite.name / UtcStamp() : fs::path(f.out),
      "--out");
  if (!made) return made.error();
  out_dir = *made;
  return base::Ok{};
}

// The cases still to run; those --resume's run finished are reported first, so the rewritten
// results.json holds them again at once.
std::vector<const cases::Case*> CasesToRun(
    const SuiteFlags& f, const std::vector<cases::Case>& all,
    const std::vector<results::CaseResult>& finished,
    const std::function<void(const results::CaseResult&)>& done) {
  std::vector<const cases::Case*> to_run;
  for (const auto& c : all) {
    if (const results::CaseResult* earlier = suite_run::Finished(c, finished)) {
      std::printf("skip %s: finished in %s\n", c.name.c_str(), f.resume.c_str());
      done(*earlier);
    } else {
      to_run.push_back(&c);
    }
  }
  return to_run;
}

// --update-baseline after a clean run: results.json becomes the baseline, and the update is
// recorded beside it.
int UpdateBaseline(const Args& args, const suite_run::Baseline& baseline, const fs::path& out_dir,
                   const std::vector<results::CaseResult>& results, bool clean,
                   const verdicts::SuiteVerdict& verdict) {
  if (!clean) {
    std::printf("baseline not updated: the run was not clean (verdict %s)\n",
                verdicts::Name(verdict.outcome));
    return verdict.exit_code;
  }
  fs::create_directories(fs::absolute(baseline.path).parent_path());
  fs::copy_file(out_dir / "results.json", baseline.path, fs::copy_options::overwrite_existing);
  std::vector<std::string> names;
  for (const auto& r : results) names.push_back(r.name);
  if (auto noted = RecordBaselineUpdate(baseline.path, (out_dir / "results.json").string(), names,
                                        CommandText("run", args));
      !noted) {
    return Fail(noted.error().message);
  }
  std::printf("baseline updated: %s\n", baseline.path.string().c_str());
  return verdict.exit_code;
}

// Prints the reporters' files; false when some could not be written (said on stderr).
bool ListFiles(const std::vector<std::unique_ptr<reporters::SuiteReporter>>& reporters,
               bool artifacts_failed) {
  std::vector<std::string> write_errors;
  if (artifacts_failed) write_errors.push_back("some cases' artifacts (see above)");
  for (const auto& r : reporters) {
    for (const auto& file : r->Files()) std::printf("  %s\n", file.string().c_str());
    write_errors.insert(write_errors.end(), r->write_errors().begin(), r->write_errors().end());
  }
  std::fflush(stdout);
  for (const auto& e : write_errors) std::fprintf(stderr, "error: %s\n", e.c_str());
  return write_errors.empty();
}

// What a running suite prints as it goes: the progress line, errors and write failures.
suite_run::RunHooks PrintingHooks(SuiteProgress& progress) {
  suite_run::RunHooks hooks;
  hooks.case_starts = [&progress](const cases::Case& c, size_t number, size_t count) {
    progress.StartCase(c.name, number, count);
  };
  hooks.repetition_starts = [&progress](int64_t rep, int64_t reps) {
    progress.StartRepetition(rep, reps);
  };
  hooks.progress = progress.Live();
  hooks.note = PrintNote;
  hooks.repetition_ends = [&progress] { progress.EndRepetition(); };
  hooks.repetition_done = [](const cases::Case&, const session::SessionResult& s) {
    for (const auto& e : s.write_errors) std::fprintf(stderr, "error: %s\n", e.c_str());
  };
  hooks.failed = [](const cases::Case& c, const std::string& error) {
    std::fprintf(stderr, "%s: %s\n", c.name.c_str(), error.c_str());
  };
  return hooks;
}

}  // namespace

int ListCommand(const Args& args) {
  SuiteFlags f;
  std::vector<std::string> positional;
  if (int rc = ParseSuiteFlags("list", args, f, positional, false); rc >= 0) return rc;
  auto loaded = Load(positional[0], f);
  if (!loaded) return Fail(loaded.error().message);
  for (const auto& c : loaded->cases) std::printf("%s\n", c.name.c_str());
  return 0;
}

int RunCommand(const Args& args) {
  SuiteFlags f;
  std::vector<std::string> positional;
  if (int rc = ParseSuiteFlags("run", args, f, positional, true); rc >= 0) return rc;
  auto loaded = Load(positional[0], f);
  if (!loaded) return Fail(loaded.error().message);
  const auto progress_mode = ParseProgressMode(f.progress, isatty(STDERR_FILENO) != 0);
  if (!progress_mode) return Fail(progress_mode.error().message);
  if (f.dry_run) {
    PrintDryRun(loaded->cases);
    return 0;
  }
  auto baseline = suite_run::ReadBaseline(loaded->suite, f.baseline, f.update_baseline);
  if (!baseline) return Fail(baseline.error().message);
  if (!baseline->warning.empty()) std::fprintf(stderr, "warning: %s\n", baseline->warning.c_str());

  reporters::SuiteContext context = ContextOf(*loaded);
  auto labels = suite_run::Labels(loaded->suite, f.labels);
  if (!labels) return Fail(labels.error().message);
  context.labels = *labels;
  context.client = base::ClientMachine();
  context.server = suite_run::ServerIdentityOf(loaded->cases.front());
  const results::SuiteIdentity run_identity{loaded->suite.name, loaded->suite.sha256,
                                            context.labels, context.client, context.server};
  std::vector<results::CaseResult> finished;  // by the run --resume continues
  if (auto chosen = ChooseOutDir(f, *loaded, run_identity, context.out_dir, finished); !chosen)
    return Fail(chosen.error().message);
  context.baseline = baseline->cases ? baseline->path.string() : "";
  using reporters::ReporterRole;
  auto reporters = reporters::MakeSuiteReporters(
      {ReporterRole::kConsole, ReporterRole::kResults, ReporterRole::kVerdicts,
       ReporterRole::kReport},
      f.no_report ? std::set<std::string>{"report.html"} : std::set<std::string>{});
  for (auto& r : reporters) r->Begin(context);
  std::vector<results::CaseResult> results;
  auto done = [&](const results::CaseResult& result) {
    for (auto& r : reporters) r->CaseDone(result);
    results.push_back(result);
  };
  const auto to_run = CasesToRun(f, loaded->cases, finished, done);

  InterruptScope interrupts;
  int64_t repetitions = 0;
  for (const cases::Case* c : to_run) repetitions += c->repetitions;
  const base::SystemClock clock;
  SuiteProgress progress(*progress_mode, repetitions, clock, stderr);
  suite_run::RunHooks hooks = PrintingHooks(progress);
  hooks.case_starts = [&](const cases::Case& c, size_t number, size_t count) {
    std::error_code ignored;  // a partial case's repetitions start again from the first
    if (!f.resume.empty())
      fs::remove_all(context.out_dir / results::CaseFolderName(c.name), ignored);
    progress.StartCase(c.name, number, count);
  };
  hooks.case_done = done;
  const auto run = suite_run::RunCases(
      to_run, context.out_dir,
      [](const cases::Case& c) { return "servebench run (case " + c.name + ")"; },
      interrupts.count(), hooks);
  bool any_failed_repetition = false;
  for (const auto& r : results)
    for (const auto& rep : r.repetitions) any_failed_repetition |= rep.error;

  auto verdict =
      verdicts::Judge(baseline->cases ? &*baseline->cases : nullptr, results, loaded->suite.gates);
  if (baseline->cases) {
    suite_run::JudgeIdentity(baseline->identity, run_identity, f.require_same_labels, verdict);
  }
  verdict.interrupted = interrupts.interrupted();
  verdict.exit_code = verdict.interrupted ? interrupts.exit_code() : verdict.ExitCode(f.strict);
  for (auto& r : reporters) r->End(verdict);

  std::printf("\nresults in %s:\n", context.out_dir.string().c_str());
  if (!ListFiles(reporters, run.artifacts_failed))
    return Fail("servebench: some results could not be written (see above)");
  if (verdict.interrupted) {
    std::printf("interrupted: the results above hold the cases that finished\n");
    return verdict.exit_code;
  }
  if (!f.update_baseline) return verdict.exit_code;
  return UpdateBaseline(args, *baseline, context.out_dir, results,
                        verdict.exit_code == 0 && !any_failed_repetition, verdict);
}

int CompareCommand(const Args& args) {
  std::string gates_suite, require_same_labels, out;
  bool strict = false, help = false;
  base::FlagSet flags("compare");
  flags.String("--gates", &gates_suite, "take the gates from this suite file");
  flags.String("--out", &out,
               "also write verdicts.json, verdicts.xml, summary.md and report.html into this new "
               "folder");
  flags.String("--require-same-labels", &require_same_labels,
               "name,name: runs with other values for them are INVALID");
  flags.Bool("--strict", &strict, "INCONCLUSIVE fails (exit 1)");
  flags.Bool("--help", &help, "show this help");
  auto parsed = flags.Parse(args);
  if (!parsed) return Fail(parsed.error().message);
  if (help) {
    std::printf("usage: servebench compare BASE.json NEW.json [flags]\n%s", flags.Usage().c_str());
    return 0;
  }
  if (parsed->size() != 2) return Fail("compare: give two results files: BASE.json NEW.json");
  std::vector<suite::Gate> gates = verdicts::DefaultGates();
  std::string suite_name = "compare";
  if (!gates_suite.empty()) {
    auto s = suite::LoadSuite(gates_suite);
    if (!s) return Fail(s.error().message);
    if (auto checked = verdicts::CheckGates(s->gates); !checked)
      return Fail(checked.error().message);
    gates = s->gates;
    suite_name = s->name;
  }
  auto base = results::ReadResults((*parsed)[0]);
  if (!base) return Fail(base.error().message);
  auto now = results::ReadResults((*parsed)[1]);
  if (!now) return Fail(now.error().message);
  std::string warning;
  if (auto same =
          results::CheckSameSuite(results::ReadSuiteIdentity((*parsed)[0]),
                                  results::ReadSuiteIdentity((*parsed)[1]), (*parsed)[0], warning);
      !same) {
    return Fail(same.error().message);
  }
  if (!warning.empty()) std::fprintf(stderr, "warning: %s\n", warning.c_str());
  auto verdict = verdicts::Judge(&*base, *now, gates);
  suite_run::JudgeIdentity(results::ReadSuiteIdentity((*parsed)[0]),
                           results::ReadSuiteIdentity((*parsed)[1]), require_same_labels, verdict);
  reporters::SuiteContext context;
  context.suite = suite_name;
  context.baseline = (*parsed)[0];
  context.server_url = results::ReadSuiteIdentity((*parsed)[1]).server_url;
  for (const auto& g : gates) context.gated_metrics.push_back(g.metric);
  context.slos = SloLimits(gates);
  context.cases_dir = fs::path((*parsed)[1]).parent_path();
  // A comparison measured nothing: it writes verdicts and the report, never results.
  using reporters::ReporterRole;
  std::set<ReporterRole> roles = {ReporterRole::kConsole};
  if (!out.empty()) {
    auto dir = session::FreshDirectory(out, "--out");
    if (!dir) return Fail(dir.error().message);
    context.out_dir = *dir;
    roles.insert({ReporterRole::kVerdicts, ReporterRole::kReport});
  }
  auto reporters = reporters::MakeSuiteReporters(roles);
  for (auto& r : reporters) r->Begin(context);
  for (const auto& c : *now) {
    for (auto& r : reporters) r->CaseDone(c);
  }
  verdict.exit_code = verdict.ExitCode(strict);
  for (auto& r : reporters) r->End(verdict);
  for (const auto& r : reporters) {
    for (const auto& file : r->Files()) std::printf("  %s\n", file.string().c_str());
    for (const auto& e : r->write_errors()) return Fail("error: " + e);
  }
  return verdict.exit_code;
}

}  // namespace servebench::cli
