#include "reporters/suite/pivot.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "reporters/suite/verdict_text.h"
#include "runner/base/flags.h"

namespace servebench::reporters {
namespace {

void AddOnce(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace

std::string AxisKey(const std::vector<results::CaseResult>& cases) {
  std::vector<std::string> keys;
  std::map<std::string, std::vector<std::string>> values;
  for (const auto& c : cases) {
    for (const auto& [key, value] : c.parameters) {
      AddOnce(keys, key);
      AddOnce(values[key], value);
    }
  }
  std::string best;
  for (const auto& key : keys) {
    if (best.empty() || values[key].size() > values[best].size()) best = key;
  }
  return best;
}

namespace {

// Whether b's value follows from a's and a's from b's in every case: they vary together.
bool Lockstep(const std::vector<results::CaseResult>& cases, const std::string& a,
              const std::string& b) {
  std::map<std::string, std::string> a_to_b, b_to_a;
  for (const auto& c : cases) {
    const std::string va = ParameterValue(c, a), vb = ParameterValue(c, b);
    if (a_to_b.emplace(va, vb).first->second != vb) return false;
    if (b_to_a.emplace(vb, va).first->second != va) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> NumericAxes(const std::vector<results::CaseResult>& cases) {
  std::vector<std::string> keys = {AxisKey(cases)};
  if (keys.front().empty()) return {};
  for (const auto& c : cases) {
    for (const auto& [key, value] : c.parameters) AddOnce(keys, key);
  }
  std::vector<std::string> out;
  for (const auto& key : keys) {
    std::set<std::string> values;
    bool numeric = true;
    for (const auto& c : cases) {
      double x = 0;
      values.insert(ParameterValue(c, key));
      numeric = numeric && base::ParseDouble(ParameterValue(c, key), &x);
    }
    const bool follows = std::any_of(out.begin(), out.end(), [&](const std::string& taken) {
      return Lockstep(cases, taken, key);
    });
    if (numeric && values.size() > 1 && !follows) out.push_back(key);
  }
  return out;
}

std::string OtherParameters(const results::CaseResult& c, const std::string& column_key) {
  return OtherParameters(c, std::vector<std::string>{column_key});
}

std::string OtherParameters(const results::CaseResult& c, const std::vector<std::string>& keys) {
  std::string row;
  for (const auto& [key, value] : c.parameters) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      row += (row.empty() ? "" : ", ") + key + "=" + value;
  }
  return row;
}

std::vector<std::string> AxisGroup(const std::vector<results::CaseResult>& cases,
                                   const std::string& key) {
  std::vector<std::string> group = {key};
  for (const auto& c : cases) {
    for (const auto& [other, value] : c.parameters) {
      if (other != key && Lockstep(cases, key, other)) AddOnce(group, other);
    }
  }
  return group;
}

std::string ParameterValue(const results::CaseResult& c, const std::string& column_key) {
  for (const auto& [key, value] : c.parameters) {
    if (key == column_key) return value;
  }
  return "";
}

std::vector<Pivot> MakePivots(const std::vector<std::string>& gated_metrics,
                              const std::vector<results::CaseResult>& cases,
                              const verdicts::SuiteVerdict& verdict) {
  const std::string column_key = AxisKey(cases);
  if (column_key.empty()) return {};
  std::map<std::string, verdicts::Outcome> outcomes;
  for (const auto& c : verdict.cases) outcomes[c.name] = c.outcome;
  std::vector<Pivot> out;
  for (const auto& metric : gated_metrics) {
    Pivot p{metric, column_key, {}, {}, {}};
    for (const auto& c : cases) {
      const std::string row = OtherParameters(c, column_key),
                        column = ParameterValue(c, column_key);
      AddOnce(p.rows, row);
      AddOnce(p.columns, column);
      const auto outcome = outcomes.find(c.name);
      p.cells[{row, column}] = {
          MedianOf(c, results::CounterName(metric)),
          outcome == outcomes.end() ? verdicts::Outcome::kPass : outcome->second};
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string PivotMarkdown(const Pivot& p) {
  std::ostringstream out;
  const bool one_row = p.rows.size() == 1 && p.rows.front().empty();
  out << "| " << (one_row ? "" : "case") << " |";
  for (const auto& column : p.columns) out << " " << p.column_key << " " << column << " |";
  out << "\n|---|";
  for (size_t i = 0; i < p.columns.size(); ++i) out << "---:|";
  out << "\n";
  for (const auto& row : p.rows) {
    out << "| " << (one_row ? p.metric : row) << " |";
    for (const auto& column : p.columns) {
      const auto it = p.cells.find({row, column});
      if (it == p.cells.end()) {
        out << " |";
        continue;
      }
      const auto& cell = it->second;
      out << " " << Short(cell.median);
      const bool passed =
          cell.outcome == verdicts::Outcome::kPass || cell.outcome == verdicts::Outcome::kNew;
      if (!passed) out << " " << verdicts::Name(cell.outcome);
      out << " |";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace servebench::reporters
