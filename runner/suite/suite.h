// A suite file (suites.md) read into plain values: what to measure, and what decides pass/fail.
// Every value remembers where it was written, so later checks can name file, line and column.
// ${VAR} and ${VAR:-default} are expanded here, before anything types a value.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::suite {

struct Place {
  std::string file;
  int line = 0, column = 0;  // 1-based
  std::string Text() const;  // "file:line:column"; line 0: file alone (a flag as given)
};

// One option: a profile flag's long name in snake_case and its value (a string for a scalar,
// an array or an object as written).
struct Setting {
  std::string key;
  nlohmann::json value;
  Place place;
};
using Settings = std::vector<Setting>;

// One matrix key: its points, each a set of settings that vary together (one setting for a list
// of scalars; several for a zipped list of maps).
struct Axis {
  std::string key;
  std::vector<Settings> points;
  bool zipped = false;  // a list of maps
  Place place;
};

struct ExtraCase {
  std::string name;
  Settings settings;
  Place place;
};

struct Gate {
  std::string metric;  // as written: time_to_first_token.p99, output_token_throughput
  enum class Kind { kRelative, kMax, kMin } kind = Kind::kRelative;
  bool lower_is_better = true;
  double tolerance = 0;  // a fraction: 10% is 0.1
  double floor = 0;      // in the metric's display unit (ms for times)
  double limit = 0;      // max / min gates
  Place place;
  // tolerance: auto: 3 × the baseline's median absolute deviation across repetitions, relative
  // to its median (the floor still applies as an absolute minimum).
  bool auto_tolerance = false;
};

struct Suite {
  std::string file, name, description, sha256;
  Settings server;  // url, endpoint_type, api_key... and mock_* settings from server.mock
  Settings defaults;
  std::vector<Axis> matrix;
  bool has_matrix = false;
  std::vector<Settings> exclude;
  std::vector<ExtraCase> cases;
  std::vector<Gate> gates;
  std::optional<int64_t> repetitions;         // top level
  std::optional<double> timeout_s;            // top level: each case's time limit
  std::map<std::string, std::string> labels;  // what the run measured: gpu: H100, engine: ...
};

base::Expected<Suite> LoadSuite(const std::string& path);
std::string Sha256Hex(const std::string& bytes);
// Same, from text (path only names the place in messages).
base::Expected<Suite> ParseSuite(const std::string& text, const std::string& path);

}  // namespace servebench::suite
