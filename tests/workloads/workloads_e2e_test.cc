// Real workloads end to end: the servebench binary replays a generated trace and runs
// multi-turn sessions against the built-in mock, and the mock's send log (with request bodies)
// is the independent witness of what was sent and when.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "runner/records/records_file.h"
#include "runner/tokenizers/tokenizer.h"
#include "tests/support/run_command.h"

namespace servebench::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
const std::string kTokenizer = SERVEBENCH_TEST_TOKENIZER;

std::vector<Json> JsonLines(const fs::path& path) {
  std::vector<Json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(Json::parse(line));
  return out;
}

std::map<uint64_t, records::Record> Records(const fs::path& dir) {
  std::map<uint64_t, records::Record> out;
  auto read = records::ReadRecords(dir / "records.jsonl",
                                   [&](records::Record r) { out[r.request_id] = std::move(r); });
  EXPECT_TRUE(read) << read.error().message;
  return out;
}

// The streamed content of a chat reply, from its record's events.
std::string ReplyOf(const records::Record& r) {
  std::string text;
  for (const auto& e : r.events) {
    if (e.data == "[DONE]") continue;
    const Json j = Json::parse(e.data);
    if (j.contains("choices") && !j["choices"].empty()) {
      const Json& delta = j["choices"][0]["delta"];
      if (delta.contains("content") && delta["content"].is_string()) text += delta["content"];
    }
  }
  return text;
}

// 400 rows over 2 s, two rows at each timestamp; each row is one of 20 documents (two shared
// blocks of 64 tokens) plus a block of its own and 22 tokens more.
constexpr int kTraceRows = 400;
void WriteTrace(const fs::path& path) {
  std::ofstream out(path);
  for (int i = 0; i < kTraceRows; ++i) {
    const int doc = i % 20;
    out << Json{{"timestamp", (i / 2) * 10},
                {"input_length", 150},
                {"hash_ids", {doc * 100, doc * 100 + 1, 100000 + i}},
                {"output_length", 4}}
               .dump()
        << "\n";
  }
}

