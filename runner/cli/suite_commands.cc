// `servebench run SUITE`, `servebench list SUITE` and `servebench compare BASE NEW`: suites
// expanded into cases, each case run as profile sessions, results and verdicts reported.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "reporters/suite/suite_reporter.h"
#include "runner/base/clock.h"
#include "runner/base/machine.h"
#include "runner/cases/cases.h"
#include "runner/cli/commands.h"
#include "runner/cli/interrupts.h"
#include "runner/cli/profile_session.h"
#include "runner/cli/progress.h"
#include "runner/results/case_result.h"
#include "runner/suite/suite.h"
#include "runner/transport/server_identity.h"
#include "runner/verdicts/verdicts.h"

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

struct LoadedSuite {
  suite::Suite suite;
  std::vector<cases::Case> cases;
};

base::Expected<LoadedSuite> Load(const std::string& path, const SuiteFlags& f) {
  auto suite = suite::LoadSuite(path);
  if (!suite) return suite.error();
  if (auto gates = verdicts::CheckGates(suite->gates); !gates) return gates.error();
  cases::ExpandOptions options;
  options.filter = f.filter;
  options.max_cases = f.max_cases;
  if (f.repetitions > 0) options.repetitions = f.repetitions;
  auto expanded = cases::ExpandCases(*suite, options);
  if (!expanded) return expanded.error();
  if (expanded->empty()) {
    return base::MakeError(path + ": no case" +
                           (f.filter.empty() ? "" : " matches --filter '" + f.filter + "'"));
  }
  return LoadedSuite{std::move(*suite), std::move(*expanded)};
}

// baselines/<suite>.json next to the suites/ folder that holds the suite file.
fs::path DefaultBaseline(const suite::Suite& s) {
  const fs::path dir = fs::path(s.file).parent_path() / ".." / "baselines";
  return (dir / (s.name + ".json")).lexically_normal();
}

// A URL without credentials (user:password@ is dropped).
std::string WithoutCredentials(const std::string& url) {
  return std::regex_replace(url, std::regex("://[^/@]*@"), "://");
}

