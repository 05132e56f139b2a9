#include "runner/inputs/tokenizer.h"

#include <sentencepiece_processor.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace servebench::inputs {

Tokenizer::Tokenizer() : processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {}
Tokenizer::~Tokenizer() = default;

namespace {

namespace fs = std::filesystem;

std::string NotReadable(const std::string& spec, const fs::path& json) {
  return "--tokenizer " + spec + ": " + json.string() +
         " is a Hugging Face tokenizer.json, which servebench cannot read yet; give the model's "
         "sentencepiece tokenizer.model, or leave --tokenizer out (ISL then comes from the "
         "server's usage)";
}

// A model folder (the Hugging Face layout): its tokenizer.model.
base::Expected<std::string> InFolder(const std::string& spec, const fs::path& folder) {
  std::error_code error;
  if (fs::is_regular_file(folder / "tokenizer.model", error)) {
    return (folder / "tokenizer.model").string();
  }
  if (fs::exists(folder / "tokenizer.json", error)) {
    return base::MakeError(NotReadable(spec, folder / "tokenizer.json"));
  }
  return base::MakeError("--tokenizer " + spec + ": " + folder.string() +
                         " holds no tokenizer.model (give the file, or a folder holding it)");
}

fs::path HubCache() {
  if (const char* hub = std::getenv("HF_HUB_CACHE"); hub && *hub) return hub;
  if (const char* home = std::getenv("HF_HOME"); home && *home) return fs::path(home) / "hub";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : ".") / ".cache" / "huggingface" / "hub";
}

// A model name (org/name) in the local Hugging Face cache: the snapshot refs/main names, or
// the only one there.
base::Expected<std::string> InHubCache(const std::string& spec) {
  std::string flat = spec;
  for (auto at = flat.find('/'); at != std::string::npos; at = flat.find('/', at + 2)) {
    flat.replace(at, 1, "--");
  }
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
  if (snapshot.empty() || !fs::is_directory(snapshot, error)) {
    return base::MakeError("--tokenizer " + spec +
                           ": no such file or folder, and not in the Hugging Face cache (" +
                           model.string() +
                           "); download the model's tokenizer.model there "
                           "(huggingface-cli download " +
                           spec + " tokenizer.model) or give its path");
  }
  return InFolder(spec, snapshot);
}

}  // namespace

base::Expected<std::string> LocateTokenizer(const std::string& spec) {
  std::error_code error;
  const fs::path path(spec);
  if (fs::is_directory(path, error)) return InFolder(spec, path);
  if (fs::is_regular_file(path, error)) {
    if (path.extension() == ".json") return base::MakeError(NotReadable(spec, path));
    return spec;
  }
  const bool looks_like_name =
      std::count(spec.begin(), spec.end(), '/') == 1 && spec.front() != '/' && spec.front() != '.';
  if (looks_like_name) return InHubCache(spec);
  return base::MakeError("--tokenizer " + spec +
                         ": no such file (give a sentencepiece .model file, a model folder "
                         "holding tokenizer.model, or a Hugging Face name such as org/model)");
}

base::Expected<std::shared_ptr<Tokenizer>> Tokenizer::Load(const std::string& spec) {
  auto located = LocateTokenizer(spec);
  if (!located) return located.error();
  const std::string& path = *located;
  std::shared_ptr<Tokenizer> tokenizer(new Tokenizer());
  if (const auto status = tokenizer->processor_->Load(path); !status.ok()) {
    return base::MakeError("--tokenizer " + spec + ": " + status.ToString() +
                           " (give a sentencepiece .model file)");
  }
  return tokenizer;
}

std::vector<int> Tokenizer::Encode(std::string_view text) const {
  std::vector<int> ids;
  processor_->Encode(text, &ids).IgnoreError();
  return ids;
}

std::string Tokenizer::Decode(const std::vector<int>& ids) const {
  std::string text;
  processor_->Decode(ids, &text).IgnoreError();
  return text;
}

std::vector<int> Tokenizer::WholeWordIds() const {
  std::vector<int> ids;
  const std::string_view word_start = "\xe2\x96\x81";  // U+2581, sentencepiece's space
  for (int id = 0; id < processor_->GetPieceSize(); ++id) {
    const std::string& piece = processor_->IdToPiece(id);
    if (processor_->IsControl(id) || processor_->IsUnknown(id) ||
        piece.size() <= word_start.size() || piece.compare(0, 3, word_start) != 0) {
      continue;
    }
    if (Encode(piece.substr(word_start.size())) == std::vector<int>{id}) ids.push_back(id);
  }
  return ids;
}

}  // namespace servebench::inputs
