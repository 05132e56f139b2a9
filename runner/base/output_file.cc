#include "runner/base/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace servebench::base {

bool IsPathSafeName(std::string_view name) {
  if (name.empty() || name.find_first_not_of('.') == std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

namespace {

std::string Reason(const std::filesystem::path& path, const char* what, int error) {
  return path.string() + ": cannot " + what + " (" + std::strerror(error) + ")";
}

bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

AppendFile::AppendFile(const std::filesystem::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) Failed("create the file");
}

AppendFile::~AppendFile() { (void)Close(); }

void AppendFile::Failed(const char* what) {
  if (error_.empty()) error_ = Reason(path_, what, errno);
}

bool AppendFile::Write(std::string_view text) {
  if (fd_ < 0 || !error_.empty()) return false;
  if (!WriteAll(fd_, text)) {
    Failed("write");
    error_ += " after " + std::to_string(written_) + " bytes; those are kept";
  }
  written_ += text.size();
  return error_.empty();
}

Status AppendFile::Close() {
  if (fd_ >= 0) {
    if (::close(fd_) != 0) Failed("close");
    fd_ = -1;
  }
  if (!error_.empty()) return MakeError(error_);
  return Ok{};
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view text) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return MakeError(Reason(path, "create the file", errno));
  const bool written = WriteAll(fd, text);
  const int write_error = errno;
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    const int error = written ? errno : write_error;
    ::unlink(temporary.c_str());
    return MakeError(Reason(path, "write", error));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return MakeError(Reason(path, "rename into place", error));
  }
  return Ok{};
}

}  // namespace servebench::base
