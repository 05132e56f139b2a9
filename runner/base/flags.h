// A small command-line flag parser: each flag is bound to a variable, errors name the flag and
// what it takes. Used by every subcommand.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runner/base/expected.h"

namespace servebench::base {

class FlagSet {
 public:
  explicit FlagSet(std::string command) : command_(std::move(command)) {}

  void Bool(const std::string& name, bool* target, std::string help);
  void Int(const std::string& name, int64_t* target, std::string help);
  // A whole number that must lie in [min, max]: 0 is refused where it is out of range, never
  // read as "not set".
  void Int(const std::string& name, int64_t* target, std::string help, int64_t min, int64_t max);
  void Double(const std::string& name, double* target, std::string help);
  // A number that must be > min (or >= min when min_inclusive) and <= max.
  void Double(const std::string& name, double* target, std::string help, double min,
              bool min_inclusive, double max);
  void String(const std::string& name, std::string* target, std::string help);
  void StringList(const std::string& name, std::vector<std::string>* target, std::string help);
  // A flag whose value is checked and stored by the caller; the callback returns an error text,
  // and `value` gives what Values() records for it (null when not given).
  void Custom(const std::string& name, std::function<std::string(const std::string&)> apply,
              std::string help, bool takes_value = true,
              std::function<nlohmann::json()> value = {});
  // A second spelling for an existing flag (e.g. "-H" for "--header").
  void Alias(const std::string& alias, const std::string& name);

  // What a flag is besides its value. kSecret: its value is never written (redacted in every
  // recorded configuration, command line and suite fingerprint). kServer: it describes the server
  // under test, not the measurement (a case's comparison with its baseline leaves it out). kList:
  // it may be given many times (StringList flags are lists already).
  enum Trait : unsigned { kSecret = 1, kServer = 2, kList = 4 };
  void Mark(const std::string& name, unsigned traits);
  bool Is(const std::string& name, Trait trait) const;  // a flag or an alias of one
  // Every flag's name, in the order of registration, and its help.
  std::vector<std::string> Names() const;
  std::string Help(const std::string& name) const;

  // Parses args (without the program and command names); returns the positional arguments.
  Expected<std::vector<std::string>> Parse(const std::vector<std::string>& args);
  bool WasSet(const std::string& name) const;
  // What Parse applied, in order: each flag by its own name (not an alias) with its value as
  // given ("" for a flag without one).
  const std::vector<std::pair<std::string, std::string>>& Given() const { return given_; }
  bool Has(const std::string& name) const;  // a flag or an alias of one
  std::string Usage() const;
  // Every flag's current value, keyed by its name as a config key ("--max-tokens-field" is
  // max_tokens_field): the recorded configuration is made from the same
  // table as the flags, so no flag can be missing from it.
  nlohmann::json Values() const;
  static std::string ConfigKey(const std::string& flag);

 private:
  struct Flag {
    std::string name;
    std::string help;
    bool takes_value;
    std::function<std::string(const std::string&)> apply;
    std::function<nlohmann::json()> value;
    unsigned traits = 0;
  };
  Flag* Find(const std::string& name);
  const Flag* Find(const std::string& name) const;

  std::string command_;
  std::vector<Flag> flags_;
  std::vector<std::pair<std::string, std::string>> aliases_;
  std::vector<std::string> set_;
  std::vector<std::pair<std::string, std::string>> given_;
};

// Parsers shared by flags and config files; each returns false when the text is not a value.
bool ParseInt(const std::string& text, int64_t* out);
bool ParseDouble(const std::string& text, double* out);
bool ParseBool(const std::string& text, bool* out);
// The longest time span any flag or suite key takes (116 days): past it a span would not fit the
// clock's int64 nanoseconds once added to a time, and no benchmark runs that long.
inline constexpr double kMaxSeconds = 1e7;
// A time span in (0, kMaxSeconds] seconds: 90, 90s, 1.5m, 2h.
bool ParseSeconds(const std::string& text, double* out);
// A number as a person writes it: 2.5, 10 (no trailing zeros).
std::string NumberText(double v);

}  // namespace servebench::base
