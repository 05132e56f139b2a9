#include "runner/verdicts/verdicts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "runner/verdicts/mann_whitney.h"

namespace servebench::verdicts {
namespace {

constexpr size_t kMinRepetitionsForTest = 5;
constexpr double kSignificance = 0.01;

Outcome Worst(Outcome a, Outcome b) { return std::max(a, b); }

const results::CaseResult* FindCase(const std::vector<results::CaseResult>& cases,
                                    const std::string& name) {
  for (const auto& c : cases) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

GateVerdict JudgeLimit(const suite::Gate& gate, const results::CaseResult& run) {
  GateVerdict v{gate.metric, Outcome::kPass, {}, {}, {}, {}, {}};
  v.value = results::Median(results::CounterValues(run, results::CounterName(gate.metric)));
  if (!v.value) {
    v.outcome = Outcome::kFail;
    v.note = "not measured in this run";
    return v;
  }
  const bool max = gate.kind == suite::Gate::Kind::kMax;
  char limit[48];
  std::snprintf(limit, sizeof limit, "%s %g", max ? "max" : "min", gate.limit);
  const bool beyond = max ? *v.value > gate.limit : *v.value < gate.limit;
  v.outcome = beyond ? Outcome::kFail : Outcome::kPass;
  v.note = std::string(beyond ? "beyond " : "") + limit;
  return v;
}

// tolerance: auto never goes below this. Repetitions run back to back agree more closely than
// runs on different nights do (measured: bench/gate_noise.sh, where the mock's throughput
// repetitions spread 0.2 % while an unchanged re-run moved 1.8 %), so a spread measured within
// one run understates the noise between runs.
constexpr double kLeastAutoTolerance = 0.05;

// tolerance: auto: 3 × the median absolute deviation of the baseline's repetitions, relative to
// their median, and at least kLeastAutoTolerance (one repetition has no spread).
double AutoTolerance(const std::vector<double>& before, double median) {
  if (median == 0) return kLeastAutoTolerance;
  std::vector<double> deviations;
  for (double x : before) deviations.push_back(std::fabs(x - median));
  return std::max(kLeastAutoTolerance,
                  3 * results::Median(deviations).value_or(0) / std::fabs(median));
}

GateVerdict JudgeRelative(const suite::Gate& gate, const results::CaseResult* base,
                          const results::CaseResult& run) {
  GateVerdict v{gate.metric, Outcome::kPass, {}, {}, {}, {}, {}};
  const std::string counter = results::CounterName(gate.metric);
  const std::vector<double> now = results::CounterValues(run, counter);
  const std::vector<double> before =
      base ? results::CounterValues(*base, counter) : std::vector<double>{};
  v.value = results::Median(now);
  v.baseline = results::Median(before);
  if (!v.baseline) {
    v.outcome = Outcome::kNew;
    v.note = "no baseline value";
    return v;
  }
  if (!v.value) {
    v.outcome = Outcome::kFail;
    v.note = "not measured in this run";
    return v;
  }
  // Positive change means worse, whichever way the metric is better.
  const double change = gate.lower_is_better ? *v.value - *v.baseline : *v.baseline - *v.value;
  if (*v.baseline != 0) v.delta = change / std::fabs(*v.baseline);
  const double tolerance =
      gate.auto_tolerance ? AutoTolerance(before, *v.baseline) : gate.tolerance;
  v.tolerance = tolerance;
  const bool within_floor = std::fabs(change) <= gate.floor;
  const double relative = v.delta.value_or(change > 0 ? HUGE_VAL : -HUGE_VAL);
  const bool worse = !within_floor && change > 0 && relative > tolerance;
  const bool better = !within_floor && change < 0 && -relative > tolerance;
  if (!worse && !better) return v;
  if (now.size() < kMinRepetitionsForTest || before.size() < kMinRepetitionsForTest) {
    v.outcome = worse ? Outcome::kFail : Outcome::kImproved;
    v.note = "no significance test possible (fewer than 5 repetitions on a side)";
    return v;
  }
  // Worse for lower-is-better means the new values tend to be larger.
  const bool new_larger = worse == gate.lower_is_better;
  v.p_value = new_larger ? MannWhitneyGreaterP(now, before) : MannWhitneyGreaterP(before, now);
  const bool significant = *v.p_value <= kSignificance;
  if (worse) {
    v.outcome = significant ? Outcome::kFail : Outcome::kInconclusive;
    if (!significant) v.note = "not significant; re-run with more repetitions";
  } else {
    v.outcome = significant ? Outcome::kImproved : Outcome::kPass;
  }
  return v;
}

CaseVerdict JudgeCase(const results::CaseResult& run, const results::CaseResult* base,
                      bool have_baseline, const std::vector<suite::Gate>& gates) {
  CaseVerdict c{run.name, Outcome::kPass, {}, {}};
  if (std::all_of(run.repetitions.begin(), run.repetitions.end(),
                  [](const auto& r) { return r.error; })) {
    c.outcome = Outcome::kFail;
    c.note = run.repetitions.empty() ? "did not run" : run.repetitions.front().error_message;
    return c;
  }
  for (const auto& r : run.repetitions) {
    if (auto problem = results::DeliveryProblem(r)) {
      c.outcome = Outcome::kInvalid;
      c.note = *problem;
      return c;
    }
  }
  if (base && base->fingerprint != run.fingerprint) {
    c.outcome = Outcome::kInvalid;
    c.note = "the case's parameters differ from the baseline's (" + base->fingerprint.dump() +
             " vs " + run.fingerprint.dump() + ")";
    return c;
  }
  if (!base) c.note = have_baseline ? "not in the baseline" : "no baseline";
  for (const auto& r : run.repetitions) {
    const auto share = r.counters.find("capped_arrival_share");
    if (share != r.counters.end() && share->second > 0) {
      c.note += std::string(c.note.empty() ? "" : "; ") +
                "capped: " + std::to_string(static_cast<int>(std::lround(share->second))) +
                " % of arrivals waited for a slot";
      break;
    }
  }
  Outcome worst = gates.empty() ? Outcome::kPass : Outcome::kImproved;
  for (const auto& gate : gates) {
    c.gates.push_back(gate.kind == suite::Gate::Kind::kRelative ? JudgeRelative(gate, base, run)
                                                                : JudgeLimit(gate, run));
    worst = Worst(worst, c.gates.back().outcome);
  }
  // Without a baseline entry the case is NEW, unless an absolute limit failed.
  c.outcome = base ? worst : (worst == Outcome::kFail ? Outcome::kFail : Outcome::kNew);
  return c;
}

}  // namespace

const char* Name(Outcome o) {
  switch (o) {
    case Outcome::kImproved:
      return "IMPROVED";
    case Outcome::kPass:
      return "PASS";
    case Outcome::kNew:
      return "NEW";
    case Outcome::kMissing:
      return "MISSING";
    case Outcome::kInconclusive:
      return "INCONCLUSIVE";
    case Outcome::kFail:
      return "FAIL";
    case Outcome::kInvalid:
      return "INVALID";
  }
  return "?";
}

// A real regression is the news: FAIL (1) outranks INVALID (3), so a suite with FAILs and an
// invalid case still exits 1 (issue 14); INVALID alone is 3.
int SuiteVerdict::ExitCode(bool strict) const {
  const auto any = [&](Outcome o) {
    return std::any_of(cases.begin(), cases.end(), [o](const auto& c) { return c.outcome == o; });
  };
  if (any(Outcome::kFail) || (strict && any(Outcome::kInconclusive))) return 1;
  if (outcome == Outcome::kInvalid) return 3;
  return 0;
}

void SuiteVerdict::Invalidate(const std::string& why) {
  for (auto& c : cases) {
    c.outcome = Outcome::kInvalid;
    c.note = why;
  }
  outcome = Outcome::kInvalid;
}

base::Status CheckGates(const std::vector<suite::Gate>& gates) {
  const std::vector<std::string> known = results::KnownCounters();
  for (const auto& g : gates) {
    const std::string counter = results::CounterName(g.metric);
    if (std::find(known.begin(), known.end(), counter) == known.end()) {
      return base::Error{g.place.Text() + ": gate on unknown metric '" + g.metric +
                         "' (e.g. time_to_first_token.p99, inter_token_latency.p50, "
                         "output_token_throughput, request_error_rate)"};
    }
  }
  return base::Ok{};
}

std::vector<suite::Gate> DefaultGates() {
  auto gate = [](const char* metric, bool lower) {
    suite::Gate g;
    g.metric = metric;
    g.lower_is_better = lower;
    g.tolerance = 0.05;
    return g;
  };
  return {gate("time_to_first_token.p50", true), gate("inter_token_latency.p50", true),
          gate("request_latency.p50", true), gate("output_token_throughput", false)};
}

SuiteVerdict Judge(const std::vector<results::CaseResult>* baseline,
                   const std::vector<results::CaseResult>& run,
                   const std::vector<suite::Gate>& gates) {
  SuiteVerdict s;
  s.outcome = Outcome::kImproved;
  for (const auto& c : run) {
    const results::CaseResult* base = baseline ? FindCase(*baseline, c.name) : nullptr;
    s.cases.push_back(JudgeCase(c, base, baseline != nullptr, gates));
  }
  if (baseline) {
    for (const auto& b : *baseline) {
      if (FindCase(run, b.name)) continue;
      s.cases.push_back({b.name, Outcome::kMissing, {}, "in the baseline but not run"});
    }
  }
  for (const auto& c : s.cases) s.outcome = Worst(s.outcome, c.outcome);
  if (s.cases.empty()) s.outcome = Outcome::kPass;
  return s;
}

}  // namespace servebench::verdicts
