#include "runner/tokenizers/server_tokenizer.h"

#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_map>

#include "runner/base/json.h"

namespace servebench::tokenizers {
namespace {

using Json = nlohmann::json;

// Common English words: the candidates for whole-word tokens (the server's vocabulary cannot
// be listed).
constexpr const char* kWords[] = {
    "the",     "of",      "and",      "to",     "in",      "is",      "that",     "for",
    "it",      "as",      "was",      "with",   "be",      "by",      "on",       "not",
    "he",      "this",    "are",      "or",     "his",     "from",    "at",       "which",
    "but",     "have",    "an",       "had",    "they",    "you",     "were",     "their",
    "one",     "all",     "we",       "can",    "her",     "has",     "there",    "been",
    "if",      "more",    "when",     "will",   "would",   "who",     "so",       "no",
    "time",    "people",  "year",     "way",    "day",     "man",     "thing",    "woman",
    "life",    "child",   "world",    "school", "state",   "family",  "student",  "group",
    "country", "problem", "hand",     "part",   "place",   "case",    "week",     "company",
    "system",  "program", "question", "work",   "number",  "night",   "point",    "home",
    "water",   "room",    "mother",   "area",   "money",   "story",   "fact",     "month",
    "lot",     "right",   "study",    "book",   "eye",     "job",     "word",     "business",
    "issue",   "side",    "kind",     "head",   "house",   "service", "friend",   "father",
    "power",   "hour",    "game",     "line",   "end",     "member",  "law",      "car",
    "city",    "name",    "team",     "minute", "idea",    "body",    "back",     "parent",
    "face",    "others",  "level",    "office", "door",    "health",  "person",   "art",
    "war",     "history", "party",    "result", "change",  "morning", "reason",   "research",
    "girl",    "guy",     "moment",   "air",    "teacher", "force",   "education"};

// A reply body as a short excerpt on one line (an error message is one line).
std::string Excerpt(const std::string& body) {
  std::string line;
  for (char c : body.substr(0, 200)) {
    const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (!(space && (line.empty() || line.back() == ' '))) line += space ? ' ' : c;
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

// scheme://host:port of a base URL (the /v1 path and anything after it dropped).
std::string Root(const std::string& url) {
  const size_t host = url.find("://");
  const size_t path = url.find('/', host == std::string::npos ? 0 : host + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

class ServerTokenizer : public Tokenizer {
 public:
  explicit ServerTokenizer(ServerTokenizerOptions o) : o_(std::move(o)), root_(Root(o_.url)) {}

  // One POST; the parsed answer or what went wrong.
  base::Expected<Json> Post(const std::string& path, const Json& body) const {
    const std::string url = root_ + path, payload = body.dump();
    std::string answer;
    const base::HttpResult r = base::HttpRequest(url, o_.http, &payload, &answer);
    if (!r.error.empty()) return base::MakeError(url + ": " + r.error);
    if (r.status != 200) {
      return base::MakeError(url + " answered HTTP " + std::to_string(r.status) + ": " +
                             Excerpt(answer));
    }
    Json json = base::ParseJson<Json>(answer);
    if (json.is_discarded()) return base::MakeError(url + " answered no JSON: " + Excerpt(answer));
    return json;
  }

  base::Expected<std::vector<int>> TryEncode(std::string_view text) const {
    {
      std::lock_guard lock(mutex_);
      if (const auto hit = encoded_.find(text); hit != encoded_.end()) return hit->second;
    }
    auto answer =
        Post("/tokenize",
             {{"model", o_.model}, {"prompt", std::string(text)}, {"add_special_tokens", false}});
    if (!answer) return answer.error();
    const Json tokens = answer->value("tokens", Json());
    if (!tokens.is_array() || !std::all_of(tokens.begin(), tokens.end(),
                                           [](const Json& t) { return t.is_number_integer(); })) {
      return base::MakeError(root_ + "/tokenize answered without a \"tokens\" list of ids");
    }
    std::vector<int> ids = tokens.get<std::vector<int>>();
    std::lock_guard lock(mutex_);
    encoded_.emplace(std::string(text), ids);
    return ids;
  }

  std::vector<int> Encode(std::string_view text) const override {
    auto ids = TryEncode(text);
    if (!ids) throw std::runtime_error("--tokenizer server: " + ids.error().message);
    return *ids;
  }

  std::string Decode(const std::vector<int>& ids) const override {
    const std::string key(reinterpret_cast<const char*>(ids.data()), ids.size() * sizeof(int));
    {
      std::lock_guard lock(mutex_);
      if (const auto hit = decoded_.find(key); hit != decoded_.end()) return hit->second;
    }
    auto answer = Post("/detokenize", {{"model", o_.model}, {"tokens", ids}});
    if (!answer || !answer->contains("prompt") || !(*answer)["prompt"].is_string()) {
      throw std::runtime_error(
          "--tokenizer server: " +
          (answer ? root_ + "/detokenize answered without a \"prompt\"" : answer.error().message));
    }
    std::string text = (*answer)["prompt"].get<std::string>();
    std::lock_guard lock(mutex_);
    decoded_.emplace(key, text);
    return text;
  }

  std::vector<int> WholeWordIds() const override {
    std::vector<int> ids;
    for (const char* word : kWords) {
      const std::string mid = std::string(" ") + word;
      const std::string first = ImpliesLeadingSpace() ? std::string(word) : mid;
      const std::vector<int> two = Encode(first + mid);
      if (two.size() != 2 || two[0] != two[1]) continue;
      ids.push_back(two[0]);
      std::lock_guard lock(mutex_);
      words_[two[0]] = mid;
    }
    return ids;
  }

  std::string WordText(int id) const override {
    {
      std::lock_guard lock(mutex_);
      if (const auto it = words_.find(id); it != words_.end()) return it->second;
    }
    return " " + Decode({id});
  }

  // "hello hello" is the same token twice only when the first word gains the space the second
  // has (sentencepiece-style); byte-level tokenizers give "hello" and " hello".
  bool ImpliesLeadingSpace() const override {
    const std::vector<int> ids = Encode("hello hello");
    return ids.size() == 2 && ids[0] == ids[1];
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  ServerTokenizerOptions o_;
  std::string root_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, std::vector<int>, Hash, std::equal_to<>> encoded_;
  mutable std::unordered_map<std::string, std::string> decoded_;
  mutable std::unordered_map<int, std::string> words_;
};

}  // namespace

base::Expected<std::shared_ptr<Tokenizer>> MakeServerTokenizer(const ServerTokenizerOptions& o) {
  auto tokenizer = std::make_shared<ServerTokenizer>(o);
  if (auto probe = tokenizer->TryEncode("hello"); !probe) {
    return base::MakeError("--tokenizer server: " + probe.error().message +
                           " (the server must serve /tokenize and /detokenize, as vLLM and "
                           "SGLang do; otherwise give a local tokenizer file or folder)");
  }
  return std::shared_ptr<Tokenizer>(tokenizer);
}

}  // namespace servebench::tokenizers