TEST(Workloads, ATraceReplaysOnItsClockWithByteIdenticalPrefixesAndPrefixCacheHits) {
  ScratchDir w("sb-workload");
  WriteTrace(w.dir / "trace.jsonl");
  const fs::path out = w.dir / "out", send_log = w.dir / "send.jsonl";
  const auto run = RunCommand(
      kBinary + " profile --model m --streaming --input-file " + (w.dir / "trace.jsonl").string() +
      " --custom-dataset-type mooncake_trace --isl-block-size 64 --tokenizer " + kTokenizer +
      " --mock-tokenizer " + kTokenizer +
      " --mock-prefix-cache-tokens 1000000 --mock-prefix-cache-block 16"
      " --mock-prefill-us-per-token 200 --mock-ttft-ms 5 --mock-itl-ms 1 --mock-send-log " +
      send_log.string() + " --mock-send-log-bodies --artifact-dir " + out.string());
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("trace replay of 400 requests over 2 s"), std::string::npos)
      << run.output;

  // Every request was scheduled at its trace time, to the nanosecond, from one t0.
  const auto records = Records(out);
  ASSERT_EQ(records.size(), size_t{kTraceRows});
  const int64_t t0 = records.at(0).scheduled_ns;
  for (const auto& [id, r] : records) {
    EXPECT_EQ(r.scheduled_ns - t0, static_cast<int64_t>(id / 2) * 10'000'000) << id;
    EXPECT_GE(r.start_ns, r.scheduled_ns);
    EXPECT_FALSE(r.error) << r.error->message;
  }

  // The prompts as the server got them: each re-tokenizes to exactly its length, and rows of one
  // document share their first 128 tokens byte for byte.
  auto tokenizer = tokenizers::Tokenizer::Load(kTokenizer);
  ASSERT_TRUE(tokenizer);
  const auto log = JsonLines(send_log);
  ASSERT_EQ(log.size(), size_t{kTraceRows});
  std::map<int, std::string> prefix_of_doc;
  int cold = 0;
  double cached_tokens = 0;
  for (const auto& entry : log) {
    const uint64_t id = std::stoull(entry["request_id"].get<std::string>());
    const std::string prompt =
        Json::parse(entry["body"].get<std::string>())["messages"][0]["content"];
    ASSERT_EQ((*tokenizer)->Count(prompt), 150) << id;
    const auto ids = (*tokenizer)->Encode(prompt);
    const std::string prefix = (*tokenizer)->Decode({ids.begin(), ids.begin() + 128});
    ASSERT_EQ(prompt.compare(0, prefix.size(), prefix), 0);
    auto [known, fresh] = prefix_of_doc.try_emplace(static_cast<int>(id % 20), prefix);
    EXPECT_EQ(known->second, prefix) << id;
    // The mock's own schedule: its first token is due 5 ms plus 0.2 ms a token not cached.
    const int64_t cached = entry["cached_tokens"];
    cached_tokens += static_cast<double>(cached);
    const double due_ms = static_cast<double>(entry["due_ns"][0].get<int64_t>() -
                                              entry["received_ns"].get<int64_t>()) /
                          1e6;
    EXPECT_NEAR(due_ms, 5 + 0.2 * static_cast<double>(150 - cached), 0.001) << id;
    // The client cannot see the first token before the mock meant to send it (one monotonic
    // clock): its TTFT is at least that due time. How much more is this machine's noise, which
    // no assertion here depends on.
    const auto& r = records.at(id);
    EXPECT_GE(r.events.front().ns - r.start_ns,
              entry["due_ns"][0].get<int64_t>() - entry["received_ns"].get<int64_t>())
        << id;
    cold += cached == 0 ? 1 : 0;
  }
  // Each document's first request misses its two shared blocks; every later one hits them.
  EXPECT_EQ(cold, 20);
  EXPECT_EQ(cached_tokens, (kTraceRows - 20) * 128.0);
  const Json summary = Json::parse(ReadFile(out / "profile_export.json"));
  EXPECT_NEAR(summary["cached_token_share"]["value"].get<double>(),
              100.0 * (kTraceRows - 20) * 128 / (kTraceRows * 150), 1e-9);
  ASSERT_TRUE(summary.contains("schedule_lag"));  // the replay lag, reported
  EXPECT_NE(run.output.find("Cached input token share"), std::string::npos);
}

