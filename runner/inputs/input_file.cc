#include "runner/inputs/input_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <unordered_map>

#include "runner/base/json.h"
#include "runner/base/stop.h"
#include "runner/inputs/hash_prompts.h"

namespace servebench::inputs {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// A field's problem, without its place (the caller adds FILE:LINE).
using Problem = std::string;

Problem UnknownKeys(const Json& o, const std::set<std::string>& known) {
  for (const auto& [key, value] : o.items()) {
    if (!known.count(key)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return "unknown field '" + key + "' (this type reads " + list + ")";
    }
  }
  return "";
}

// Beyond the longest context windows served today: a larger length is a broken file.
constexpr int64_t kMaxTokens = 2'000'000;

// A token count in [1, kMaxTokens] at o[key], or the problem.
Problem ReadCount(const Json& o, const char* key, int64_t* out) {
  const Json& v = o[key];
  if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > kMaxTokens) {
    return std::string(key) + " should be a whole number from 1 to " + std::to_string(kMaxTokens) +
           ", got " + v.dump();
  }
  *out = v.get<int64_t>();
  return "";
}

// Milliseconds in [0, kMaxTimeMs] at o[key].
Problem ReadMs(const Json& o, const char* key, double* out) {
  const Json& v = o[key];
  if (!v.is_number() || v.get<double>() < 0) {
    return std::string(key) + " should be a number of milliseconds >= 0, got " + v.dump();
  }
  if (v.get<double>() > kMaxTimeMs) {
    return std::string(key) + " " + v.dump() + " is out of range (at most 4e12 ms)";
  }
  *out = v.get<double>();
  return "";
}

Problem ReadTiming(const Json& o, Turn& turn) {
  if (o.contains("timestamp") && o.contains("delay")) {
    return "give timestamp or delay, not both (timestamp: when the trace sent it; delay: the "
           "wait after the previous request)";
  }
  if (o.contains("timestamp")) return ReadMs(o, "timestamp", &turn.timestamp_ms);
  if (o.contains("delay")) return ReadMs(o, "delay", &turn.delay_ms);
  return "";
}

const std::set<std::string> kSingleTurnKeys = {"text",  "texts",     "role",  "output_length",
                                               "extra", "timestamp", "delay", "type"};

Problem ReadSingleTurn(const Json& o, Turn& turn) {
  if (!o.is_object()) return "expected a JSON object, got " + std::string(o.type_name());
  if (auto p = UnknownKeys(o, kSingleTurnKeys); !p.empty()) return p;
  if (o.contains("text") == o.contains("texts")) return "give text or texts (one of them)";
  if (o.contains("text")) {
    if (!o["text"].is_string() || o["text"].get<std::string>().empty()) {
      return "text should be a non-empty string";
    }
    turn.texts = {o["text"].get<std::string>()};
  } else {
    const Json& texts = o["texts"];
    if (!texts.is_array() || texts.empty()) return "texts should be a non-empty list of strings";
    for (const auto& t : texts) {
      if (!t.is_string() || t.get<std::string>().empty()) {
        return "texts should hold non-empty strings, got " + t.dump();
      }
      turn.texts.push_back(t.get<std::string>());
    }
  }
  if (o.contains("role")) {
    if (!o["role"].is_string() || o["role"].get<std::string>().empty()) {
      return "role should be a string such as user or system";
    }
    turn.role = o["role"].get<std::string>();
  }
  if (o.contains("output_length")) {
    if (auto p = ReadCount(o, "output_length", &turn.max_tokens); !p.empty()) return p;
  }
  if (o.contains("extra")) {
    if (!o["extra"].is_object()) return "extra should be an object of request fields";
    turn.extra = o["extra"];
  }
  return ReadTiming(o, turn);
}

Problem ReadSessionId(const Json& o, std::string* id) {
  if (!o.contains("session_id")) return "";
  const Json& v = o["session_id"];
  if (v.is_string() && !v.get<std::string>().empty()) {
    *id = v.get<std::string>();
  } else if (v.is_number_integer()) {
    *id = std::to_string(v.get<int64_t>());
  } else {
    return "session_id should be a string or a whole number";
  }
  return "";
}

Problem ReadMultiTurn(const Json& o, Conversation& c) {
  if (auto p = UnknownKeys(o, {"session_id", "turns", "type"}); !p.empty()) return p;
  if (auto p = ReadSessionId(o, &c.session_id); !p.empty()) return p;
  if (!o.contains("turns") || !o["turns"].is_array() || o["turns"].empty()) {
    return "turns should be a non-empty list of turn objects";
  }
  const Json& turns = o["turns"];
  for (size_t i = 0; i < turns.size(); ++i) {
    Turn turn;
    if (auto p = ReadSingleTurn(turns[i], turn); !p.empty()) {
      return "turns[" + std::to_string(i) + "]: " + p;
    }
    if (turn.role == "system") {
      if (i != 0) return "turns[" + std::to_string(i) + "]: only the first turn can be system";
      for (const auto& t : turn.texts) c.system += (c.system.empty() ? "" : "\n") + t;
      continue;
    }
    c.turns.push_back(std::move(turn));
  }
  if (c.turns.empty()) return "turns has only a system message; add a user turn";
  return "";
}

