#include "runner/cli/profile_sweep.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "reporters/console/console_table.h"
#include "reporters/suite/suite_reporter.h"
#include "runner/base/flags.h"
#include "runner/base/machine.h"
#include "runner/cli/interrupts.h"
#include "runner/session/artifacts.h"
#include "runner/suite_run/suite_run.h"

namespace servebench::cli {
namespace {

namespace fs = std::filesystem;

// The flags a sweep takes a list of, by the case parameter they set (AIPerf's aliases too).
constexpr std::pair<const char*, const char*> kSweepFlags[] = {
    {"--concurrency", "concurrency"},
    {"--request-rate", "request_rate"},
    {"--isl", "isl"},
    {"--synthetic-input-tokens-mean", "isl"},
    {"--osl", "osl"},
    {"--output-tokens-mean", "osl"}};

const char* SweepKey(const std::string& flag) {
  for (const auto& [name, key] : kSweepFlags) {
    if (flag == name) return key;
  }
  return nullptr;
}

// "1,2,4" → {"1", "2", "4"}; an empty item or a repeated one is an error.
base::Expected<std::vector<std::string>> ListOf(const std::string& flag, const std::string& text) {
  std::vector<std::string> values;
  size_t from = 0;
  while (true) {
    const size_t comma = text.find(',', from);
    values.push_back(text.substr(from, comma - from));
    if (values.back().empty()) {
      return base::MakeError(flag + " " + text +
                             ": an empty item; give a list of values like 1,2,4,8");
    }
    if (std::find(values.begin(), values.end() - 1, values.back()) != values.end() - 1) {
      return base::MakeError(flag + " " + text + ": " + values.back() +
                             " is given twice; give each value once");
    }
    if (comma == std::string::npos) return values;
    from = comma + 1;
  }
}

// The sweep as a suite named "profile": the profile's flags are its defaults and each list a
// matrix key, so its cases are expanded, checked and named as a suite file's are
// (profile/<endpoint_type>/<key>:<value>/...).
base::Expected<suite::Suite> SweepSuite(const Args& args, const std::vector<SweepAxis>& axes,
                                        options::ProfileFlags& first) {
  base::FlagSet flags("profile");
  options::RegisterProfileFlags(flags, first);
  auto parsed = flags.Parse(args);
  if (!parsed) return parsed.error();
  if (!parsed->empty()) {
    return base::MakeError("profile: unexpected argument '" + parsed->front() + "'");
  }
  suite::Suite s;
  s.name = "profile";
  s.has_matrix = true;
  for (const auto& [flag, value] : flags.Given()) {
    const std::string key = base::FlagSet::ConfigKey(flag);
    const suite::Place place{flag, 0, 0};
    auto same = std::find_if(s.defaults.begin(), s.defaults.end(),
                             [&](const suite::Setting& d) { return d.key == key; });
    if (same == s.defaults.end()) {
      s.defaults.push_back({key, value, place});
    } else if (flags.Is(flag, base::FlagSet::kList)) {  // a repeated flag: every value
      if (!same->value.is_array()) same->value = nlohmann::json::array({same->value});
      same->value.push_back(value);
    } else {
      same->value = value;  // as on the command line, the last one counts
    }
  }
  for (const auto& axis : axes) {
    suite::Axis a{axis.key, {}, false, {axis.flag, 0, 0}};
    for (const auto& value : axis.values)
      a.points.push_back({{axis.key, value, {axis.flag + " " + value, 0, 0}}});
    s.matrix.push_back(std::move(a));
  }
  return s;
}

// The command a point's files record: the profile's own, with the point's values.
std::string PointCommand(const Args& args, const std::vector<SweepAxis>& axes,
                         const cases::Case& c) {
  Args argv{"servebench", "profile"};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const auto& [key, value] : c.parameters) {
    for (const auto& axis : axes) {
      if (axis.key == key) argv.insert(argv.end(), {axis.flag, value});
    }
  }
  return options::RedactedCommand(argv);
}

// The --goodput SLOs as the report's SLO view: a point meets them when at least 90 % of its
// requests meet every one (SLO attainment, as serving papers state it).
std::vector<reporters::SloLimit> GoodputSlo(const std::string& goodput) {
  if (goodput.empty()) return {};
  return {{"good_request_count", "request_count", false, 0.9,
           "share of requests meeting --goodput \"" + goodput + "\""}};
}

}  // namespace

