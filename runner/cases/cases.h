// A suite expanded into cases (suites.md): the matrix's Cartesian product (lists of maps zipped),
// minus exclusions, plus extra cases; each merged over server and defaults, checked as a profile
// run would check it, and named Google Benchmark-style. Nothing runs here, so list, --filter and
// --dry-run cost nothing.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/base/expected.h"
#include "runner/options/profile_options.h"
#include "runner/suite/suite.h"

namespace servebench::cases {

struct Case {
  std::string name;  // <suite>/<endpoint_type>/<key>:<value>/... or <suite>/<endpoint_type>/<name>
  // The suite's varying keys and this case's values of them, in matrix order.
  std::vector<std::pair<std::string, std::string>> parameters;
  // Every setting of the case except those describing the server (URL, credentials, mock
  // settings): what must match a baseline's case of the same name for the two to be comparable.
  nlohmann::json fingerprint;
  nlohmann::ordered_json settings;  // every setting as resolved, secrets redacted (for --dry-run)
  options::ProfileFlags flags;
  int64_t repetitions = 1;
  double timeout_s = 0;  // > 0: the case's repetitions together stop here, recorded as errors
};

struct ExpandOptions {
  std::optional<int64_t> repetitions;  // --repetitions overrides the suite
  std::string filter;                  // a regular expression searched in the names
  int64_t max_cases = 100'000;         // a larger suite is refused before it is expanded
};

base::Expected<std::vector<Case>> ExpandCases(const suite::Suite& suite,
                                              const ExpandOptions& options = {});

// A setting's value as a flag value: scalars as text, objects as JSON.
std::string FlagText(const nlohmann::json& value);

}  // namespace servebench::cases
