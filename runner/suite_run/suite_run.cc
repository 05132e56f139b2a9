#include "runner/suite_run/suite_run.h"

#include <sstream>

#include "runner/base/clock.h"
#include "runner/transport/server_identity.h"

namespace servebench::suite_run {
namespace {

namespace fs = std::filesystem;

// baselines/<suite>.json next to the suites/ folder that holds the suite file.
fs::path DefaultBaseline(const suite::Suite& s) {
  const fs::path dir = fs::path(s.file).parent_path() / ".." / "baselines";
  return (dir / (s.name + ".json")).lexically_normal();
}

// Why a whole case is an error: every repetition, run or not, says so.
std::string TimedOutWhy(const cases::Case& c) {
  return "timed out: the case ran past its timeout of " + base::NumberText(c.timeout_s) +
         " s (the suite's timeout key)";
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream items(text);
  for (std::string item; std::getline(items, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// One case's repetitions, one after another, within the case's timeout.
struct CaseRun {
  results::CaseResult result;
  bool cut_short = false;  // an interrupt ended a repetition midway
};

CaseRun RunOneCase(const cases::Case& c, const fs::path& out_dir, const std::string& command,
                   const std::atomic<int>& interrupts, const RunHooks& hooks, CasesRun& run) {
  CaseRun out{{c.name, c.fingerprint, c.parameters, {}}};
  auto& reps = out.result.repetitions;
  const auto timed_out = [&] {
    const std::string why = TimedOutWhy(c);
    if (hooks.failed) hooks.failed(c, why);
    reps.assign(static_cast<size_t>(c.repetitions), results::Failed(why));
  };
  const int64_t deadline_ns = base::MonotonicNs() + static_cast<int64_t>(c.timeout_s * 1e9);
  for (int64_t rep = 0; rep < c.repetitions && interrupts.load() == 0; ++rep) {
    if (hooks.repetition_starts) hooks.repetition_starts(rep + 1, c.repetitions);
    options::ProfileFlags flags = c.flags;
    if (c.timeout_s > 0) {
      flags.time_limit_s = static_cast<double>(deadline_ns - base::MonotonicNs()) / 1e9;
      if (flags.time_limit_s <= 0) {
        timed_out();
        break;
      }
    }
    auto session =
        session::RunProfileSession(flags, command, results::RepetitionDir(out_dir, c.name, rep),
                                   interrupts, {hooks.note, hooks.progress});
    if (hooks.repetition_ends) hooks.repetition_ends();
    if (!session) {
      if (hooks.failed) hooks.failed(c, session.error().message);
      reps.push_back(results::Failed(session.error().message));
      continue;
    }
    if (hooks.repetition_done) hooks.repetition_done(c, *session);
    run.artifacts_failed |= !session->write_errors.empty();
    if (session->outcome.timed_out) {
      timed_out();
      break;
    }
    if (session->outcome.was_cancelled) {  // a partial repetition is not a measurement
      out.cut_short = true;
      break;
    }
    reps.push_back(results::FromSummary(session->report.summary));
  }
  return out;
}

}  // namespace

base::Expected<LoadedSuite> LoadSuiteCases(const std::string& path,
                                           const cases::ExpandOptions& options) {
  auto suite = suite::LoadSuite(path);
  if (!suite) return suite.error();
  if (auto gates = verdicts::CheckGates(suite->gates); !gates) return gates.error();
  auto expanded = cases::ExpandCases(*suite, options);
  if (!expanded) return expanded.error();
  if (expanded->empty()) {
    return base::MakeError(
        path + ": no case" +
        (options.filter.empty() ? "" : " matches --filter '" + options.filter + "'"));
  }
  return LoadedSuite{std::move(*suite), std::move(*expanded)};
}

base::Expected<Baseline> ReadBaseline(const suite::Suite& s, const std::string& given,
                                      bool will_record) {
  Baseline b;
  b.path = given.empty() ? DefaultBaseline(s) : fs::path(given);
  const bool exists = fs::exists(b.path);
  if (!given.empty() && !exists && !will_record) {
    return base::MakeError("--baseline: " + given +
                           " does not exist (record one with --update-baseline, or leave "
                           "--baseline out)");
  }
  if (!exists) return b;
  auto read = results::ReadResults(b.path.string());
  if (!read) return read.error();
  b.identity = results::ReadSuiteIdentity(b.path.string());
  if (auto same =
          results::CheckSameSuite(b.identity, {s.name, s.sha256}, b.path.string(), b.warning);
      !same) {
    return same.error();
  }
  b.cases = std::move(*read);
  return b;
}

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

nlohmann::json ServerIdentityOf(const cases::Case& c) {
  auto plan = options::ResolveProfile(c.flags);
  if (!plan) return nlohmann::json::object();
  auto mock = session::StartMockIfAsked(*plan);
  if (!mock) return nlohmann::json::object();
  auto identity =
      transport::ProbeServerIdentity(plan->base_url, plan->run.transport, plan->wait_for_model_s);
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

CasesRun RunCases(const std::vector<const cases::Case*>& cases, const fs::path& out_dir,
                  const std::function<std::string(const cases::Case&)>& command,
                  const std::atomic<int>& interrupts, const RunHooks& hooks) {
  CasesRun run;
  for (size_t i = 0; i < cases.size() && interrupts.load() == 0; ++i) {
    const cases::Case& c = *cases[i];
    if (hooks.case_starts) hooks.case_starts(c, i + 1, cases.size());
    CaseRun one = RunOneCase(c, out_dir, command(c), interrupts, hooks, run);
    if (one.cut_short) {
      run.cut_short = c.name;
      if (one.result.repetitions.empty()) break;  // nothing of it was measured
    }
    if (hooks.case_done) hooks.case_done(one.result);
    run.results.push_back(std::move(one.result));
  }
  return run;
}

void JudgeIdentity(const results::SuiteIdentity& baseline, const results::SuiteIdentity& run,
                   const std::string& require_same, verdicts::SuiteVerdict& verdict) {
  verdict.warnings = results::IdentityDifferences(baseline, run);  // the console prints them
  const auto differing = results::DifferingLabels(baseline, run, SplitList(require_same));
  if (differing.empty()) return;
  std::string names;
  for (const auto& n : differing) names += (names.empty() ? "" : ", ") + n;
  verdict.Invalidate("--require-same-labels: the baseline's " + names + " differ from this run's");
}

}  // namespace servebench::suite_run
