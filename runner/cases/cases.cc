#include "runner/cases/cases.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "runner/base/flags.h"
#include "runner/inputs/input_file.h"

namespace servebench::cases {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;
using suite::Setting;
using suite::Settings;

std::string Kebab(std::string key) {
  for (char& c : key) {
    if (c == '_') c = '-';
  }
  return "--" + key;
}

// Later settings override earlier ones of the same key; the order of first appearance stays.
void MergeInto(Settings& into, const Settings& over) {
  for (const auto& s : over) {
    auto it =
        std::find_if(into.begin(), into.end(), [&](const Setting& x) { return x.key == s.key; });
    if (it == into.end()) {
      into.push_back(s);
    } else {
      *it = s;
    }
  }
}

const Setting* Find(const Settings& settings, const std::string& key) {
  for (const auto& s : settings) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

bool Is(const std::string& key, base::FlagSet::Trait trait) {
  return options::ProfileFlagTable().Is(Kebab(key), trait);
}

bool IsSecret(const std::string& key) { return Is(key, base::FlagSet::kSecret); }

// Settings of how the suite runs a case rather than of the case itself: not profile flags, and
// not part of what a baseline's case must match.
bool RunsTheCase(const std::string& key) { return key == "repetitions" || key == "timeout"; }

base::Expected<double> Timeout(const Setting& s) {
  double seconds = 0;
  if (!base::ParseSeconds(FlagText(s.value), &seconds)) {
    return base::Error{
        s.place.Text() +
        ": timeout should be a time span such as 90s, 10m or 1h (at most 10000000 s)"};
  }
  return seconds;
}

base::Expected<int64_t> Repetitions(const Setting& s) {
  if (!s.value.is_number_integer() || s.value.get<int64_t>() < 1) {
    return base::Error{s.place.Text() + ": repetitions should be a whole number >= 1"};
  }
  return s.value.get<int64_t>();
}

// Applies the settings to profile flags exactly as the command line would.
base::Status ApplySettings(const Settings& settings, options::ProfileFlags& f) {
  base::FlagSet flags("profile");
  options::RegisterProfileFlags(flags, f);
  for (const auto& s : settings) {
    if (RunsTheCase(s.key)) continue;
    const std::string flag = Kebab(s.key);
    if (!flags.Has(flag) || s.key.find('-') != std::string::npos) {
      return base::Error{s.place.Text() + ": unknown option '" + s.key +
                         "' (use a `servebench profile` flag's long name in snake_case, e.g. "
                         "request_count)"};
    }
    // Lists only where a flag repeats; a map only where it is a JSON object.
    if (s.value.is_array() && !Is(s.key, base::FlagSet::kList)) {
      return base::Error{s.place.Text() + ": '" + s.key +
                         "' takes one value, not a list (a list of values belongs in matrix)"};
    }
    if (s.value.is_object() && s.key != "extra_inputs") {
      return base::Error{s.place.Text() + ": '" + s.key + "' takes one value, not a map"};
    }
    std::vector<std::string> args;
    const bool repeated = s.value.is_array();
    for (const auto& v : repeated ? s.value : Json::array({s.value})) {
      if (v.is_null()) return base::Error{s.place.Text() + ": '" + s.key + "' has no value"};
      args.push_back(flag + "=" + FlagText(v));
    }
    if (auto parsed = flags.Parse(args); !parsed) {
      return base::Error{s.place.Text() + ": " + parsed.error().message};
    }
  }
  return base::Ok{};
}

// What the server under test is (its URL, credentials, the mock's settings) is not a parameter
// of the case: a baseline from yesterday's server is compared with today's.
bool DescribesTheServer(const std::string& key) { return Is(key, base::FlagSet::kServer); }

Json Fingerprint(const Settings& settings) {
  Json out = Json::object();
  for (const auto& s : settings) {
    if (RunsTheCase(s.key) || DescribesTheServer(s.key)) continue;
    out[s.key] = s.value;
  }
  return out;
}

nlohmann::ordered_json Redacted(const Settings& settings) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& s : settings) {
    out[s.key] = IsSecret(s.key) ? nlohmann::ordered_json("<redacted>")
                                 : nlohmann::ordered_json::parse(s.value.dump());
  }
  return out;
}

// One combination of matrix points (one point per axis), as merged settings.
using Combination = std::vector<const Settings*>;