class MooncakeRows {
 public:
  MooncakeRows(const InputFileOptions& o, const Tokenizer* tokenizer)
      : prompts_(tokenizer, o.isl_block_size, o.seed), max_tokens_(o.max_trace_tokens) {}
  bool HasWords() const { return prompts_.HasWords(); }

  Problem Read(const Json& o, uint64_t row, Turn& turn, std::string* session_id) {
    if (auto p = UnknownKeys(o, {"input_length", "hash_ids", "text_input", "output_length",
                                 "timestamp", "delay", "session_id", "type"});
        !p.empty())
      return p;
    if (o.contains("input_length") == o.contains("text_input")) {
      return "give input_length (with optional hash_ids) or text_input (one of them)";
    }
    if (o.contains("text_input")) {
      if (o.contains("hash_ids")) return "hash_ids go with input_length, not text_input";
      if (!o["text_input"].is_string() || o["text_input"].get<std::string>().empty()) {
        return "text_input should be a non-empty string";
      }
      turn.texts = {o["text_input"].get<std::string>()};
    } else {
      int64_t length = 0;
      if (auto p = ReadCount(o, "input_length", &length); !p.empty()) return p;
      if (length > max_tokens_ - made_tokens_) {  // checked before the text is made
        return "the input_length rows add up to more than " + std::to_string(max_tokens_) +
               " tokens, each held as prompt text for the run; give --max-trace-tokens to "
               "allow more, or replay a part of the trace";
      }
      made_tokens_ += length;
      if (o.contains("hash_ids")) {
        std::vector<int64_t> ids;
        if (auto p = ReadHashIds(o["hash_ids"], length, &ids); !p.empty()) return p;
        turn.texts = {prompts_.Text(ids, length)};
      } else {
        turn.texts = {prompts_.Unique(row, length)};
      }
      turn.input_tokens = length;
    }
    if (o.contains("output_length")) {
      if (auto p = ReadCount(o, "output_length", &turn.max_tokens); !p.empty()) return p;
    }
    if (auto p = ReadSessionId(o, session_id); !p.empty()) return p;
    return ReadTiming(o, turn);
  }

 private:
  Problem ReadHashIds(const Json& v, int64_t length, std::vector<int64_t>* ids) {
    if (!v.is_array() || v.empty()) return "hash_ids should be a non-empty list of whole numbers";
    for (const auto& id : v) {
      if (!id.is_number_integer()) return "hash_ids should hold whole numbers, got " + id.dump();
      ids->push_back(id.get<int64_t>());
    }
    const int64_t block = prompts_.block_tokens();
    const int64_t last = length - (static_cast<int64_t>(ids->size()) - 1) * block;
    if (last <= 0 || last > block) {
      const int64_t need = (length + block - 1) / block;
      return "input_length " + std::to_string(length) + " with " + std::to_string(ids->size()) +
             " hash_ids does not fit blocks of " + std::to_string(block) + " tokens (needs " +
             std::to_string(need) + " hash_ids; or set --isl-block-size to the trace's block)";
    }
    return "";
  }

  BlockPrompts prompts_;
  int64_t max_tokens_;
  int64_t made_tokens_ = 0;  // by the input_length rows so far
};

std::vector<fs::path> FilesOf(const std::string& path, const std::string& type, std::string* err) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    if (type != "random_pool") {
      *err = "--input-file " + path +
             ": a folder is read only with --custom-dataset-type "
             "random_pool; give a file";
      return {};
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(path, error)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) *err = "--input-file " + path + ": the folder holds no files";
    return files;
  }
  if (!fs::is_regular_file(path, error)) {
    *err = "--input-file " + path + ": no such file";
    return {};
  }
  return {fs::path(path)};
}

// Trace rows either all carry their time or none does (a row after the first of its session
// may give a delay instead): `timed` is the first request's.
Problem CheckTimes(bool timed, const Turn& first) {
  if (timed && first.timestamp_ms < 0) {
    return "no timestamp, though the first request has one (in a trace every request has its "
           "time)";
  }
  if (!timed && first.timestamp_ms >= 0) {
    return "a timestamp, though the first request has none (give every request a timestamp, "
           "or none)";
  }
  return "";
}

}  // namespace

