// One HTTP GET into a file (libcurl), for the inputs servebench fetches once and caches:
// ShareGPT, Hugging Face tokenizers.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace servebench::base {

// Downloads url into path through a .part file (the folder is created), sending `headers`
// ("Name: value"); "" or what went wrong. Headers are never logged.
std::string DownloadFile(const std::string& url, const std::filesystem::path& path,
                         const std::vector<std::string>& headers = {});

}  // namespace servebench::base