// Counts the cases before making any: a matrix of 1000 x 1000 x 10 would otherwise take
// minutes and gigabytes before it could be refused.
base::Status CheckCaseCount(const suite::Suite& suite, int64_t max_cases) {
  int64_t count = 1;
  for (const auto& axis : suite.matrix) {
    const auto points = static_cast<int64_t>(axis.points.size());
    count = points == 0 ? 0 : std::min(count, max_cases + 1) * points;
    count = std::min(count, max_cases + 1);
  }
  count += static_cast<int64_t>(suite.cases.size());
  if (count <= max_cases) return base::Ok{};
  const suite::Place place =
      suite.matrix.empty() ? suite::Place{suite.file, 1, 1} : suite.matrix.front().place;
  return base::Error{place.Text() + ": the suite has more than " + std::to_string(max_cases) +
                     " cases (the product of the matrix); split it, or raise --max-cases"};
}

std::vector<Combination> Product(const std::vector<suite::Axis>& matrix) {
  std::vector<Combination> out{{}};
  for (const auto& axis : matrix) {
    std::vector<Combination> next;
    for (const auto& partial : out) {
      for (const auto& point : axis.points) {
        next.push_back(partial);
        next.back().push_back(&point);
      }
    }
    out = std::move(next);
  }
  return out;
}

Settings Flatten(const Combination& combination) {
  Settings out;
  for (const Settings* point : combination) MergeInto(out, *point);
  return out;
}

bool Excluded(const Settings& point, const std::vector<Settings>& exclude) {
  for (const auto& rule : exclude) {
    bool all = true;
    for (const auto& r : rule) {
      const Setting* s = Find(point, r.key);
      all = all && s != nullptr && FlagText(s->value) == FlagText(r.value);
    }
    if (all) return true;
  }
  return false;
}

base::Status CheckExcludeKeys(const suite::Suite& suite) {
  std::set<std::string> keys;
  for (const auto& axis : suite.matrix) {
    for (const auto& point : axis.points) {
      for (const auto& s : point) keys.insert(s.key);
    }
  }
  for (const auto& rule : suite.exclude) {
    for (const auto& r : rule) {
      if (!keys.count(r.key)) {
        return base::Error{r.place.Text() + ": exclude names '" + r.key +
                           "', which is not a matrix key"};
      }
    }
  }
  return base::Ok{};
}

// The matrix keys whose value differs between combinations, in matrix order.
std::vector<std::string> VaryingKeys(const std::vector<suite::Axis>& matrix,
                                     const std::vector<Settings>& points) {
  std::vector<std::string> out;
  for (const auto& axis : matrix) {
    for (const auto& point : axis.points) {
      for (const auto& s : point) {
        if (std::find(out.begin(), out.end(), s.key) != out.end()) continue;
        std::set<std::string> values;
        for (const auto& p : points) {
          const Setting* v = Find(p, s.key);
          values.insert(v ? FlagText(v->value) : "");
        }
        if (values.size() > 1) out.push_back(s.key);
      }
    }
  }
  return out;
}

// What a suite's expansion learnt of its data files: their hashes and which were checked.
struct DataFiles {
  std::map<std::string, std::string> sha256;
  std::set<std::string> checked;
};

// The keys naming a workload's data: a path relative to the suite file, and its contents part of
// the case's parameters.
bool IsDataFile(const std::string& key) {
  return key == "input_file" || key == "dataset" || key == "dataset_path";
}

