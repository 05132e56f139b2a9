// Input files (AIPerf's custom dataset types): good files of each type, and every kind of bad
// line refused with FILE:LINE and what is wrong.
#include "runner/inputs/input_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "runner/base/stop.h"
#include "runner/inputs/hash_prompts.h"

namespace servebench::inputs {
namespace {

namespace fs = std::filesystem;

class InputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sb-input-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  base::Expected<std::vector<Conversation>> Read(const std::string& type, const std::string& text,
                                                 const Tokenizer* tokenizer = nullptr,
                                                 int64_t block = 512, size_t keep = SIZE_MAX) {
    return ReadInputFile({Write("in.jsonl", text), type, block, 7, keep}, tokenizer);
  }
  // The error of a file, with the file's path replaced by FILE.
  std::string ErrorOf(const std::string& type, const std::string& text) {
    auto read = Read(type, text);
    if (read) return "(no error)";
    std::string message = read.error().message;
    const std::string path = (dir_ / "in.jsonl").string();
    if (message.rfind(path, 0) == 0) message = "FILE" + message.substr(path.size());
    return message;
  }
  fs::path dir_;
};

TEST_F(InputFile, SingleTurnReadsEveryFieldOfAiperfsFormat) {
  auto read = Read("single_turn",
                   R"({"text": "hello there"}
{"texts": ["part one", "part two"], "role": "user", "output_length": 12}

{"text": "with extras", "extra": {"temperature": 0.5, "top_p": 1}, "delay": 250}
)");
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->size(), 3u);  // the blank line is skipped
  const auto& c = *read;
  EXPECT_EQ(c[0].turns.at(0).texts, std::vector<std::string>{"hello there"});
  EXPECT_EQ(c[0].turns[0].max_tokens, 0);
  EXPECT_EQ(c[1].turns[0].texts, (std::vector<std::string>{"part one", "part two"}));
  EXPECT_EQ(c[1].turns[0].max_tokens, 12);
  EXPECT_EQ(c[2].turns[0].extra["temperature"], 0.5);
  EXPECT_EQ(c[2].turns[0].delay_ms, 250);
  EXPECT_EQ(c[2].turns[0].timestamp_ms, -1);
}

TEST_F(InputFile, MultiTurnMakesALeadingSystemTurnTheSessionsSystemMessage) {
  auto read = Read(
      "multi_turn",
      R"({"session_id": "a", "turns": [{"role": "system", "text": "be brief"}, {"text": "hi"}, {"text": "and then?", "delay": 1000}]}
{"turns": [{"text": "solo", "timestamp": 5}]}
)");
  ASSERT_FALSE(read);  // the first session has no timestamp and the second has one
  read = Read(
      "multi_turn",
      R"({"session_id": "a", "turns": [{"role": "system", "text": "be brief"}, {"text": "hi"}, {"text": "and then?", "delay": 1000}]}
{"session_id": 42, "turns": [{"text": "solo"}]}
)");
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].session_id, "a");
  EXPECT_EQ((*read)[0].system, "be brief");
  ASSERT_EQ((*read)[0].turns.size(), 2u);
  EXPECT_EQ((*read)[0].turns[1].delay_ms, 1000);
  EXPECT_EQ((*read)[1].session_id, "42");
}

TEST_F(InputFile, RandomPoolReadsAFolderOfFilesInNameOrder) {
  Write("b.jsonl", "{\"text\": \"from b\"}\n");
  Write("a.jsonl", "{\"text\": \"from a\"}\n{\"text\": \"also a\"}\n");
  auto read = ReadInputFile({dir_.string(), "random_pool", 512, 0}, nullptr);
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->size(), 3u);
  EXPECT_EQ((*read)[0].turns[0].texts[0], "from a");
  EXPECT_EQ((*read)[2].turns[0].texts[0], "from b");
  EXPECT_EQ(DefaultSampling("random_pool"), Sampling::kRandom);
  EXPECT_EQ(DefaultSampling("single_turn"), Sampling::kSequential);
  auto refused = ReadInputFile({dir_.string(), "single_turn", 512, 0}, nullptr);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("only with --custom-dataset-type random_pool"),
            std::string::npos);
}