std::string UtcStamp() {
  std::string stamp = Rfc3339(base::WallNs());
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

reporters::SuiteContext ContextOf(const LoadedSuite& loaded) {
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

// A case past its timeout is an error as a whole: every repetition, run or not, says so.
void TimedOut(const cases::Case& c, results::CaseResult& result) {
  const std::string why = "timed out: the case ran past its timeout of " +
                          base::NumberText(c.timeout_s) + " s (the suite's timeout key)";
  std::fprintf(stderr, "%s: %s\n", c.name.c_str(), why.c_str());
  result.repetitions.assign(static_cast<size_t>(c.repetitions), results::Failed(why));
}

// Runs one case's repetitions, one after another, within the case's timeout.
// write_failed is set when a repetition's artifacts could not all be written.
results::CaseResult RunCase(const cases::Case& c, const fs::path& dir, InterruptScope& interrupts,
                            SuiteProgress& progress, bool& write_failed) {
  results::CaseResult result{c.name, c.fingerprint, c.parameters, {}};
  const int64_t deadline_ns = base::MonotonicNs() + static_cast<int64_t>(c.timeout_s * 1e9);
  for (int64_t rep = 0; rep < c.repetitions && !interrupts.interrupted(); ++rep) {
    progress.StartRepetition(rep + 1, c.repetitions);
    options::ProfileFlags flags = c.flags;
    if (c.timeout_s > 0) {
      flags.time_limit_s = static_cast<double>(deadline_ns - base::MonotonicNs()) / 1e9;
      if (flags.time_limit_s <= 0) {
        TimedOut(c, result);
        break;
      }
    }
    const fs::path rep_dir = results::RepetitionDir(dir, c.name, rep);
    auto session = RunProfileSession(flags, "servebench run (case " + c.name + ")", rep_dir,
                                     interrupts.count(), progress.Live());
    progress.EndRepetition();
    if (!session) {
      std::fprintf(stderr, "%s: %s\n", c.name.c_str(), session.error().message.c_str());
      result.repetitions.push_back(results::Failed(session.error().message));
      continue;
    }
    for (const auto& e : session->write_errors) {
      std::fprintf(stderr, "error: %s\n", e.c_str());
      write_failed = true;
    }
    if (session->outcome.timed_out) {
      TimedOut(c, result);
      break;
    }
    if (session->outcome.was_cancelled) break;  // a partial repetition is not a measurement
    result.repetitions.push_back(results::FromSummary(session->report.summary));
  }
  return result;
}

// What the suite's server says of itself, learnt from its first case's target (the embedded
// mock is started for the question); an empty object when it does not answer.
nlohmann::json ServerIdentityOf(const cases::Case& c) {
  auto plan = options::ResolveProfile(c.flags);
  if (!plan) return nlohmann::json::object();
  auto mock = StartMockIfAsked(c.flags, *plan);
  if (!mock) return nlohmann::json::object();
  auto identity = transport::ProbeServerIdentity(plan->base_url, plan->run.transport,
                                                 c.flags.wait_for_model_timeout);
  if (*mock) (*mock)->Stop();
  return identity;
}

// --resume DIR: the cases an interrupted run in DIR finished, once DIR is known to have
// measured this suite on this server with these labels.
base::Expected<std::vector<results::CaseResult>> ResumableCases(const fs::path& dir,
                                                                const results::SuiteIdentity& now) {
  const std::string file = (dir / "results.json").string();
  if (!fs::exists(file)) {
    return base::MakeError("--resume " + dir.string() +
                           ": no results.json there; give the folder of an interrupted run");
  }
  auto finished = results::ReadResults(file);
  if (!finished) return finished.error();
  const results::SuiteIdentity then = results::ReadSuiteIdentity(file);
  const std::string start_anew = "; resume the same run, or start a new one without --resume";
  if (then.suite != now.suite || then.suite_sha256 != now.suite_sha256) {
    return base::MakeError("--resume " + dir.string() +
                           ": the suite file changed since that run (" + then.suite + " sha256 " +
                           then.suite_sha256.substr(0, 12) + ", now " + now.suite + " sha256 " +
                           now.suite_sha256.substr(0, 12) + ")" + start_anew);
  }
  if (then.server != now.server) {
    return base::MakeError("--resume " + dir.string() + ": the server changed since that run (" +
                           results::ServerText(then.server) + " then, " +
                           results::ServerText(now.server) + " now)" + start_anew);
  }
  if (then.labels != now.labels) {
    return base::MakeError("--resume " + dir.string() +
                           ": the labels differ from that run's; give the same --label flags" +
                           start_anew);
  }
  return finished;
}

// The finished case of the same name and parameters, with every repetition recorded.
const results::CaseResult* Finished(const cases::Case& c,
                                    const std::vector<results::CaseResult>& finished) {
  for (const auto& r : finished) {
    if (r.name == c.name && r.fingerprint == c.fingerprint &&
        static_cast<int64_t>(r.repetitions.size()) == c.repetitions) {
      return &r;
    }
  }
  return nullptr;
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

// The suite's labels with --label name=value over them.
base::Expected<std::map<std::string, std::string>> Labels(const suite::Suite& s,
                                                          const std::vector<std::string>& flags) {
  std::map<std::string, std::string> labels = s.labels;
  for (const auto& text : flags) {
    const size_t equals = text.find('=');
    if (equals == 0 || equals == std::string::npos) {
      return base::MakeError("--label: expected name=value, e.g. gpu=H100, got '" + text + "'");
    }
    labels[text.substr(0, equals)] = text.substr(equals + 1);
  }
  return labels;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream items(text);
  for (std::string item; std::getline(items, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Warns of every identity difference (console, summary.md, verdicts.json); with required
// labels that differ, every case is INVALID.
void JudgeIdentity(const results::SuiteIdentity& baseline, const results::SuiteIdentity& run,
                   const std::string& require_same, verdicts::SuiteVerdict& verdict) {
  verdict.warnings = results::IdentityDifferences(baseline, run);  // the console prints them
  const auto differing = results::DifferingLabels(baseline, run, SplitList(require_same));
  if (differing.empty()) return;
  std::string names;
  for (const auto& n : differing) names += (names.empty() ? "" : ", ") + n;
  verdict.Invalidate("--require-same-labels: the baseline's " + names + " differ from this run's");
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
  const fs::path baseline_path =
      f.baseline.empty() ? DefaultBaseline(loaded->suite) : fs::path(f.baseline);
  std::optional<std::vector<results::CaseResult>> baseline;
  if (!f.baseline.empty() && !fs::exists(baseline_path) && !f.update_baseline) {
    return Fail("--baseline: " + f.baseline +
                " does not exist (record one with --update-baseline, or leave --baseline out)");
  }
  if (fs::exists(baseline_path)) {
    auto read = results::ReadResults(baseline_path.string());
    if (!read) return Fail(read.error().message);
    std::string warning;
    if (auto same = results::CheckSameSuite(results::ReadSuiteIdentity(baseline_path.string()),
                                            {loaded->suite.name, loaded->suite.sha256},
                                            baseline_path.string(), warning);
        !same) {
      return Fail(same.error().message);
    }
    if (!warning.empty()) std::fprintf(stderr, "warning: %s\n", warning.c_str());
    baseline = std::move(*read);
  }

  reporters::SuiteContext context = ContextOf(*loaded);
  auto labels = Labels(loaded->suite, f.labels);
  if (!labels) return Fail(labels.error().message);
  context.labels = *labels;
  context.client = base::ClientMachine();
  context.server = ServerIdentityOf(loaded->cases.front());
  const results::SuiteIdentity run_identity{loaded->suite.name, loaded->suite.sha256,
                                            context.labels, context.client, context.server};
  std::vector<results::CaseResult> finished;  // by the run --resume continues
  if (!f.resume.empty()) {
    if (!f.out.empty()) return Fail("--resume continues in the run's own folder; leave --out out");
    auto read = ResumableCases(f.resume, run_identity);
    if (!read) return Fail(read.error().message);
    finished = std::move(*read);
    context.out_dir = f.resume;
  } else {
    auto out_dir = FreshDirectory(
        f.out.empty() ? fs::path("results") / loaded->suite.name / UtcStamp() : fs::path(f.out),
        "--out");
    if (!out_dir) return Fail(out_dir.error().message);
    context.out_dir = *out_dir;
  }
  context.baseline = baseline ? baseline_path.string() : "";
  using reporters::ReporterRole;
  auto reporters = reporters::MakeSuiteReporters(
      {ReporterRole::kConsole, ReporterRole::kResults, ReporterRole::kVerdicts,
       ReporterRole::kReport},
      f.no_report ? std::set<std::string>{"report.html"} : std::set<std::string>{});
  for (auto& r : reporters) r->Begin(context);

  std::vector<results::CaseResult> results;
  bool any_failed_repetition = false, artifacts_failed = false;
  auto done = [&](results::CaseResult result) {
    for (const auto& rep : result.repetitions) any_failed_repetition |= rep.error;
    for (auto& r : reporters) r->CaseDone(result);
    results.push_back(std::move(result));
  };
  // Finished cases are reported first, so the rewritten results.json holds them again at once.
  std::vector<const cases::Case*> to_run;
  for (const auto& c : loaded->cases) {
    if (const results::CaseResult* earlier = Finished(c, finished)) {
      std::printf("skip %s: finished in %s\n", c.name.c_str(), f.resume.c_str());
      done(*earlier);
    } else {
      to_run.push_back(&c);
    }
  }
  InterruptScope interrupts;
  int64_t repetitions = 0;
  for (const cases::Case* c : to_run) repetitions += c->repetitions;
  const base::SystemClock clock;
  SuiteProgress progress(*progress_mode, repetitions, clock, stderr);
  for (size_t i = 0; i < to_run.size() && !interrupts.interrupted(); ++i) {
    const cases::Case& c = *to_run[i];
    std::error_code ignored;  // a partial case's repetitions start again from the first
    if (!f.resume.empty())
      fs::remove_all(context.out_dir / results::CaseFolderName(c.name), ignored);
    progress.StartCase(c.name, i + 1, to_run.size());
    done(RunCase(c, context.out_dir, interrupts, progress, artifacts_failed));
  }
  auto verdict = verdicts::Judge(baseline ? &*baseline : nullptr, results, loaded->suite.gates);
  if (baseline) {
    JudgeIdentity(results::ReadSuiteIdentity(baseline_path.string()), run_identity,
                  f.require_same_labels, verdict);
  }
  verdict.interrupted = interrupts.interrupted();
  verdict.exit_code = verdict.interrupted ? interrupts.exit_code() : verdict.ExitCode(f.strict);
  for (auto& r : reporters) r->End(verdict);

  std::printf("\nresults in %s:\n", context.out_dir.string().c_str());
  std::vector<std::string> write_errors;
  if (artifacts_failed) write_errors.push_back("some cases' artifacts (see above)");
  for (const auto& r : reporters) {
    for (const auto& file : r->Files()) std::printf("  %s\n", file.string().c_str());
    write_errors.insert(write_errors.end(), r->write_errors().begin(), r->write_errors().end());
  }
  std::fflush(stdout);
  if (!write_errors.empty()) {
    for (const auto& e : write_errors) std::fprintf(stderr, "error: %s\n", e.c_str());
    return Fail("servebench: some results could not be written (see above)");
  }
  if (verdict.interrupted) {
    std::printf("interrupted: the results above hold the cases that finished\n");
    return verdict.exit_code;
  }
  const int code = verdict.exit_code;
  if (f.update_baseline) {
    if (code != 0 || any_failed_repetition) {
      std::printf("baseline not updated: the run was not clean (verdict %s)\n",
                  verdicts::Name(verdict.outcome));
    } else {
      fs::create_directories(fs::absolute(baseline_path).parent_path());
      fs::copy_file(context.out_dir / "results.json", baseline_path,
                    fs::copy_options::overwrite_existing);
      std::vector<std::string> names;
      for (const auto& r : results) names.push_back(r.name);
      if (auto noted =
              RecordBaselineUpdate(baseline_path, (context.out_dir / "results.json").string(),
                                   names, CommandText("run", args));
          !noted) {
        return Fail(noted.error().message);
      }
      std::printf("baseline updated: %s\n", baseline_path.string().c_str());
    }
  }
  return code;
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
  JudgeIdentity(results::ReadSuiteIdentity((*parsed)[0]), results::ReadSuiteIdentity((*parsed)[1]),
                require_same_labels, verdict);
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
    auto dir = FreshDirectory(out, "--out");
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
