// Pivot tables of a sweep: for each gated metric, the varying key with the most values as columns
// and the other keys as rows, each cell a case's median over repetitions, so a sweep reads at a
// glance (summary.md; the HTML report can use the same values).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/results/case_result.h"
#include "runner/verdicts/verdicts.h"

namespace servebench::reporters {

struct Pivot {
  std::string metric;                      // as written in the suite (time_to_first_token.p50)
  std::string column_key;                  // concurrency
  std::vector<std::string> columns, rows;  // values of column_key; "isl=128, osl=16" (first seen)
  struct Cell {
    std::optional<double> median;
    verdicts::Outcome outcome = verdicts::Outcome::kPass;
  };
  std::map<std::pair<std::string, std::string>, Cell> cells;  // (row, column)
};

// The varying key with the most distinct values (the first such in matrix order): a sweep's axis.
// Empty when no key varies.
std::string AxisKey(const std::vector<results::CaseResult>& cases);
// The keys to draw curves against: each varying key whose values are all numbers, the axis
// first, but a key that varies in lockstep with one already taken (osl with isl, zipped).
std::vector<std::string> NumericAxes(const std::vector<results::CaseResult>& cases);
// A case's value of key ("" when it has none), and its other keys as "isl=128, osl=16".
std::string ParameterValue(const results::CaseResult& c, const std::string& key);
std::string OtherParameters(const results::CaseResult& c, const std::string& key);
// The same without any of keys: an axis and the keys that move with it.
std::string OtherParameters(const results::CaseResult& c, const std::vector<std::string>& keys);
// key and the keys that vary in lockstep with it (osl zipped with isl): one axis to draw against.
std::vector<std::string> AxisGroup(const std::vector<results::CaseResult>& cases,
                                   const std::string& key);

// One pivot per gated metric; none when no key varies.
std::vector<Pivot> MakePivots(const std::vector<std::string>& gated_metrics,
                              const std::vector<results::CaseResult>& cases,
                              const verdicts::SuiteVerdict& verdict);
// A Markdown table; a cell whose case did not pass carries its verdict.
std::string PivotMarkdown(const Pivot& pivot);

}  // namespace servebench::reporters