TEST_F(InputFile, MooncakeRowsOfOneSessionBecomeItsTurns) {
  auto read = Read("mooncake_trace",
                   R"({"timestamp": 0, "input_length": 10, "output_length": 4, "session_id": "s1"}
{"timestamp": 5, "text_input": "plain text", "output_length": 3}
{"delay": 100, "input_length": 6, "output_length": 2, "session_id": "s1"}
)",
                   nullptr, 4);
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->size(), 2u);
  const auto& s1 = (*read)[0];
  EXPECT_EQ(s1.session_id, "s1");
  ASSERT_EQ(s1.turns.size(), 2u);
  EXPECT_EQ(s1.turns[0].input_tokens, 10);
  EXPECT_EQ(s1.turns[0].texts[0].size(), 40u);  // four bytes a token without a tokenizer
  EXPECT_EQ(s1.turns[1].delay_ms, 100);
  EXPECT_EQ((*read)[1].turns[0].texts[0], "plain text");
  EXPECT_EQ((*read)[1].turns[0].timestamp_ms, 5);
}

TEST_F(InputFile, HashIdsGiveByteIdenticalPrefixesThatRetokenizeToTheirLength) {
  auto tokenizer = Tokenizer::Load(SERVEBENCH_TEST_TOKENIZER);
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  auto read = Read("mooncake_trace",
                   R"({"timestamp": 0, "input_length": 70, "hash_ids": [1, 2, 3]}
{"timestamp": 1, "input_length": 64, "hash_ids": [1, 2]}
{"timestamp": 2, "input_length": 90, "hash_ids": [1, 2, 4]}
{"timestamp": 3, "input_length": 50, "hash_ids": [9, 2]}
{"timestamp": 4, "input_length": 33}
)",
                   tokenizer->get(), 32);
  ASSERT_TRUE(read) << read.error().message;
  std::vector<std::string> texts;
  const std::vector<int64_t> lengths = {70, 64, 90, 50, 33};
  for (size_t i = 0; i < read->size(); ++i) {
    const std::string& text = (*read)[i].turns[0].texts[0];
    texts.push_back(text);
    EXPECT_EQ((*tokenizer)->Count(text), lengths[i]) << "row " << i;
  }
  // Rows 0, 1 and 2 share blocks 1 and 2: their first 64 tokens are the same bytes.
  const auto ids0 = (*tokenizer)->Encode(texts[0]);
  const std::string prefix = (*tokenizer)->Decode({ids0.begin(), ids0.begin() + 64});
  EXPECT_EQ(texts[1], prefix);
  EXPECT_EQ(texts[2].compare(0, prefix.size(), prefix), 0);
  EXPECT_NE(texts[3].compare(0, prefix.size(), prefix), 0);  // another first block
  // Block 2 is the same text after another first block too.
  const auto ids3 = (*tokenizer)->Encode(texts[3]);
  EXPECT_EQ(std::vector<int>(ids3.begin() + 32, ids3.end()),
            std::vector<int>(ids0.begin() + 32, ids0.begin() + 50));
}

