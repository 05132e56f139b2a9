#include "reporters/suite/suite_reporter.h"

#include <algorithm>
#include <map>

#include "runner/base/output_file.h"

namespace servebench::reporters {
namespace {

struct Entry {
  ReporterRole role;
  ReporterFactory make;
};

std::map<std::string, Entry>& Registry() {
  static std::map<std::string, Entry> registry;
  return registry;
}

}  // namespace

void SuiteReporter::Save(const std::filesystem::path& file, const std::string& text) {
  if (auto saved = base::WriteFileAtomically(file, text); !saved) {
    const std::string& error = saved.error().message;
    if (std::find(write_errors_.begin(), write_errors_.end(), error) == write_errors_.end())
      write_errors_.push_back(error);
  }
}

bool RegisterSuiteReporter(const std::string& name, ReporterRole role, ReporterFactory factory) {
  Registry()[name] = {role, std::move(factory)};
  return true;
}

std::vector<std::unique_ptr<SuiteReporter>> MakeSuiteReporters(
    const std::set<ReporterRole>& roles, const std::set<std::string>& except) {
  std::vector<std::unique_ptr<SuiteReporter>> out;
  for (const auto& [name, entry] : Registry()) {
    if (roles.count(entry.role) && !except.count(name)) out.push_back(entry.make());
  }
  return out;
}

}  // namespace servebench::reporters

namespace servebench::reporters {

std::unique_ptr<SuiteReporter> MakeSuiteReporter(const std::string& name) {
  const auto it = Registry().find(name);
  return it == Registry().end() ? nullptr : it->second.make();
}

}  // namespace servebench::reporters