base::Expected<std::vector<SweepAxis>> TakeSweepLists(Args& args) {
  std::vector<SweepAxis> axes;
  Args rest;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i], value;
    const size_t equals = flag.find('=');
    const bool joined = flag.starts_with("--") && equals != std::string::npos;
    if (joined) {
      value = flag.substr(equals + 1);
      flag = flag.substr(0, equals);
    } else if (i + 1 < args.size()) {
      value = args[i + 1];
    }
    const char* key = SweepKey(flag);
    if (key == nullptr || value.find(',') == std::string::npos) {
      rest.push_back(args[i]);
      continue;
    }
    if (std::any_of(axes.begin(), axes.end(), [&](const SweepAxis& a) { return a.key == key; })) {
      return base::MakeError(flag + ": " + key + " is swept twice; give one list");
    }
    auto values = ListOf(flag, value);
    if (!values) return values.error();
    axes.push_back({key, flag, std::move(*values)});
    if (!joined) ++i;
  }
  for (const auto& axis : axes) {
    for (const auto& arg : rest) {
      const std::string flag = arg.substr(0, arg.find('='));
      if (const char* key = SweepKey(flag); key != nullptr && axis.key == key) {
        return base::MakeError(flag + ": " + axis.key + " is given as a list (" + axis.flag +
                               ") and again as one value; give it once");
      }
    }
  }
  args = std::move(rest);
  return axes;
}

int RunProfileSweep(const Args& args, const std::vector<SweepAxis>& axes) {
  options::ProfileFlags first;
  auto suite = SweepSuite(args, axes, first);
  if (!suite) return Fail(suite.error().message);
  auto points = cases::ExpandCases(*suite);  // every value is checked before any load is sent
  if (!points) return Fail(points.error().message);
  auto dir = session::FreshDirectory(
      first.artifact_dir.empty()
          ? fs::path("artifacts") /
                session::SafeName(first.model + "-" + first.endpoint_type + "-sweep")
          : fs::path(first.artifact_dir),
      "--artifact-dir");
  if (!dir) return Fail(dir.error().message);

  reporters::SuiteContext context;
  context.suite = "profile";
  context.server_url = options::RedactUrl(first.url);
  context.endpoint_type = first.endpoint_type;
  for (const auto& axis : axes) context.parameter_keys.push_back(axis.key);
  context.client = base::ClientMachine();
  context.out_dir = *dir;
  context.slos = GoodputSlo(first.goodput);
  using reporters::ReporterRole;
  auto reporters = reporters::MakeSuiteReporters({ReporterRole::kResults, ReporterRole::kReport});
  for (auto& r : reporters) r->Begin(context);

  InterruptScope interrupts;
  bool any_failed = false;
  suite_run::RunHooks hooks;
  hooks.case_starts = [](const cases::Case& c, size_t number, size_t count) {
    std::printf("\n== %s (%zu of %zu)\n", c.name.c_str(), number, count);
    std::fflush(stdout);
  };
  hooks.progress = interrupts.ProgressLine();
  hooks.note = PrintNote;
  hooks.repetition_ends = [&] { interrupts.EndProgressLine(); };
  hooks.failed = [&](const cases::Case& c, const std::string& error) {
    std::fprintf(stderr, "%s: %s\n", c.name.c_str(), error.c_str());
    any_failed = true;
  };
  hooks.repetition_done = [&](const cases::Case& c, const session::SessionResult& s) {
    std::fputs(reporters::ConsoleTable(s.report, s.files).c_str(), stdout);
    for (const auto& e : s.write_errors) std::fprintf(stderr, "error: %s\n", e.c_str());
    if (s.outcome.was_cancelled) return;
    const std::string failed = session::RunFailure(s.report.summary, c.flags.max_error_rate);
    if (!failed.empty())
      std::fprintf(stderr, "%s: the run failed: %s\n", c.name.c_str(), failed.c_str());
    any_failed = any_failed || !failed.empty() || !s.write_errors.empty();
  };
  hooks.case_done = [&](const results::CaseResult& result) {
    for (auto& r : reporters) r->CaseDone(result);
  };
  std::vector<const cases::Case*> to_run;
  for (const auto& c : *points) to_run.push_back(&c);
  const auto run = suite_run::RunCases(
      to_run, *dir, [&](const cases::Case& c) { return PointCommand(args, axes, c); },
      interrupts.count(), hooks);

  auto verdict = verdicts::Judge(nullptr, run.results, {});
  verdict.interrupted = interrupts.interrupted();
  // results.json says the status the process exits with.
  verdict.exit_code = verdict.interrupted ? interrupts.exit_code() : any_failed ? 1 : 0;
  for (auto& r : reporters) r->End(verdict);
  if (verdict.interrupted) {
    std::printf("\nsweep interrupted: %zu of %zu profiles finished%s; results in %s:\n",
                run.results.size(), to_run.size(),
                run.cut_short.empty() ? "" : (" (" + run.cut_short + " was cut short)").c_str(),
                dir->string().c_str());
  } else {
    std::printf("\nsweep of %zu profiles in %s:\n", run.results.size(), dir->string().c_str());
  }
  for (const auto& r : reporters) {
    for (const auto& file : r->Files()) std::printf("  %s\n", file.string().c_str());
    for (const auto& e : r->write_errors()) return Fail("error: " + e);
  }
  return verdict.exit_code;
}

}  // namespace servebench::cli
