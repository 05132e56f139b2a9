#include "runner/base/flags.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace servebench::base {

bool ParseInt(const std::string& text, int64_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = v;
  return true;
}

bool ParseDouble(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

bool ParseSeconds(const std::string& text, double* out) {
  static const std::vector<std::pair<char, double>> kUnits = {{'s', 1}, {'m', 60}, {'h', 3600}};
  double v = 0;
  if (!ParseDouble(text, &v)) {
    const auto unit = std::find_if(kUnits.begin(), kUnits.end(), [&](const auto& u) {
      return !text.empty() && text.back() == u.first;
    });
    if (unit == kUnits.end() || !ParseDouble(text.substr(0, text.size() - 1), &v)) return false;
    v *= unit->second;
  }
  if (!(v > 0 && v <= kMaxSeconds)) return false;
  *out = v;
  return true;
}

std::string NumberText(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

bool ParseBool(const std::string& text, bool* out) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") {
    *out = true;
  } else if (text == "false" || text == "0" || text == "no" || text == "off") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

void FlagSet::Bool(const std::string& name, bool* target, std::string help) {
  flags_.push_back({name, std::move(help), false,
                    [target](const std::string& v) -> std::string {
                      if (v.empty()) {
                        *target = true;
                        return "";
                      }
                      return ParseBool(v, target) ? "" : "expected true or false, got '" + v + "'";
                    },
                    [target] { return nlohmann::json(*target); }});
}

void FlagSet::Int(const std::string& name, int64_t* target, std::string help) {
  flags_.push_back({name, std::move(help), true,
                    [target](const std::string& v) -> std::string {
                      return ParseInt(v, target) ? "" : "expected a whole number, got '" + v + "'";
                    },
                    [target] { return nlohmann::json(*target); }});
}

void FlagSet::Int(const std::string& name, int64_t* target, std::string help, int64_t min,
                  int64_t max) {
  flags_.push_back({name, std::move(help), true,
                    [=](const std::string& v) -> std::string {
                      int64_t n = 0;
                      if (!ParseInt(v, &n) || n < min || n > max) {
                        return "expected a whole number from " + std::to_string(min) + " to " +
                               std::to_string(max) + ", got '" + v + "'";
                      }
                      *target = n;
                      return "";
                    },
                    [target] { return nlohmann::json(*target); }});
}

void FlagSet::Double(const std::string& name, double* target, std::string help, double min,
                     bool min_inclusive, double max) {
  flags_.push_back({name, std::move(help), true,
                    [=](const std::string& v) -> std::string {
                      double d = 0;
                      if (!ParseDouble(v, &d) || !(min_inclusive ? d >= min : d > min) || d > max) {
                        return "expected a number " + std::string(min_inclusive ? ">= " : "> ") +
                               NumberText(min) + " and <= " + NumberText(max) + ", got '" + v + "'";
                      }
                      *target = d;
                      return "";
                    },
                    [target] { return nlohmann::json(*target); }});
}

void FlagSet::Double(const std::string& name, double* target, std::string help) {
  flags_.push_back({name, std::move(help), true,
                    [target](const std::string& v) -> std::string {
                      return ParseDouble(v, target) ? "" : "expected a number, got '" + v + "'";
                    },
                    [target] { return nlohmann::json(*target); }});
}

void FlagSet::String(const std::string& name, std::string* target, std::string help) {
  flags_.push_back({name, std::move(help), true,
                    [target](const std::string& v) -> std::string {
                      *target = v;
                      return "";
                    },
                    [target] { return nlohmann::json(*target); }});
}

void FlagSet::StringList(const std::string& name, std::vector<std::string>* target,
                         std::string help) {
  flags_.push_back({name, std::move(help), true,
                    [target](const std::string& v) -> std::string {
                      target->push_back(v);
                      return "";
                    },
                    [target] { return nlohmann::json(*target); }, kList});
}

void FlagSet::Custom(const std::string& name, std::function<std::string(const std::string&)> apply,
                     std::string help, bool takes_value, std::function<nlohmann::json()> value) {
  flags_.push_back({name, std::move(help), takes_value, std::move(apply), std::move(value)});
}

void FlagSet::Alias(const std::string& alias, const std::string& name) {
  aliases_.emplace_back(alias, name);
}

const FlagSet::Flag* FlagSet::Find(const std::string& name) const {
  std::string canonical = name;
  for (const auto& [alias, target] : aliases_) {
    if (alias == name) canonical = target;
  }
  for (const auto& f : flags_) {
    if (f.name == canonical) return &f;
  }
  return nullptr;
}

FlagSet::Flag* FlagSet::Find(const std::string& name) {
  return const_cast<Flag*>(std::as_const(*this).Find(name));
}

void FlagSet::Mark(const std::string& name, unsigned traits) {
  if (Flag* flag = Find(name)) flag->traits |= traits;
}

bool FlagSet::Is(const std::string& name, Trait trait) const {
  const Flag* flag = Find(name);
  return flag != nullptr && (flag->traits & trait) != 0;
}

std::vector<std::string> FlagSet::Names() const {
  std::vector<std::string> names;
  for (const auto& f : flags_) names.push_back(f.name);
  return names;
}

std::string FlagSet::Help(const std::string& name) const {
  const Flag* flag = Find(name);
  return flag == nullptr ? "" : flag->help;
}

Expected<std::vector<std::string>> FlagSet::Parse(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-' || arg == "--") {
      positional.push_back(arg);
      continue;
    }
    std::string name = arg;
    std::string value;
    bool has_inline_value = false;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_inline_value = true;
    }
    Flag* flag = Find(name);
    if (flag == nullptr) {
      return MakeError(command_ + ": unknown flag " + name + " (see 'servebench " + command_ +
                       " --help')");
    }
    if (flag->takes_value && !has_inline_value) {
      if (i + 1 >= args.size()) return MakeError(command_ + ": " + name + " needs a value");
      value = args[++i];
    }
    if (std::string problem = flag->apply(value); !problem.empty()) {
      return MakeError(command_ + ": " + name + ": " + problem);
    }
    set_.push_back(flag->name);
    given_.emplace_back(flag->name, value);
  }
  return positional;
}

bool FlagSet::Has(const std::string& name) const { return Find(name) != nullptr; }

bool FlagSet::WasSet(const std::string& name) const {
  return std::find(set_.begin(), set_.end(), name) != set_.end();
}

std::string FlagSet::Usage() const {
  std::string out = "usage: servebench " + command_ + " [flags]\n";
  for (const auto& f : flags_) {
    std::string left = "  " + f.name + (f.takes_value ? " VALUE" : "");
    if (left.size() < 36) left.resize(36, ' ');
    out += left + " " + f.help + "\n";
  }
  return out;
}

std::string FlagSet::ConfigKey(const std::string& flag) {
  std::string key = flag.substr(flag.find_first_not_of('-'));
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

nlohmann::json FlagSet::Values() const {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& f : flags_) values[ConfigKey(f.name)] = f.value ? f.value() : nullptr;
  return values;
}

}  // namespace servebench::base
