// One HTTP GET into a file, for the inputs servebench fetches once and caches: ShareGPT, Hugging
// Face tokenizers. Bounded as every fetch is (http_fetch.h): a server that stops sending, a body
// past its cap and a signal each end it, and only a checked file takes its name in the cache.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace servebench::base {

struct DownloadOptions {
  std::vector<std::string> headers;  // "Name: value", never logged
  size_t max_bytes = size_t{256} << 20;
  double stall_s = 30;  // no byte for this long: the download failed
  // Reads the finished download before it is moved into place: "" or what is wrong (a 200 reply
  // of an HTML page must not be cached as the file, where every later run would find it).
  std::function<std::string(const std::filesystem::path&)> check;
};

// Downloads url into path through a .part file (the folder is created); "" or what went wrong.
std::string DownloadFile(const std::string& url, const std::filesystem::path& path,
                         const DownloadOptions& options = {});

}  // namespace servebench::base
