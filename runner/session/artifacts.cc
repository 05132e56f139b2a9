#include "runner/session/artifacts.h"

#include "runner/base/output_file.h"

namespace servebench::session {

namespace fs = std::filesystem;

std::string SafeName(std::string name) {
  for (char& c : name) {
    if (c == '/' || c == ':' || c == ' ') c = '_';
  }
  return name;
}

void Written::Add(const fs::path& file, const base::Status& status) {
  if (status) {
    files.push_back(file.string());
  } else {
    errors.push_back(status.error().message);
  }
}

void WriteExports(const fs::path& dir, const reporters::FinishedRun& run,
                  const reporters::ExportChoice& choice, Written& written) {
  for (const auto* exporter : reporters::RunExporters()) {
    for (const auto& file : exporter->Files(run, choice)) {
      const fs::path path = file.as_given ? file.path : dir / file.path;
      written.Add(path, base::WriteFileAtomically(path, file.text));
    }
  }
}

base::Expected<fs::path> FreshDirectory(const fs::path& wanted, const std::string& flag) {
  std::error_code error;
  if (fs::exists(wanted, error) && !fs::is_directory(wanted, error)) {
    return base::MakeError(flag + " " + wanted.string() +
                           " is a file, not a folder; give a folder for the results");
  }
  fs::path dir = wanted;
  for (int n = 2; fs::exists(dir, error); ++n) dir = wanted.string() + "-" + std::to_string(n);
  if (!fs::create_directories(dir, error) && error) {
    return base::MakeError(flag + " " + dir.string() + ": cannot create the folder (" +
                           error.message() + "); give a folder you can write to");
  }
  return dir;
}

}  // namespace servebench::session