TEST(Workloads, MultiTurnSessionsCarryTheirLiveRepliesAndWaitForEachTurnsDelay) {
  ScratchDir w("sb-workload");
  {
    std::ofstream file(w.dir / "chats.jsonl");
    for (int s = 0; s < 50; ++s) {
      Json turns = Json::array();
      for (int k = 0; k < 4; ++k) {
        Json turn = {{"text", "session " + std::to_string(s) + " question " + std::to_string(k)},
                     {"output_length", 6}};
        if (k > 0) turn["delay"] = 20 + 10 * k;
        turns.push_back(turn);
      }
      file << Json{{"session_id", "chat-" + std::to_string(s)}, {"turns", turns}}.dump() << "\n";
    }
  }
  const fs::path out = w.dir / "out", send_log = w.dir / "send.jsonl";
  const auto run = RunCommand(
      kBinary + " profile --model m --streaming --concurrency 10 --input-file " +
      (w.dir / "chats.jsonl").string() +
      " --custom-dataset-type multi_turn --mock-ttft-ms 5 --mock-itl-ms 1 --mock-send-log " +
      send_log.string() + " --mock-send-log-bodies --artifact-dir " + out.string());
  ASSERT_EQ(run.status, 0) << run.output;
  const auto records = Records(out);
  ASSERT_EQ(records.size(), 200u);
  std::map<std::string, std::vector<const records::Record*>> sessions;
  for (const auto& [id, r] : records) sessions[r.session_id].push_back(&r);
  ASSERT_EQ(sessions.size(), 50u);
  std::map<uint64_t, Json> body_of;
  for (const auto& entry : JsonLines(send_log)) {
    const uint64_t id = std::stoull(entry["request_id"].get<std::string>());
    EXPECT_EQ(entry["correlation_id"], records.at(id).session_id);  // one id per session
    body_of[id] = Json::parse(entry["body"].get<std::string>());
  }
  for (auto& [session, turns] : sessions) {
    std::sort(turns.begin(), turns.end(), [](auto* a, auto* b) { return a->turn < b->turn; });
    ASSERT_EQ(turns.size(), 4u) << session;
    for (int k = 0; k < 4; ++k) {
      EXPECT_EQ(turns[k]->turn, k);
      const Json& messages = body_of.at(turns[k]->request_id)["messages"];
      ASSERT_EQ(messages.size(), 2u * k + 1) << session;
      for (int j = 0; j < k; ++j) {  // the earlier replies, verbatim, as they streamed
        EXPECT_EQ(messages[2 * j + 1]["role"], "assistant");
        EXPECT_EQ(messages[2 * j + 1]["content"], ReplyOf(*turns[j])) << session << " turn " << k;
      }
      if (k > 0) {
        EXPECT_GE(turns[k]->start_ns, turns[k - 1]->end_ns + (20 + 10 * k) * 1'000'000)
            << session << " turn " << k;
      }
    }
  }
  const Json summary = Json::parse(ReadFile(out / "profile_export.json"));
  ASSERT_EQ(summary["time_to_first_token_by_turn"].size(), 4u);
  EXPECT_EQ(summary["time_to_first_token_by_turn"][3]["turn"], 3);
  EXPECT_NE(run.output.find("Time to first token by turn"), std::string::npos);
}

TEST(Workloads, WithATokenizerTheMocksStreamedTextRetokenizesToItsUsage) {
  ScratchDir w("sb-workload");
  const fs::path out = w.dir / "out";
  const auto run = RunCommand(kBinary + " profile --model m --streaming --concurrency 4" +
                              " --request-count 20 --isl 40 --osl 37 --tokenizer " + kTokenizer +
                              " --mock-tokenizer " + kTokenizer +
                              " --mock-ttft-ms 1 --mock-itl-ms 1 --mock-tokens-per-chunk 3" +
                              " --mock-reasoning-tokens 5 --artifact-dir " + out.string());
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output.find("usage differs"), std::string::npos) << run.output;
  auto tokenizer = tokenizers::Tokenizer::Load(kTokenizer);
  ASSERT_TRUE(tokenizer);
  const auto records = Records(out);
  ASSERT_EQ(records.size(), 20u);
  for (const auto& [id, r] : records) {
    std::string content, reasoning;
    int64_t completion = -1;
    for (const auto& e : r.events) {
      if (e.data == "[DONE]") continue;
      const Json j = Json::parse(e.data);
      if (j.contains("usage") && j["usage"].is_object())
        completion = j["usage"]["completion_tokens"];
      if (!j.contains("choices") || j["choices"].empty()) continue;
      const Json& delta = j["choices"][0]["delta"];
      if (delta.contains("content") && delta["content"].is_string()) content += delta["content"];
      if (delta.contains("reasoning_content")) reasoning += delta["reasoning_content"];
    }
    EXPECT_EQ((*tokenizer)->Count(content) + (*tokenizer)->Count(reasoning), completion) << id;
  }
}