Sampling DefaultSampling(const std::string& type) {
  return type == "random_pool" ? Sampling::kRandom : Sampling::kSequential;
}

base::Expected<std::vector<Conversation>> ReadInputFile(const InputFileOptions& o,
                                                        const Tokenizer* tokenizer) {
  static const std::set<std::string> kTypes = {"single_turn", "multi_turn", "random_pool",
                                               "mooncake_trace"};
  if (!kTypes.count(o.type)) {
    return base::MakeError(
        "--custom-dataset-type: expected single_turn, multi_turn, "
        "random_pool or mooncake_trace, got '" +
        o.type + "'");
  }
  if (o.isl_block_size < 1 || o.isl_block_size > kMaxBlockTokens) {
    return base::MakeError("--isl-block-size should be from 1 to " +
                           std::to_string(kMaxBlockTokens));
  }
  std::string err;
  const auto files = FilesOf(o.path, o.type, &err);
  if (files.empty()) return base::MakeError(err);
  std::vector<Conversation> conversations;
  std::unordered_map<std::string, size_t> by_session;  // mooncake: session_id -> conversation
  std::optional<MooncakeRows> mooncake;  // its block vocabulary is built only for traces
  if (o.type == "mooncake_trace") {
    mooncake.emplace(o, tokenizer);
    if (!mooncake->HasWords()) {
      return base::MakeError(
          "--tokenizer: it lists no whole-word tokens to build hash-id blocks from; give the "
          "model's tokenizer.json or .model file");
    }
  }
  uint64_t row = 0;
  size_t seen = 0;  // conversations in the file, kept or not
  std::optional<bool> timed;
  constexpr size_t kDropped = SIZE_MAX;  // by_session: a session past `keep`
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) return base::MakeError("--input-file " + file.string() + ": cannot read the file");
    std::string line;
    for (int64_t number = 1; std::getline(in, line); ++number) {
      if (number % 1024 == 0 && base::StopRequested()) {
        return base::MakeError("--input-file " + file.string() + ": interrupted at line " +
                               std::to_string(number) + " of reading");
      }
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const std::string place = file.string() + ":" + std::to_string(number) + ": ";
      bool too_deep = false;
      const Json o_line = base::ParseJson(line, &too_deep);
      if (too_deep) {
        return base::MakeError(place + base::JsonProblem(true) + " (flatten the request fields)");
      }
      if (o_line.is_discarded() || !o_line.is_object()) {
        return base::MakeError(place + "not a JSON object (one object a line: JSON Lines)");
      }
      Conversation c;
      Turn turn;
      Problem problem;
      size_t into = conversations.size();
      bool fresh = true;  // the line starts a conversation
      if (o.type == "multi_turn") {
        problem = ReadMultiTurn(o_line, c);
      } else if (o.type == "mooncake_trace") {
        problem = mooncake->Read(o_line, row, turn, &c.session_id);
        if (problem.empty() && !c.session_id.empty()) {
          const bool keeping = !(timed == false && seen >= o.keep);
          auto [it, added] =
              by_session.try_emplace(c.session_id, keeping ? conversations.size() : kDropped);
          into = it->second;
          fresh = added;
        }
      } else {
        problem = ReadSingleTurn(o_line, turn);
        if (problem.empty() && turn.role == "system") {
          problem = "role system starts a session; a single-turn request needs a user turn";
        }
      }
      if (problem.empty() && fresh) {
        const Turn& first = o.type == "multi_turn" ? c.turns.front() : turn;
        if (!timed) timed = first.timestamp_ms >= 0;
        problem = CheckTimes(*timed, first);
        ++seen;
      }
      if (!problem.empty()) return base::MakeError(place + problem);
      ++row;
      // Past `keep`, a file without timestamps is only checked.
      const bool keep = *timed || (fresh ? seen <= o.keep : into != kDropped);
      if (!keep) continue;
      if (o.type != "multi_turn") {
        (into == conversations.size() ? c : conversations[into]).turns.push_back(std::move(turn));
      }
      if (into == conversations.size()) {
        if (c.session_id.empty()) c.session_id = "session-" + std::to_string(into);
        conversations.push_back(std::move(c));
      }
    }
  }
  if (seen == 0) {
    return base::MakeError("--input-file " + o.path + ": no requests in the file");
  }
  for (auto& c : conversations) {
    if (!c.system.empty()) c.system_tokens = tokenizer ? tokenizer->Count(c.system) : -1;
    for (auto& t : c.turns) {
      if (tokenizer == nullptr || t.input_tokens >= 0) continue;
      t.input_tokens = 0;
      for (const auto& text : t.texts) t.input_tokens += tokenizer->Count(text);
    }
  }
  return conversations;
}

}  // namespace servebench::inputs