TEST_F(InputFile, EveryKindOfBadLineNamesItsLineAndWhatIsWrong) {
  const std::map<std::string, std::pair<std::string, std::string>> cases = {
      {"not json", {"single_turn", "{\"text\": \"ok\"}\n{nope\n"}},
      {"no text", {"single_turn", "{\"role\": \"user\"}\n"}},
      {"both texts", {"single_turn", "{\"text\": \"a\", \"texts\": [\"b\"]}\n"}},
      {"empty texts", {"single_turn", "{\"texts\": []}\n"}},
      {"bad output_length", {"single_turn", "{\"text\": \"a\", \"output_length\": 0}\n"}},
      {"bad extra", {"single_turn", "{\"text\": \"a\", \"extra\": [1]}\n"}},
      {"both times", {"single_turn", "{\"text\": \"a\", \"timestamp\": 1, \"delay\": 2}\n"}},
      {"negative time", {"single_turn", "{\"text\": \"a\", \"timestamp\": -1}\n"}},
      {"unknown field", {"single_turn", "{\"text\": \"a\", \"image\": \"x.png\"}\n"}},
      {"missing timestamp",
       {"single_turn", "{\"text\": \"a\", \"timestamp\": 0}\n{\"text\": \"b\"}\n"}},
      {"no turns", {"multi_turn", "{\"session_id\": \"a\"}\n"}},
      {"bad turn", {"multi_turn", "{\"turns\": [{\"text\": \"a\"}, {\"txt\": \"b\"}]}\n"}},
      {"late system",
       {"multi_turn",
        "{\"turns\": [{\"text\": \"a\"}, {\"role\": \"system\", \"text\": \"b\"}]}\n"}},
      {"mooncake both", {"mooncake_trace", "{\"input_length\": 4, \"text_input\": \"a\"}\n"}},
      {"mooncake hash blocks",
       {"mooncake_trace", "{\"input_length\": 1030, \"hash_ids\": [1, 2]}\n"}},
      {"mooncake hash type", {"mooncake_trace", "{\"input_length\": 10, \"hash_ids\": [\"a\"]}\n"}},
  };
  const std::map<std::string, std::string> want = {
      {"not json", "FILE:2: not a JSON object (one object a line: JSON Lines)"},
      {"no text", "FILE:1: give text or texts (one of them)"},
      {"both texts", "FILE:1: give text or texts (one of them)"},
      {"empty texts", "FILE:1: texts should be a non-empty list of strings"},
      {"bad output_length",
       "FILE:1: output_length should be a whole number from 1 to 2000000, got 0"},
      {"bad extra", "FILE:1: extra should be an object of request fields"},
      {"both times",
       "FILE:1: give timestamp or delay, not both (timestamp: when the trace sent it; delay: the "
       "wait after the previous request)"},
      {"negative time", "FILE:1: timestamp should be a number of milliseconds >= 0, got -1"},
      {"unknown field",
       "FILE:1: unknown field 'image' (this type reads delay, extra, output_length, role, text, "
       "texts, timestamp, type)"},
      {"missing timestamp",
       "FILE:2: no timestamp, though the first request has one (in a trace every request has its "
       "time)"},
      {"no turns", "FILE:1: turns should be a non-empty list of turn objects"},
      {"bad turn",
       "FILE:1: turns[1]: unknown field 'txt' (this type reads delay, extra, output_length, role, "
       "text, texts, timestamp, type)"},
      {"late system", "FILE:1: turns[1]: only the first turn can be system"},
      {"mooncake both",
       "FILE:1: give input_length (with optional hash_ids) or text_input (one of them)"},
      {"mooncake hash blocks",
       "FILE:1: input_length 1030 with 2 hash_ids does not fit blocks of 512 tokens (needs 3 "
       "hash_ids; or set --isl-block-size to the trace's block)"},
      {"mooncake hash type", "FILE:1: hash_ids should hold whole numbers, got \"a\""},
  };
  for (const auto& [name, input] : cases) {
    EXPECT_EQ(ErrorOf(input.first, input.second), want.at(name)) << name;
  }
}

TEST_F(InputFile, ValuesNestedPastTheBoundAreRefusedWithTheirLine) {
  const std::string deep = std::string(60'000, '[') + std::string(60'000, ']');
  EXPECT_EQ(ErrorOf("single_turn",
                    "{\"text\": \"a\"}\n{\"text\": \"b\", \"extra\": {\"x\": " + deep + "}}\n"),
            "FILE:2: nested deeper than 64 levels (flatten the request fields)");
  EXPECT_EQ(
      ErrorOf("multi_turn", "{\"turns\": [{\"text\": \"a\", \"extra\": {\"x\": " + deep + "}}]}\n"),
      "FILE:1: nested deeper than 64 levels (flatten the request fields)");
  const std::string shallow = std::string(60, '[') + std::string(60, ']');
  EXPECT_EQ(ErrorOf("single_turn", "{\"text\": \"b\", \"extra\": {\"x\": " + shallow + "}}\n"),
            "(no error)");
}

TEST_F(InputFile, TimesPastTheClocksRangeAreRefusedNotWrapped) {
  EXPECT_EQ(ErrorOf("mooncake_trace", "{\"text_input\": \"a\", \"timestamp\": 9e15}\n"),
            "FILE:1: timestamp 9e+15 is out of range (at most 4e12 ms)");
  EXPECT_EQ(ErrorOf("single_turn", "{\"text\": \"a\", \"timestamp\": 1e300}\n"),
            "FILE:1: timestamp 1e+300 is out of range (at most 4e12 ms)");
  EXPECT_EQ(ErrorOf("multi_turn",
                    "{\"turns\": [{\"text\": \"a\"}, {\"text\": \"b\", "
                    "\"delay\": 1e300}]}\n"),
            "FILE:1: turns[1]: delay 1e+300 is out of range (at most 4e12 ms)");
  // Epoch milliseconds fit: --fixed-schedule-auto-offset replays them.
  EXPECT_EQ(ErrorOf("single_turn", "{\"text\": \"a\", \"timestamp\": 1.7e12}\n"), "(no error)");
}

TEST_F(InputFile, OnlyTheConversationsToSendAreKeptAndEveryLineIsStillChecked) {
  std::string rows;
  for (int i = 0; i < 5000; ++i) rows += "{\"text\": \"row " + std::to_string(i) + "\"}\n";
  auto kept = ReadInputFile({Write("big.jsonl", rows), "single_turn", 512, 0, 10}, nullptr);
  ASSERT_TRUE(kept) << kept.error().message;
  ASSERT_EQ(kept->size(), 10u);
  EXPECT_EQ(kept->back().turns.front().texts.front(), "row 9");
  // A bad line past the kept ones still stops the run before anything is sent.
  auto bad = ReadInputFile({Write("bad.jsonl", rows + "{\"txt\": 1}\n"), "single_turn", 512, 0, 10},
                           nullptr);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bad.jsonl:5001: unknown field 'txt'"), std::string::npos)
      << bad.error().message;
  // Rows of one trace session stay together: the first two sessions, all their rows.
  auto sessions = Read("mooncake_trace",
                       "{\"session_id\": \"a\", \"text_input\": \"1\"}\n"
                       "{\"session_id\": \"b\", \"text_input\": \"2\"}\n"
                       "{\"session_id\": \"c\", \"text_input\": \"3\"}\n"
                       "{\"session_id\": \"a\", \"text_input\": \"4\"}\n"
                       "{\"session_id\": \"c\", \"text_input\": \"5\"}\n",
                       nullptr, 512, 2);
  ASSERT_TRUE(sessions) << sessions.error().message;
  ASSERT_EQ(sessions->size(), 2u);
  EXPECT_EQ((*sessions)[0].turns.size(), 2u);
  EXPECT_EQ((*sessions)[1].session_id, "b");
}

TEST_F(InputFile, AHashIdBlockPastTheBoundIsRefused) {
  // 100 distinct ids of 2,000,000-token blocks held 795 MB of text.
  auto read =
      Read("mooncake_trace", "{\"input_length\": 10, \"hash_ids\": [1]}\n", nullptr, 2'000'000);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().message, "--isl-block-size should be from 1 to 65536");
}

