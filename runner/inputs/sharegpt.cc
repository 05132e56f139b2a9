#include "runner/inputs/sharegpt.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runner/base/download.h"
#include "runner/base/json.h"

namespace servebench::inputs {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kFileName = "ShareGPT_V3_unfiltered_cleaned_split.json";
constexpr const char* kUrl =
    "https://huggingface.co/datasets/anon8231489123/ShareGPT_Vicuna_unfiltered/resolve/main/"
    "ShareGPT_V3_unfiltered_cleaned_split.json";

int64_t Tokens(const Tokenizer* tokenizer, const std::string& text) {
  return tokenizer ? tokenizer->Count(text) : static_cast<int64_t>((text.size() + 3) / 4);
}

// vLLM's rule for a (prompt, output) pair.
bool Keeps(int64_t prompt, int64_t output, bool output_fixed) {
  if (prompt < 4 || (!output_fixed && output < 4)) return false;
  return prompt <= 1024 && prompt + output <= 2048;
}

fs::path CacheFolder() {
  if (const char* dir = std::getenv("SERVEBENCH_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return fs::path(xdg) / "servebench";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : ".") / ".cache" / "servebench";
}

}  // namespace

base::Expected<std::vector<Conversation>> ReadShareGpt(const std::string& path,
                                                       const Tokenizer* tokenizer, int64_t osl) {
  std::ifstream in(path);
  if (!in) return base::MakeError("--dataset-path " + path + ": cannot read the file");
  const Json all = base::ParseJson<Json>(in);
  if (all.is_discarded() || !all.is_array()) {
    return base::MakeError("--dataset-path " + path +
                           ": not ShareGPT's format (a JSON list of {\"conversations\": [...]})");
  }
  std::vector<Conversation> out;
  for (size_t i = 0; i < all.size(); ++i) {
    const Json& entry = all[i];
    const auto turns = entry.is_object() ? entry.find("conversations") : entry.end();
    if (!entry.is_object() || turns == entry.end() || !turns->is_array()) {
      return base::MakeError("--dataset-path " + path + ": entry " + std::to_string(i) +
                             " has no \"conversations\" list");
    }
    if (turns->size() < 2) continue;  // vLLM keeps conversations of two messages or more
    const Json& first = (*turns)[0];
    const Json& second = (*turns)[1];
    if (!first.is_object() || !second.is_object() || !first.contains("value") ||
        !second.contains("value") || !first["value"].is_string() || !second["value"].is_string()) {
      return base::MakeError("--dataset-path " + path + ": entry " + std::to_string(i) +
                             ": a message without a string \"value\"");
    }
    const std::string prompt = first["value"];
    const int64_t prompt_tokens = Tokens(tokenizer, prompt);
    const int64_t output = osl > 0 ? osl : Tokens(tokenizer, second["value"]);
    if (!Keeps(prompt_tokens, output, osl > 0)) continue;
    Turn turn;
    turn.texts = {prompt};
    turn.input_tokens = tokenizer ? prompt_tokens : -1;
    turn.max_tokens = output;
    std::string id = entry.contains("id") && entry["id"].is_string()
                         ? entry["id"].get<std::string>()
                         : std::to_string(i);
    out.push_back({std::move(id), "", {std::move(turn)}, ""});
  }
  if (out.empty()) {
    return base::MakeError("--dataset-path " + path +
                           ": no conversation passes the length filters (prompt 4 to 1024 "
                           "tokens, completion at least 4, 2048 in all)");
  }
  return out;
}

base::Expected<std::string> LocateShareGpt(const std::string& dataset_path, std::string* note) {
  if (!dataset_path.empty()) {
    *note = "ShareGPT from " + dataset_path;
    return dataset_path;
  }
  const fs::path cached = CacheFolder() / "sharegpt" / kFileName;
  std::error_code error;
  if (fs::is_regular_file(cached, error)) {
    *note = "ShareGPT from the cache: " + cached.string();
    return cached.string();
  }
  const char* mirror = std::getenv("SERVEBENCH_SHAREGPT_URL");
  const std::string url = mirror && *mirror ? mirror : kUrl;
  base::DownloadOptions options;
  options.max_bytes = size_t{2} << 30;  // the V3 file is 0.7 GB
  options.check = [](const fs::path& file) -> std::string {
    std::ifstream in(file);
    char first = 0;
    in >> first;  // skips white space
    return first == '[' ? "" : "the server sent something else than a JSON list (an error page?)";
  };
  if (const std::string failed = base::DownloadFile(url, cached, options); !failed.empty()) {
    return base::MakeError("--public-dataset sharegpt: cannot download " + url + " (" + failed +
                           "); download " + kFileName +
                           " elsewhere and give it with "
                           "--dataset-path FILE, or put it in " +
                           cached.parent_path().string());
  }
  *note = "ShareGPT downloaded from " + url + " into " + cached.string();
  return cached.string();
}

}  // namespace servebench::inputs
