#include "runner/cli/profile_sweep.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "reporters/console/console_table.h"
#include "reporters/suite/suite_reporter.h"
#include "runner/base/flags.h"
#include "runner/base/machine.h"
#include "runner/cli/interrupts.h"
#include "runner/cli/profile_session.h"

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

// "1,2,4" → {"1", "2", "4"}; an empty item is an error.
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
    if (comma == std::string::npos) return values;
    from = comma + 1;
  }
}

// One combination of the axes' values: (key, flag, value) each.
struct Point {
  std::string name;
  std::vector<std::pair<std::string, std::string>> parameters;
  Args args;  // the profile's own args with the values appended
};

std::vector<Point> Combinations(const Args& args, const std::vector<SweepAxis>& axes,
                                const std::string& endpoint_type) {
  std::vector<Point> points = {{"profile/" + endpoint_type, {}, args}};
  for (const auto& axis : axes) {
    std::vector<Point> grown;
    for (const auto& p : points) {
      for (const auto& value : axis.values) {
        Point q = p;
        q.name += "/" + axis.key + ":" + value;
        q.parameters.emplace_back(axis.key, value);
        q.args.insert(q.args.end(), {axis.flag, value});
        grown.push_back(std::move(q));
      }
    }
    points = std::move(grown);
  }
  return points;
}

base::Expected<options::ProfileFlags> ParseProfile(const Args& args) {
  options::ProfileFlags f;
  base::FlagSet flags("profile");
  options::RegisterProfileFlags(flags, f);
  auto parsed = flags.Parse(args);
  if (!parsed) return parsed.error();
  if (!parsed->empty()) {
    return base::MakeError("profile: unexpected argument '" + parsed->front() + "'");
  }
  return f;
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
  auto first = ParseProfile(args);
  if (!first) return Fail(first.error().message);
  std::vector<Point> points = Combinations(args, axes, first->endpoint_type);
  std::vector<options::ProfileFlags> flags;
  for (const auto& p : points) {  // every value is checked before any load is sent
    auto parsed = ParseProfile(p.args);
    if (!parsed) return Fail(parsed.error().message);
    flags.push_back(std::move(*parsed));
  }
  auto dir = FreshDirectory(
      first->artifact_dir.empty()
          ? fs::path("artifacts") / SafeName(first->model + "-" + first->endpoint_type + "-sweep")
          : fs::path(first->artifact_dir),
      "--artifact-dir");
  if (!dir) return Fail(dir.error().message);

  reporters::SuiteContext context;
  context.suite = "profile";
  context.server_url = options::RedactUrl(first->url);
  context.endpoint_type = first->endpoint_type;
  for (const auto& axis : axes) context.parameter_keys.push_back(axis.key);
  context.client = base::ClientMachine();
  context.out_dir = *dir;
  context.slos = GoodputSlo(first->goodput);
  using reporters::ReporterRole;
  auto reporters = reporters::MakeSuiteReporters({ReporterRole::kResults, ReporterRole::kReport});
  for (auto& r : reporters) r->Begin(context);

  InterruptScope interrupts;
  std::vector<results::CaseResult> done;
  bool any_failed = false;
  std::string cut_short;  // the profile a signal ended midway
  for (size_t i = 0; i < points.size() && !interrupts.interrupted(); ++i) {
    const Point& p = points[i];
    std::printf("\n== %s (%zu of %zu)\n", p.name.c_str(), i + 1, points.size());
    std::fflush(stdout);
    Args argv{"servebench", "profile"};
    argv.insert(argv.end(), p.args.begin(), p.args.end());
    auto session = RunProfileSession(flags[i], options::RedactedCommand(argv),
                                     results::RepetitionDir(*dir, p.name, 0), interrupts.count(),
                                     interrupts.ProgressLine());
    interrupts.EndProgressLine();
    results::CaseResult result{p.name, nlohmann::json::object(), p.parameters, {}};
    if (!session) {
      std::fprintf(stderr, "%s: %s\n", p.name.c_str(), session.error().message.c_str());
      result.repetitions.push_back(results::Failed(session.error().message));
      any_failed = true;
    } else {
      std::fputs(reporters::ConsoleTable(session->report, session->files).c_str(), stdout);
      for (const auto& e : session->write_errors) std::fprintf(stderr, "error: %s\n", e.c_str());
      if (session->outcome.was_cancelled) {  // a partial run is not a measurement
        cut_short = p.name;
        break;
      }
      const std::string failed = RunFailure(session->report.summary, flags[i].max_error_rate);
      if (!failed.empty())
        std::fprintf(stderr, "%s: the run failed: %s\n", p.name.c_str(), failed.c_str());
      any_failed = any_failed || !failed.empty() || !session->write_errors.empty();
      result.repetitions.push_back(results::FromSummary(session->report.summary));
    }
    for (auto& r : reporters) r->CaseDone(result);
    done.push_back(std::move(result));
  }
  auto verdict = verdicts::Judge(nullptr, done, {});
  verdict.interrupted = interrupts.interrupted();
  // results.json says the status the process exits with.
  verdict.exit_code = verdict.interrupted ? interrupts.exit_code() : any_failed ? 1 : 0;
  for (auto& r : reporters) r->End(verdict);
  if (verdict.interrupted) {
    std::printf("\nsweep interrupted: %zu of %zu profiles finished%s; results in %s:\n",
                done.size(), points.size(),
                cut_short.empty() ? "" : (" (" + cut_short + " was cut short)").c_str(),
                dir->string().c_str());
  } else {
    std::printf("\nsweep of %zu profiles in %s:\n", done.size(), dir->string().c_str());
  }
  for (const auto& r : reporters) {
    for (const auto& file : r->Files()) std::printf("  %s\n", file.string().c_str());
    for (const auto& e : r->write_errors()) return Fail("error: " + e);
  }
  return verdict.exit_code;
}

}  // namespace servebench::cli