// The sha256 of a file, or of a folder's files in name order ("" when unreadable: the run
// itself then says what is wrong).
// known: the hashes taken so far (a matrix names the same file many times).
std::string ContentSha256(const fs::path& path, std::map<std::string, std::string>& known) {
  if (auto it = known.find(path.string()); it != known.end()) return it->second;
  std::error_code error;
  std::vector<fs::path> files;
  if (fs::is_directory(path, error)) {
    for (const auto& e : fs::directory_iterator(path, error)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
  } else if (fs::is_regular_file(path, error)) {
    files.push_back(path);
  }
  std::string bytes;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    bytes += file.filename().string() + '\0' +
             std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return known[path.string()] = files.empty() ? "" : suite::Sha256Hex(bytes);
}

// Data files resolved against the suite's folder (the settings keep the path as written, so a
// suite and its baseline agree wherever they are checked out); their sha256 joins the
// fingerprint, so a baseline taken on other data is INVALID rather than compared.
Settings ResolveDataFiles(const suite::Suite& suite, const Settings& merged, Json& fingerprint,
                          DataFiles& files) {
  Settings resolved = merged;
  for (auto& s : resolved) {
    if (!IsDataFile(s.key) || !s.value.is_string()) continue;
    fs::path path = s.value.get<std::string>();
    if (path.is_relative()) path = fs::path(suite.file).parent_path() / path;
    s.value = path.lexically_normal().string();
    fingerprint[s.key + "_sha256"] = ContentSha256(path, files.sha256);
  }
  return resolved;
}

base::Expected<Case> MakeCase(const suite::Suite& suite, const Settings& over,
                              const suite::Place& place, const ExpandOptions& options,
                              DataFiles& files) {
  Settings merged = suite.server;
  MergeInto(merged, suite.defaults);
  MergeInto(merged, over);
  Case c;
  c.fingerprint = Fingerprint(merged);
  const Settings resolved = ResolveDataFiles(suite, merged, c.fingerprint, files);
  if (auto applied = ApplySettings(resolved, c.flags); !applied) return applied.error();
  if (auto plan = options::ResolveProfile(c.flags); !plan) {
    return base::Error{place.Text() + ": " + plan.error().message};
  }
  // A bad line of a case's input file stops the suite before its first case runs.
  if (!c.flags.input_file.empty()) {
    const std::string key = c.flags.input_file + "\n" + c.flags.custom_dataset_type + "\n" +
                            std::to_string(c.flags.isl_block_size);
    if (files.checked.insert(key).second) {
      // Checked line by line, none kept: the case reads it again when it runs.
      auto read = inputs::ReadInputFile({c.flags.input_file, c.flags.custom_dataset_type,
                                         c.flags.isl_block_size, 0, 0, c.flags.max_trace_tokens},
                                        nullptr);
      if (!read) return base::Error{place.Text() + ": " + read.error().message};
    }
  }
  c.repetitions = suite.repetitions.value_or(1);
  if (const Setting* r = Find(merged, "repetitions")) {
    auto n = Repetitions(*r);
    if (!n) return n.error();
    c.repetitions = *n;
  }
  if (options.repetitions) c.repetitions = *options.repetitions;
  c.timeout_s = suite.timeout_s.value_or(0);
  if (const Setting* t = Find(merged, "timeout")) {
    auto seconds = Timeout(*t);
    if (!seconds) return seconds.error();
    c.timeout_s = *seconds;
  }
  c.settings = Redacted(merged);
  return c;
}

}  // namespace

std::string FlagText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

base::Expected<std::vector<Case>> ExpandCases(const suite::Suite& suite,
                                              const ExpandOptions& options) {
  if (auto s = CheckExcludeKeys(suite); !s) return s.error();
  if (auto s = CheckCaseCount(suite, options.max_cases); !s) return s.error();
  std::vector<Settings> points;
  std::vector<suite::Place> places;
  if (suite.has_matrix || suite.cases.empty()) {
    for (const auto& combination : Product(suite.matrix)) {
      Settings point = Flatten(combination);
      if (Excluded(point, suite.exclude)) continue;
      points.push_back(std::move(point));
      // The place of the combination's last point: where a bad value most likely sits.
      places.push_back(combination.empty() ? suite::Place{suite.file, 1, 1}
                                           : combination.back()->front().place);
    }
  }
  const std::vector<std::string> varying = VaryingKeys(suite.matrix, points);

  std::vector<Case> out;
  std::map<std::string, suite::Place> names;
  DataFiles files;
  auto add = [&](Case c, const suite::Place& place) -> base::Status {
    if (auto [it, fresh] = names.emplace(c.name, place); !fresh) {
      return base::Error{place.Text() + ": case name '" + c.name + "' is already used at " +
                         it->second.Text() + "; names must be unique"};
    }
    out.push_back(std::move(c));
    return base::Ok{};
  };
  for (size_t i = 0; i < points.size(); ++i) {
    auto c = MakeCase(suite, points[i], places[i], options, files);
    if (!c) return c.error();
    c->name = suite.name + "/" + c->flags.endpoint_type;
    for (const auto& key : varying) {
      const Setting* s = Find(points[i], key);
      const std::string value = s ? FlagText(s->value) : "";
      c->parameters.emplace_back(key, value);
      c->name += "/" + key + ":" + value;
    }
    if (auto s = add(std::move(*c), places[i]); !s) return s.error();
  }
  for (const auto& extra : suite.cases) {
    auto c = MakeCase(suite, extra.settings, extra.place, options, files);
    if (!c) return c.error();
    c->name = suite.name + "/" + c->flags.endpoint_type + "/" + extra.name;
    for (const auto& key : varying) {
      const auto& v = c->settings.contains(key) ? c->settings[key] : nlohmann::ordered_json("");
      c->parameters.emplace_back(key, v.is_string() ? v.get<std::string>() : v.dump());
    }
    if (auto s = add(std::move(*c), extra.place); !s) return s.error();
  }
  if (!options.filter.empty()) {
    std::regex filter;
    try {
      filter = std::regex(options.filter);
    } catch (const std::regex_error&) {
      return base::MakeError("--filter: '" + options.filter + "' is not a regular expression");
    }
    std::erase_if(out, [&](const Case& c) { return !std::regex_search(c.name, filter); });
  }
  return out;
}

}  // namespace servebench::cases
