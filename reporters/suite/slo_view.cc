#include "reporters/suite/slo_view.h"

#include <algorithm>
#include <map>

#include "reporters/suite/pivot.h"
#include "reporters/suite/verdict_text.h"
#include "runner/base/flags.h"

namespace servebench::reporters {
namespace {

struct Measured {
  double x = 0;
  std::vector<std::optional<double>> values;  // one per limit: the median over repetitions
};

std::optional<double> ValueOf(const results::CaseResult& c, const SloLimit& limit) {
  const auto value = MedianOf(c, limit.counter);
  if (!value || limit.per.empty()) return value;
  const auto per = MedianOf(c, limit.per);
  if (!per || *per <= 0) return std::nullopt;
  return *value / *per;
}

bool Meets(const std::optional<double>& value, const SloLimit& limit) {
  return value && (limit.at_most ? *value <= limit.limit : *value >= limit.limit);
}

// "time_to_first_token.p99 212 (limit ≤ 200)": how a value missed its limit.
std::string Missed(const std::optional<double>& value, const SloLimit& limit) {
  return limit.name + " " + (value ? Short(value) : "not measured") + " (limit " +
         (limit.at_most ? "≤ " : "≥ ") + base::NumberText(limit.limit) + ")";
}

// Where the straight line between (x0, v0) and (x1, v1) reaches the limit.
double Crossing(double x0, double v0, double x1, double v1, double limit) {
  if (v1 == v0) return x0;
  return x0 + (limit - v0) / (v1 - v0) * (x1 - x0);
}

SloResult Judge(const std::string& series, const std::string& axis, std::vector<Measured> points,
                const std::vector<SloLimit>& limits) {
  std::sort(points.begin(), points.end(),
            [](const Measured& a, const Measured& b) { return a.x < b.x; });
  SloResult r{series, std::nullopt, false, ""};
  auto missed_at = [&](const Measured& m) {
    std::string why;
    for (size_t l = 0; l < limits.size(); ++l) {
      if (!Meets(m.values[l], limits[l]))
        why += (why.empty() ? "" : ", ") + Missed(m.values[l], limits[l]);
    }
    return why;
  };
  auto meets_all = [&](const Measured& m) { return missed_at(m).empty(); };
  size_t met = 0;  // the points met from the lowest on
  while (met < points.size() && meets_all(points[met])) ++met;
  if (met == 0) {
    r.text = "no measured " + axis + " met the SLO (" + axis + " " +
             base::NumberText(points.front().x) + ": " + missed_at(points.front()) + ")";
    return r;
  }
  const Measured& in = points[met - 1];
  if (met == points.size()) {
    r.highest = in.x;
    r.beyond_measured = true;
    r.text = "met at every measured " + axis + ", up to " + base::NumberText(in.x) +
             " (the limit lies beyond)";
    return r;
  }
  const Measured& out = points[met];
  double highest = out.x;
  for (size_t l = 0; l < limits.size(); ++l) {
    if (Meets(out.values[l], limits[l]) || !in.values[l] || !out.values[l]) continue;
    highest =
        std::min(highest, Crossing(in.x, *in.values[l], out.x, *out.values[l], limits[l].limit));
  }
  r.highest = std::clamp(highest, in.x, out.x);
  r.text = "met up to " + axis + " ≈ " + Short(r.highest) + " (met at " + base::NumberText(in.x) +
           "; at " + base::NumberText(out.x) + ": " + missed_at(out) + ")";
  return r;
}

}  // namespace

std::string SloText(const SloLimit& limit) {
  return limit.name + (limit.at_most ? " ≤ " : " ≥ ") + base::NumberText(limit.limit);
}

std::string SloText(const std::vector<SloLimit>& limits) {
  std::string text;
  for (const auto& l : limits) text += (text.empty() ? "" : ", ") + SloText(l);
  return text;
}

std::string SloLine(const SloResult& result) {
  return (result.series.empty() ? "" : result.series + ": ") + result.text;
}

std::vector<SloResult> HighestWithinSlo(const std::vector<results::CaseResult>& cases,
                                        const std::string& axis,
                                        const std::vector<SloLimit>& limits) {
  if (limits.empty()) return {};
  const std::vector<std::string> group = AxisGroup(cases, axis);
  std::vector<std::string> order;
  std::map<std::string, std::vector<Measured>> series;
  for (const auto& c : cases) {
    double x = 0;
    if (!base::ParseDouble(ParameterValue(c, axis), &x)) return {};
    const std::string name = OtherParameters(c, group);
    if (!series.contains(name)) order.push_back(name);
    Measured m{x, {}};
    for (const auto& l : limits) m.values.push_back(ValueOf(c, l));
    series[name].push_back(m);
  }
  std::vector<SloResult> out;
  for (const auto& name : order) out.push_back(Judge(name, axis, series[name], limits));
  return out;
}

}  // namespace servebench::reporters
