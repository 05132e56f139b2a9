// Where --tokenizer SPEC points: a file, a model folder, or a Hugging Face name from the local
// cache (downloaded into it when the network allows).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "runner/base/download.h"
#include "runner/base/json.h"
#include "runner/tokenizers/hf_tokenizer.h"
#include "runner/tokenizers/sentencepiece_tokenizer.h"
#include "runner/tokenizers/tokenizer.h"

namespace servebench::tokenizers {
namespace {

namespace fs = std::filesystem;

constexpr const char* kForms =
    "give a tokenizer.json or sentencepiece .model file, a model folder holding either, or a "
    "Hugging Face name such as org/model";

// A model folder (the Hugging Face layout): its tokenizer.json, else its tokenizer.model.
base::Expected<std::string> InFolder(const std::string& spec, const fs::path& folder) {
  std::error_code error;
  for (const char* name : {"tokenizer.json", "tokenizer.model"}) {
    if (fs::is_regular_file(folder / name, error)) return (folder / name).string();
  }
  return base::MakeError("--tokenizer " + spec + ": " + folder.string() +
                         " holds neither tokenizer.json nor tokenizer.model (" + kForms + ")");
}

fs::path HubCache() {
  if (const char* hub = std::getenv("HF_HUB_CACHE"); hub && *hub) return hub;
  if (const char* home = std::getenv("HF_HOME"); home && *home) return fs::path(home) / "hub";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : ".") / ".cache" / "huggingface" / "hub";
}

// "" when the file is a JSON object (holding `key`, when given), else what it is instead.
std::string JsonObjectProblem(const fs::path& file, const std::string& key) {
  std::ifstream in(file);
  const auto json = base::ParseJson(in);
  if (!json.is_object()) return "the server sent something else than JSON (an error page?)";
  if (!key.empty() && !json.contains(key)) {
    return "the server sent JSON without \"" + key + "\": not a tokenizer.json";
  }
  return "";
}

// Downloads the name's tokenizer.json (and tokenizer_config.json, when there is one) into the
// cache's layout: snapshots/main, with refs/main naming it. "" or what went wrong.
std::string Download(const std::string& name, const fs::path& model) {
  const char* endpoint = std::getenv("HF_ENDPOINT");
  const std::string root =
      std::string(endpoint && *endpoint ? endpoint : "https://huggingface.co") + "/" + name +
      "/resolve/main/";
  std::error_code error;
  const fs::path snapshot = model / "snapshots" / "main";
  fs::create_directories(snapshot, error);
  fs::create_directories(model / "refs", error);
  if (error) return "cannot create " + snapshot.string() + ": " + error.message();
  // $HF_TOKEN, when set, is sent as a bearer token (gated models need it).
  base::DownloadOptions options;
  if (const char* token = std::getenv("HF_TOKEN"); token && *token) {
    options.headers.push_back(std::string("Authorization: Bearer ") + token);
  }
  options.check = [](const fs::path& file) { return JsonObjectProblem(file, "model"); };
  const std::string failed =
      base::DownloadFile(root + "tokenizer.json", snapshot / "tokenizer.json", options);
  if (!failed.empty()) {
    fs::remove(snapshot, error);  // only if empty: a later run looks again
    fs::remove(model / "snapshots", error);
    return root + "tokenizer.json: " + failed;
  }
  options.max_bytes = size_t{16} << 20;
  options.check = [](const fs::path& file) { return JsonObjectProblem(file, ""); };
  base::DownloadFile(root + "tokenizer_config.json", snapshot / "tokenizer_config.json",
                     options);  // optional
  std::ofstream(model / "refs" / "main") << "main";
  return "";
}

// A model name (org/name) in the local Hugging Face cache: the snapshot refs/main names, or
// the only one there; downloaded when missing.
base::Expected<std::string> InHubCache(const std::string& spec) {
  std::string flat = spec;
  flat.replace(flat.find('/'), 1, "--");  // org/name -> org--name
  const fs::path model = HubCache() / ("models--" + flat);
  std::error_code error;
  fs::path snapshot;
  if (std::ifstream ref(model / "refs" / "main"); ref) {
    std::string revision;
    std::getline(ref, revision);
    snapshot = model / "snapshots" / revision;
  } else if (fs::is_directory(model / "snapshots", error)) {
    for (const auto& e : fs::directory_iterator(model / "snapshots", error)) {
      if (e.is_directory() && (snapshot.empty() || e.path() < snapshot)) snapshot = e.path();
    }
  }
  if (!snapshot.empty() && fs::is_directory(snapshot, error)) return InFolder(spec, snapshot);
  const std::string failed = Download(spec, model);
  if (failed.empty()) return InFolder(spec, model / "snapshots" / "main");
  return base::MakeError(
      "--tokenizer " + spec + ": not in the Hugging Face cache (" + model.string() +
      ") and the download failed (" + failed + "); put the model's tokenizer.json in " +
      (model / "snapshots" / "main").string() + " (or run: huggingface-cli download " + spec +
      " tokenizer.json tokenizer_config.json), or give its path");
}

}  // namespace

base::Expected<std::string> LocateTokenizer(const std::string& spec) {
  std::error_code error;
  const fs::path path(spec);
  if (fs::is_directory(path, error)) return InFolder(spec, path);
  if (fs::is_regular_file(path, error)) return spec;
  const bool looks_like_name = std::count(spec.begin(), spec.end(), '/') == 1 && !spec.empty() &&
                               spec.front() != '/' && spec.front() != '.' && spec.back() != '/' &&
                               spec.find('-') != 0;
  if (looks_like_name) return InHubCache(spec);
  return base::MakeError("--tokenizer " + spec + ": no such file (" + kForms + ")");
}

base::Expected<std::shared_ptr<Tokenizer>> Tokenizer::Load(const std::string& spec) {
  auto located = LocateTokenizer(spec);
  if (!located) return located.error();
  if (fs::path(*located).extension() == ".json") return LoadHuggingFace(*located, spec);
  return LoadSentencePiece(*located, spec);
}

}  // namespace servebench::tokenizers
