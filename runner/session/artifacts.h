// Where a run's files go and how their writing is accounted for: a fresh folder that never
// overwrites an earlier run, every exporter's files, and which were written or failed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "reporters/profile_export/run_exporter.h"
#include "runner/base/expected.h"

namespace servebench::session {

// A name made safe as one folder name: '/', ':' and ' ' become '_'.
std::string SafeName(std::string name);

// Notes which files were written completely and which failed ("PATH: reason").
struct Written {
  std::vector<std::string>& files;
  std::vector<std::string>& errors;
  void Add(const std::filesystem::path& file, const base::Status& status);
};
// Every file the run's exporters write (reporters::RunExporters()), into dir.
void WriteExports(const std::filesystem::path& dir, const reporters::FinishedRun& run,
                  const reporters::ExportChoice& choice, Written& written);
// A new directory for a run's results: the one wanted, or a numbered sibling when it exists, so
// an earlier run is never overwritten. `flag` names where the path came from, for the error.
base::Expected<std::filesystem::path> FreshDirectory(const std::filesystem::path& wanted,
                                                     const std::string& flag);

}  // namespace servebench::session
