#include "runner/base/download.h"

#include <curl/curl.h>

#include <cstdio>

namespace servebench::base {
namespace {

namespace fs = std::filesystem;

size_t WriteTo(char* data, size_t size, size_t count, void* file) {
  return std::fwrite(data, size, count, static_cast<FILE*>(file)) * size;
}

}  // namespace

std::string DownloadFile(const std::string& url, const fs::path& path,
                         const std::vector<std::string>& headers) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  const fs::path part = path.string() + ".part";
  FILE* file = std::fopen(part.c_str(), "wb");
  if (file == nullptr) return "cannot write " + part.string();
  CURL* curl = curl_easy_init();
  curl_slist* header_list = nullptr;
  for (const auto& h : headers) header_list = curl_slist_append(header_list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteTo);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, file);
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(header_list);
  curl_easy_cleanup(curl);
  const bool closed = std::fclose(file) == 0;
  if (code != CURLE_OK || !closed) {
    fs::remove(part, error);
    return code != CURLE_OK ? curl_easy_strerror(code) : "cannot write " + part.string();
  }
  fs::rename(part, path, error);
  return error ? "cannot move the download into " + path.string() : "";
}

}  // namespace servebench::base
