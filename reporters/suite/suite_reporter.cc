#include "reporters/suite/suite_reporter.h"

#include <map>

namespace servebench::reporters {
namespace {

std::map<std::string, ReporterFactory>& Registry() {
  static std::map<std::string, ReporterFactory> registry;
  return registry;
}

}  // namespace

bool RegisterSuiteReporter(const std::string& name, ReporterFactory factory) {
  Registry()[name] = std::move(factory);
  return true;
}

std::vector<std::unique_ptr<SuiteReporter>> MakeSuiteReporters() {
  std::vector<std::unique_ptr<SuiteReporter>> out;
  for (const auto& [name, factory] : Registry()) out.push_back(factory());
  return out;
}

}  // namespace servebench::reporters

namespace servebench::reporters {

std::unique_ptr<SuiteReporter> MakeSuiteReporter(const std::string& name) {
  const auto it = Registry().find(name);
  return it == Registry().end() ? nullptr : it->second();
}

}  // namespace servebench::reporters
