#include "runner/suite/suite.h"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "runner/base/flags.h"
#include "runner/base/output_file.h"
#include "runner/base/utf8.h"

namespace servebench::suite {
namespace {

using Json = nlohmann::json;

// Everything a parse step needs to name places.
struct Reader {
  std::string file;
  // Values read so far: YAML aliases let a small file name an exponential number of values
  // (an "alias bomb"), so their count is capped.
  mutable int64_t values = 0;

  Place At(const YAML::Node& node) const {
    const YAML::Mark m = node.Mark();
    return {file, m.line + 1, m.column + 1};
  }
  base::Error Fail(const YAML::Node& node, const std::string& what) const {
    return base::Error{At(node).Text() + ": " + what};
  }
};

// ${VAR} and ${VAR:-default}; an unset ${VAR} without a default is an error.
base::Expected<std::string> ExpandEnv(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find("${", i);
    if (open == std::string::npos) break;
    const size_t close = text.find('}', open);
    if (close == std::string::npos) {
      return base::MakeError("'" + text + "' opens ${ without a closing }");
    }
    out += text.substr(i, open - i);
    const std::string inside = text.substr(open + 2, close - open - 2);
    const size_t dash = inside.find(":-");
    const std::string name = inside.substr(0, dash);
    if (!std::regex_match(name, std::regex("[A-Za-z_][A-Za-z0-9_]*"))) {
      return base::MakeError("'${" + inside + "}' is not ${NAME} or ${NAME:-default}");
    }
    const char* value = std::getenv(name.c_str());
    if (value != nullptr && (*value != '\0' || dash == std::string::npos)) {
      out += value;
    } else if (dash != std::string::npos) {
      out += inside.substr(dash + 2);
    } else {
      return base::MakeError("environment variable " + name + " is not set (set it, or write ${" +
                             name + ":-default})");
    }
    i = close + 1;
  }
  return out + text.substr(i);
}

// A scalar as written: quoted scalars stay strings; plain ones become numbers, booleans or null
// when they read as such.
Json TypedScalar(const std::string& text, bool quoted) {
  if (quoted) return text;
  int64_t i = 0;
  double d = 0;
  bool b = false;
  if (base::ParseInt(text, &i)) return i;
  if (base::ParseDouble(text, &d)) return d;
  if (text == "true" || text == "false") return base::ParseBool(text, &b) && b;
  if (text == "null" || text == "~") return nullptr;
  return text;
}

constexpr int64_t kMaxValues = 100'000;

base::Expected<Json> ToJson(const Reader& r, const YAML::Node& node) {
  if (++r.values > kMaxValues) {
    return r.Fail(node, "the suite expands to more than " + std::to_string(kMaxValues) +
                            " values (YAML aliases repeating each other?); write it out plainly");
  }
  if (node.IsScalar()) {
    if (!base::IsValidUtf8(node.Scalar())) return r.Fail(node, "the value is not valid UTF-8 text");
    auto text = ExpandEnv(node.Scalar());
    if (!text) return r.Fail(node, text.error().message);
    return TypedScalar(*text, node.Tag() == "!");
  }
  if (node.IsSequence()) {
    Json out = Json::array();
    for (const auto& item : node) {
      auto value = ToJson(r, item);
      if (!value) return value.error();
      out.push_back(*value);
    }
    return out;
  }
  if (node.IsMap()) {
    Json out = Json::object();
    for (const auto& item : node) {
      auto value = ToJson(r, item.second);
      if (!value) return value.error();
      const std::string key = item.first.as<std::string>();
      if (!base::IsValidUtf8(key)) return r.Fail(item.first, "the key is not valid UTF-8 text");
      out[key] = *value;
    }
    return out;
  }
  return Json(nullptr);
}

// Iterates a map, refusing duplicate keys.
template <typename Visit>
base::Status EachKey(const Reader& r, const YAML::Node& map, const std::string& what, Visit visit) {
  if (!map.IsMap()) return r.Fail(map, what + " should be a map of key: value");
  std::set<std::string> seen;
  for (const auto& item : map) {
    const std::string key = item.first.as<std::string>();
    if (!seen.insert(key).second) return r.Fail(item.first, "duplicate key '" + key + "'");
    if (auto s = visit(key, item.first, item.second); !s) return s;
  }
  return base::Ok{};
}

base::Status ReadSettings(const Reader& r, const YAML::Node& map, const std::string& what,
                          const std::string& prefix, Settings& out) {
  return EachKey(
      r, map, what,
      [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> base::Status {
        auto value = ToJson(r, v);
        if (!value) return value.error();
        out.push_back({prefix + key, *value, r.At(k)});
        return base::Ok{};
      });
}

base::Status ReadServer(const Reader& r, const YAML::Node& map, Settings& out) {
  static const std::set<std::string> kKeys = {
      "url",    "endpoint_type", "endpoint", "api_key",
      "header", "headers",       "insecure", "request_timeout_seconds"};
  return EachKey(
      r, map, "server",
      [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> base::Status {
        if (key == "mock") return ReadSettings(r, v, "server.mock", "mock_", out);
        if (!kKeys.count(key)) {
          return r.Fail(k, "unknown server key '" + key +
                               "' (expected url, mock, endpoint_type, endpoint, api_key, headers, "
                               "insecure or request_timeout_seconds)");
        }
        auto value = ToJson(r, v);
        if (!value) return value.error();
        out.push_back({key == "headers" ? "header" : key, *value, r.At(k)});
        return base::Ok{};
      });
}

base::Status ReadMatrix(const Reader& r, const YAML::Node& map, std::vector<Axis>& out) {
  auto status = EachKey(
      r, map, "matrix",
      [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> base::Status {
        if (!v.IsSequence() || v.size() == 0) {
          return r.Fail(k, "matrix key '" + key +
                               "' should be a non-empty list of values, or of maps that vary "
                               "together");
        }
        Axis axis{key, {}, v[0].IsMap(), r.At(k)};
        for (const auto& point : v) {
          if (point.IsMap() != axis.zipped) {
            return r.Fail(point, "matrix key '" + key + "' mixes plain values and maps");
          }
          Settings settings;
          if (point.IsMap()) {
            if (auto s = ReadSettings(r, point, "a zipped matrix entry", "", settings); !s)
              return s;
            if (settings.empty()) return r.Fail(point, "an empty map in matrix key '" + key + "'");
          } else {
            auto value = ToJson(r, point);
            if (!value) return value.error();
            settings.push_back({key, *value, r.At(point)});
          }
          axis.points.push_back(std::move(settings));
        }
        out.push_back(std::move(axis));
        return base::Ok{};
      });
  if (status && out.empty()) return r.Fail(map, "the matrix is empty; give at least one key");
  return status;
}

base::Expected<int64_t> ReadRepetitions(const Reader& r, const YAML::Node& v) {
  int64_t n = 0;
  if (!v.IsScalar() || !base::ParseInt(v.Scalar(), &n) || n < 1) {
    return r.Fail(v, "repetitions should be a whole number >= 1");
  }
  return n;
}

// "10%" → 0.1.
base::Expected<double> ReadPercent(const Reader& r, const YAML::Node& v) {
  std::string text = v.IsScalar() ? v.Scalar() : "";
  double value = 0;
  if (text.empty() || text.back() != '%' ||
      !base::ParseDouble(text.substr(0, text.size() - 1), &value) || value < 0) {
    return r.Fail(v, "tolerance should be a percentage, e.g. 10%, or auto");
  }
  return value / 100;
}

// A number in the metric's display unit; times may carry us, ms or s.
base::Expected<double> ReadAmount(const Reader& r, const YAML::Node& v, const std::string& what) {
  const std::string text = v.IsScalar() ? v.Scalar() : "";
  static const std::vector<std::pair<std::string, double>> kUnits = {
      {"ms", 1}, {"us", 1e-3}, {"s", 1e3}};
  double value = 0;
  if (base::ParseDouble(text, &value)) return value;
  for (const auto& [suffix, scale] : kUnits) {
    if (text.size() > suffix.size() && text.ends_with(suffix) &&
        base::ParseDouble(text.substr(0, text.size() - suffix.size()), &value)) {
      return value * scale;
    }
  }
  return r.Fail(v, what + " should be a number, or a time such as 5ms");
}

base::Status ReadGate(const Reader& r, const std::string& metric, const YAML::Node& k,
                      const YAML::Node& v, std::vector<Gate>& out) {
  Gate gate;
  gate.metric = metric;
  gate.place = r.At(k);
  bool relative = false, absolute = false;
  auto status = EachKey(
      r, v, "gate " + metric,
      [&](const std::string& key, const YAML::Node& kk, const YAML::Node& vv) -> base::Status {
        if (key == "better") {
          const std::string s = vv.IsScalar() ? vv.Scalar() : "";
          if (s != "lower" && s != "higher") return r.Fail(vv, "better should be lower or higher");
          gate.lower_is_better = s == "lower";
          relative = true;
        } else if (key == "tolerance") {
          relative = true;
          if (vv.IsScalar() && vv.Scalar() == "auto") {
            gate.auto_tolerance = true;
            return base::Ok{};
          }
          auto t = ReadPercent(r, vv);
          if (!t) return t.error();
          gate.tolerance = *t;
        } else if (key == "floor") {
          auto f = ReadAmount(r, vv, "floor");
          if (!f) return f.error();
          gate.floor = *f;
          relative = true;
        } else if (key == "max" || key == "min") {
          auto l = ReadAmount(r, vv, key);
          if (!l) return l.error();
          if (absolute) return r.Fail(kk, "a gate takes max or min, not both");
          gate.kind = key == "max" ? Gate::Kind::kMax : Gate::Kind::kMin;
          gate.limit = *l;
          absolute = true;
        } else {
          return r.Fail(kk, "unknown gate key '" + key +
                                "' (expected better, tolerance, floor, max "
                                "or min)");
        }
        return base::Ok{};
      });
  if (!status) return status;
  if (relative == absolute) {
    return r.Fail(
        k, "gate " + metric + " needs either {better, tolerance[, floor]} or an absolute max/min");
  }
  if (relative && !v["better"]) return r.Fail(k, "gate " + metric + " needs better: lower|higher");
  out.push_back(gate);
  return base::Ok{};
}

base::Status ReadCases(const Reader& r, const YAML::Node& list, std::vector<ExtraCase>& out) {
  if (!list.IsSequence()) return r.Fail(list, "cases should be a list of maps, each with a name");
  for (const auto& item : list) {
    ExtraCase c;
    c.place = r.At(item);
    if (auto s = ReadSettings(r, item, "a case", "", c.settings); !s) return s;
    for (auto it = c.settings.begin(); it != c.settings.end(); ++it) {
      if (it->key != "name") continue;
      if (!it->value.is_string() ||
          !std::regex_match(it->value.get<std::string>(), std::regex("[A-Za-z0-9_.:=-]+"))) {
        return base::Error{it->place.Text() + ": a case name should be letters, digits, _ - . : ="};
      }
      c.name = it->value.get<std::string>();
      c.settings.erase(it);
      break;
    }
    if (c.name.empty()) return r.Fail(item, "a case needs a name");
    out.push_back(std::move(c));
  }
  return base::Ok{};
}

base::Status ReadTop(const Reader& r, const YAML::Node& root, Suite& suite) {
  bool has_name = false;
  auto status = EachKey(
      r, root, "a suite",
      [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) -> base::Status {
        if (key == "suite") {
          const std::string name = v.IsScalar() ? v.Scalar() : "";
          if (!base::IsPathSafeName(name)) {
            return r.Fail(v, "suite should be a name of letters, digits, '.', '_' and '-'");
          }
          suite.name = name;
          has_name = true;
          return base::Ok{};
        }
        if (key == "description") {
          auto text = ToJson(r, v);
          if (!text) return text.error();
          suite.description = text->is_string() ? text->get<std::string>() : text->dump();
          return base::Ok{};
        }
        if (key == "server") return ReadServer(r, v, suite.server);
        if (key == "defaults") return ReadSettings(r, v, "defaults", "", suite.defaults);
        if (key == "matrix") {
          suite.has_matrix = true;
          return ReadMatrix(r, v, suite.matrix);
        }
        if (key == "exclude") {
          if (!v.IsSequence()) return r.Fail(v, "exclude should be a list of maps");
          for (const auto& item : v) {
            Settings s;
            if (auto st = ReadSettings(r, item, "an exclude entry", "", s); !st) return st;
            suite.exclude.push_back(std::move(s));
          }
          return base::Ok{};
        }
        if (key == "cases") return ReadCases(r, v, suite.cases);
        if (key == "gates") {
          return EachKey(
              r, v, "gates",
              [&](const std::string& metric, const YAML::Node& gk, const YAML::Node& gv) {
                return ReadGate(r, metric, gk, gv, suite.gates);
              });
        }
        if (key == "labels") {
          return EachKey(r, v, "labels",
                         [&](const std::string& name, const YAML::Node&,
                             const YAML::Node& value) -> base::Status {
                           if (!value.IsScalar()) {
                             return r.Fail(value, "label " + name + " should be a plain value");
                           }
                           suite.labels[name] = value.Scalar();
                           return base::Ok{};
                         });
        }
        if (key == "repetitions") {
          auto n = ReadRepetitions(r, v);
          if (!n) return n.error();
          suite.repetitions = *n;
          return base::Ok{};
        }
        if (key == "timeout") {
          double seconds = 0;
          if (!v.IsScalar() || !base::ParseSeconds(v.Scalar(), &seconds)) {
            return r.Fail(
                v, "timeout should be a time span such as 90s, 10m or 1h (at most 10000000 s)");
          }
          suite.timeout_s = seconds;
          return base::Ok{};
        }
        return r.Fail(k, "unknown key '" + key +
                             "' (expected suite, description, server, defaults, matrix, exclude, "
                             "cases, gates, labels, repetitions or timeout)");
      });
  if (!status) return status;
  if (!has_name) return r.Fail(root, "the suite needs a name: suite: my-suite");
  return base::Ok{};
}

}  // namespace

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

std::string Place::Text() const {
  if (line == 0) return file;  // not a file's place: a flag as given
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

base::Expected<Suite> ParseSuite(const std::string& text, const std::string& path) {
  const Reader r{path};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    return base::MakeError(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                           std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  Suite suite;
  suite.file = path;
  suite.sha256 = Sha256Hex(text);
  try {
    if (auto s = ReadTop(r, root, suite); !s) return s.error();
  } catch (const YAML::Exception& e) {
    return base::MakeError(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                           std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  return suite;
}

base::Expected<Suite> LoadSuite(const std::string& path) {
  constexpr uintmax_t kMaxBytes = uintmax_t{16} << 20;
  std::error_code error;
  if (std::filesystem::exists(path, error) && !std::filesystem::is_regular_file(path, error))
    return base::MakeError(path + ": not a file; give a suite .yaml file");
  if (std::filesystem::file_size(path, error) > kMaxBytes && !error)
    return base::MakeError(path + ": a suite file is at most 16 MiB; this one is larger");
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::MakeError(path + ": cannot read the suite file (check the path)");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseSuite(text.str(), path);
}

}  // namespace servebench::suite
