// Files whose every write is checked. A full disk or a closed pipe is an error that names the
// file, never a silently empty result.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "runner/base/expected.h"

namespace servebench::base {

// A name that stands as one path component and stays in its folder: [A-Za-z0-9._-]+, and not
// "." or "..". Names that become file names (suites, baselines) are checked with it.
bool IsPathSafeName(std::string_view name);

// A file written piece by piece (the per-request JSONL, the log). The first failure is kept;
// later writes are skipped, and Close reports it.
class AppendFile {
 public:
  AppendFile() = default;
  explicit AppendFile(const std::filesystem::path& path);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  // Writes all of text now (no buffering: a crash loses nothing already written).
  bool Write(std::string_view text);
  Status Close();
  bool ok() const { return error_.empty(); }
  const std::filesystem::path& path() const { return path_; }
  // "PATH: reason", or empty.
  const std::string& error() const { return error_; }

 private:
  void Failed(const char* what);

  std::filesystem::path path_;
  int fd_ = -1;
  size_t written_ = 0;
  std::string error_;
};

// Writes a whole file through a temporary sibling and a rename, so a reader (or an interrupted
// run) sees either the previous complete file or the new one, never a partial one.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view text);

}  // namespace servebench::base
