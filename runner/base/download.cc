#include "runner/base/download.h"

#include <cstdio>

#include "runner/base/http_fetch.h"
#include "runner/base/stop.h"

namespace servebench::base {

namespace fs = std::filesystem;

std::string DownloadFile(const std::string& url, const fs::path& path,
                         const DownloadOptions& options) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  const fs::path part = path.string() + ".part";
  FILE* file = std::fopen(part.c_str(), "wb");
  if (file == nullptr) return "cannot write " + part.string();
  HttpOptions http;
  http.headers = options.headers;
  http.timeout_s = 0;  // a big file on a slow link may take long; a stalled one may not
  http.stall_s = options.stall_s;
  http.max_body_bytes = options.max_bytes;
  http.follow_redirects = true;
  http.stop = &StopSignals();
  bool written = true;
  const HttpResult r = HttpRequest(url, http, nullptr, [&](std::string_view bytes) {
    written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
    return written;
  });
  const bool closed = std::fclose(file) == 0;
  std::string failed = !r.error.empty()           ? r.error
                       : !written || !closed      ? "cannot write " + part.string()
                       : r.status != 200          ? "HTTP " + std::to_string(r.status)
                       : options.check == nullptr ? ""
                                                  : options.check(part);
  if (!failed.empty()) {
    fs::remove(part, error);
    return failed;
  }
  fs::rename(part, path, error);
  return error ? "cannot move the download into " + path.string() : "";
}

}  // namespace servebench::base