TEST_F(InputFile, ATraceThatWouldMakeGigabytesOfPromptsIsRefusedBeforeMakingThem) {
  // The rows add up: under the default bound of 64,000,000 tokens (4 bytes each, held as prompt
  // text), 100 rows of 2,000,000 tokens stop at the 33rd, before its text is made. Making the 32
  // rows' text takes a minute under ASan; there the smaller bound below checks the same rule.
#ifndef SERVEBENCH_SANITIZED
  std::string big;
  for (int i = 0; i < 100; ++i)
    big += "{\"timestamp\": " + std::to_string(i * 10) + ", \"input_length\": 2000000}\n";
  EXPECT_EQ(ErrorOf("mooncake_trace", big),
            "FILE:33: the input_length rows add up to more than 64000000 tokens, each held as "
            "prompt text for the run; give --max-trace-tokens to allow more, or replay a part of "
            "the trace");
#endif
  // The rows add up: under a bound of 640,000 (--max-trace-tokens), 100 rows of 20,000 tokens
  // stop at the 33rd, the first past it.
  std::string rows;
  for (int i = 0; i < 100; ++i)
    rows += "{\"timestamp\": " + std::to_string(i * 10) + ", \"input_length\": 20000}\n";
  auto read = ReadInputFile({Write("in.jsonl", rows), "mooncake_trace", 512, 7, SIZE_MAX, 640'000},
                            nullptr);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find(
                ":33: the input_length rows add up to more than 640000 tokens, each held as"),
            std::string::npos)
      << read.error().message;
}

TEST_F(InputFile, AStopSignalEndsTheReading) {
  std::string rows;
  for (int i = 0; i < 3000; ++i) rows += "{\"text\": \"row\"}\n";
  base::StopSignals().store(1);
  auto read = Read("single_turn", rows);
  base::StopSignals().store(0);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().message, "--input-file " + (dir_ / "in.jsonl").string() +
                                      ": interrupted at line 1024 of reading");
}

TEST_F(InputFile, AMissingFileAndAnEmptyFileAreRefusedPlainly) {
  auto missing = ReadInputFile({(dir_ / "nope.jsonl").string(), "single_turn", 512, 0}, nullptr);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope.jsonl: no such file"), std::string::npos);
  auto empty = Read("single_turn", "\n\n");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("no requests in the file"), std::string::npos);
  auto type = Read("sharegpt_turns", "{}\n");
  ASSERT_FALSE(type);
  EXPECT_NE(type.error().message.find("--custom-dataset-type"), std::string::npos);
}

}  // namespace
}  // namespace servebench::inputs