TEST(Workloads, ABadLineStopsTheRunBeforeAnythingIsSent) {
  ScratchDir w("sb-workload");
  std::ofstream(w.dir / "bad.jsonl") << "{\"text\": \"fine\"}\n{\"text\": \"a\", \"delay\": -5}\n";
  const fs::path send_log = w.dir / "send.jsonl";
  const auto run = RunCommand(kBinary + " profile --model m --input-file " +
                              (w.dir / "bad.jsonl").string() + " --mock-send-log " +
                              send_log.string() + " --artifact-dir " + (w.dir / "out").string());
  EXPECT_EQ(run.status, 2) << run.output;
  EXPECT_NE(run.output.find((w.dir / "bad.jsonl").string() +
                            ":2: delay should be a number of milliseconds >= 0, got -5"),
            std::string::npos)
      << run.output;
  EXPECT_FALSE(fs::exists(send_log));  // the mock never started: nothing was sent
  EXPECT_FALSE(fs::exists(w.dir / "out"));
}

TEST(Workloads, ShareGptPromptsAskTheirCompletionsLength) {
  ScratchDir w("sb-workload");
  auto tokenizer = tokenizers::Tokenizer::Load(kTokenizer);
  ASSERT_TRUE(tokenizer);
  Json data = Json::array();
  std::vector<int64_t> caps;  // the completion lengths of the conversations the filters keep
  for (int i = 0; i < 40; ++i) {
    std::string prompt = "tell me about item", completion = "it is";
    for (int k = 0; k < i % 7; ++k) prompt += " and item";
    for (int k = 0; k < i % 5; ++k) completion += " very fine indeed";
    data.push_back(
        {{"id", "c" + std::to_string(i)},
         {"conversations",
          {{{"from", "human"}, {"value", prompt}}, {{"from", "gpt"}, {"value", completion}}}}});
    const int64_t p = (*tokenizer)->Count(prompt), c = (*tokenizer)->Count(completion);
    if (p >= 4 && p <= 1024 && c >= 4 && p + c <= 2048) caps.push_back(c);
  }
  std::ofstream(w.dir / "sharegpt.json") << data.dump();
  const fs::path out = w.dir / "out";
  const auto run = RunCommand(kBinary + " profile --model m --streaming --public-dataset sharegpt" +
                              " --dataset-path " + (w.dir / "sharegpt.json").string() +
                              " --tokenizer " + kTokenizer + " --request-count " +
                              std::to_string(caps.size()) + " --artifact-dir " + out.string());
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find(std::to_string(caps.size()) + " prompts pass vLLM's length filters"),
            std::string::npos)
      << run.output;
  const auto records = Records(out);
  ASSERT_EQ(records.size(), caps.size());
  size_t i = 0;
  for (const auto& [id, r] : records) EXPECT_EQ(r.requested_max_tokens, caps[i++]) << id;
}

TEST(Workloads, SyntheticSessionsAndSeveralModelsAreSplitInTheSummary) {
  ScratchDir w("sb-workload");
  const fs::path out = w.dir / "out";
  const auto run = RunCommand(kBinary +
                              " profile --model small,large --streaming --num-sessions 6"
                              " --session-turns-mean 3 --session-turn-delay-mean 10 --concurrency 2"
                              " --isl 32 --osl 4 --mock-ttft-ms 2 --mock-itl-ms 1 --artifact-dir " +
                              out.string());
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output.find("is not listed"), std::string::npos) << run.output;
  const auto records = Records(out);
  ASSERT_EQ(records.size(), 18u);
  std::map<std::string, std::set<std::string>> models_of_session;
  for (const auto& [id, r] : records) models_of_session[r.session_id].insert(r.model);
  ASSERT_EQ(models_of_session.size(), 6u);
  for (const auto& [session, models] : models_of_session) EXPECT_EQ(models.size(), 1u) << session;
  const Json summary = Json::parse(ReadFile(out / "profile_export.json"));
  EXPECT_EQ(summary["by_model"]["small"]["request_count"]["value"], 9);
  EXPECT_EQ(summary["by_model"]["large"]["request_count"]["value"], 9);
  EXPECT_EQ(summary["time_to_first_token_by_turn"].size(), 3u);
  EXPECT_NE(run.output.find("By model:"), std::string::npos);
}

}  // namespace
}  // namespace servebench::testing
