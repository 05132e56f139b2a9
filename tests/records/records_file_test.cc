// The records file: records round-trip exactly; `analyze` on a run's records reproduces the
// run's own files byte for byte; halves of a run merged equal the whole; a new goodput or
// token-count source is a new analysis of the same records.
#include "runner/records/records_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/support/run_command.h"

namespace servebench::testing {
namespace {

namespace fs = std::filesystem;
using records::Record;
using Json = nlohmann::json;

Record StreamedRecord() {
  Record r;
  r.request_id = 7;
  r.model = "m";
  r.warmup = true;
  r.scheduled_ns = 1000;
  r.ready_ns = 1500;
  r.start_ns = 2000;
  r.headers_ns = 2500;
  r.end_ns = 9000;
  r.wall_start_ns = 1'700'000'000'000'000'000;
  r.status = 200;
  r.content_type = "text/event-stream";
  r.streaming = true;
  r.input_tokens = 12;
  r.requested_max_tokens = 20;
  r.events = {{3000, R"({"choices":[{"delta":{"content":"a\n\"b\""}}]})", false},
              {4000, "oops", true},
              {5000, "[DONE]", false}};
  r.body = R"({"error":{"message":"late"}})";  // a stream can also carry a whole error body
  r.error = records::RecordError{499, "cancelled", "cancelled after 1 s"};
  return r;
}

TEST(RecordsFile, RecordsRoundTripExactly) {
  const Record streamed = StreamedRecord();
  EXPECT_EQ(*records::RecordOf(records::RecordJson(streamed)), streamed);
  Record whole;
  whole.request_id = 1;
  whole.start_ns = 5;
  whole.end_ns = 6;
  whole.status = 200;
  whole.body = R"({"choices":[{"message":{"content":"hi"}}]})";
  whole.location = "http://elsewhere/";
  EXPECT_EQ(*records::RecordOf(records::RecordJson(whole)), whole);
  EXPECT_FALSE(records::RecordOf(nlohmann::json{{"start_ns", 1}}));  // no id
}

// The line is written by hand for speed, exactly as nlohmann writes it: parsing it and writing
// it again with the library gives the same text, escapes, non-ASCII text and key order included.
TEST(RecordsFile, ALineIsTheLibrarysOwnJsonText) {
  Record r = StreamedRecord();
  r.events.push_back(
      {6000, std::string("tab\t cr\r bell\x07 del\x7f é 世界 🙂 back\\slash /"), false});
  r.session_id = "s-1";
  r.turn = 2;
  r.location = "http://elsewhere/";
  r.connect_ns = 120;
  const std::string line = records::RecordLine(r);
  EXPECT_EQ(Json::parse(line).dump(), line);
  EXPECT_EQ(*records::RecordOf(Json::parse(line)), r);
}

// Texts of every ASCII byte and multi-byte characters, at lengths across the writer's 16-byte
// steps and its 1 KiB pieces: each line is the library's own text for it, and reads back.
TEST(RecordsFile, EveryLengthAndByteIsWrittenAsTheLibraryWould) {
  std::mt19937 random(5);
  const std::vector<std::string> pieces = {"\xc3\xa9", "\xe4\xb8\x96", "\xf0\x9f\x99\x82"};
  for (size_t length : {0, 1, 15, 16, 17, 31, 33, 1000, 1017, 1024, 1031, 5000}) {
    Record r = StreamedRecord();
    std::string text;
    while (text.size() < length) {
      const unsigned pick = random() % 160;
      text += pick < 128 ? std::string(1, static_cast<char>(pick)) : pieces[pick % pieces.size()];
    }
    r.events[0].data = text;
    const std::string line = records::RecordLine(r);
    ASSERT_EQ(Json::parse(line).dump(), line) << length;
    EXPECT_EQ(*records::RecordOf(Json::parse(line)), r);
    r.events[0].data = text + "\xff";  // not UTF-8 past the first pieces: base64, whole
    EXPECT_EQ(*records::RecordOf(Json::parse(records::RecordLine(r))), r);
  }
}

// Bytes that are not UTF-8 cannot sit in a JSON string: they are kept as base64 and read back
// byte for byte.
TEST(RecordsFile, TextThatIsNotUtf8RoundTripsByteForByte) {
  Record r = StreamedRecord();
  r.events[0].data = "{\"choices\":[{\"delta\":{\"content\":\"\xff\xfe\"}}]}";
  r.body = std::string("\xc0\x80", 2);
  r.error->message = "bad \xed\xa0\x80 surrogate";
  r.model = "m\xf5";
  const std::string line = records::RecordLine(r);
  EXPECT_NE(line.find(R"([1000,{"base64":")"), std::string::npos) << line;
  EXPECT_EQ(*records::RecordOf(Json::parse(line)), r);
  Json corrupt = Json::parse(line);
  corrupt["body"]["base64"] = "not base64!";
  EXPECT_FALSE(records::RecordOf(corrupt));
}

TEST(RecordsFile, WrittenFilesReadBackWithTheirHeaderAndEnd) {
  const fs::path dir = FreshTempDir("records");
  {
    records::RecordsWriter w(dir / "r.jsonl", {111, 222}, {{"title", "t"}});
    w.Add(StreamedRecord());
    w.Add(StreamedRecord());
    ASSERT_TRUE(w.Finish({{"done", true}}));
  }
  std::vector<Record> read;
  auto file = records::ReadRecords(dir / "r.jsonl", [&](Record r) { read.push_back(r); });
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->clock.monotonic_ns, 111);
  EXPECT_EQ(file->clock.wall_ns, 222);
  EXPECT_EQ(file->run["title"], "t");
  EXPECT_EQ(file->end["done"], true);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[1], StreamedRecord());
  fs::remove_all(dir);
}

TEST(RecordsFile, ZstdFilesReadBackTheSameAndACutOneKeepsEveryFlushedRecord) {
  const fs::path dir = FreshTempDir("records");
  for (bool zstd : {false, true}) {
    records::RecordsWriter w(dir / (zstd ? "r.jsonl.zst" : "r.jsonl"), {1, 2}, {{"title", "t"}},
                             zstd);
    for (int i = 0; i < 50; ++i) w.Add(StreamedRecord());
    ASSERT_TRUE(w.Finish({{"done", true}}));
  }
  const std::string plain = ReadFile(dir / "r.jsonl");
  const std::string packed = ReadFile(dir / "r.jsonl.zst");
  EXPECT_LT(packed.size() * 5, plain.size());  // records repeat themselves: zstd folds them
  std::vector<Record> read;
  auto file = records::ReadRecords(dir / "r.jsonl.zst", [&](Record r) { read.push_back(r); });
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(read.size(), 50u);
  EXPECT_EQ(read.back(), StreamedRecord());
  EXPECT_EQ(file->end["done"], true);
  // A run killed while writing: the file stops mid-stream, without the end of its frame.
  {
    records::RecordsWriter w(dir / "cut.jsonl.zst", {1, 2}, {{"title", "t"}}, true);
    for (int i = 0; i < 20; ++i) w.Add(StreamedRecord());
    ASSERT_TRUE(w.Finish({{"done", true}}));
  }
  const std::string whole = ReadFile(dir / "cut.jsonl.zst");
  std::ofstream(dir / "cut.jsonl.zst", std::ios::binary | std::ios::trunc)
      << whole.substr(0, whole.size() - 20);
  int count = 0;
  auto cut = records::ReadRecords(dir / "cut.jsonl.zst", [&](Record) { ++count; });
  ASSERT_TRUE(cut) << cut.error().message;
  EXPECT_EQ(count, 20);  // every record was flushed; only the end line is lost
  EXPECT_TRUE(cut->end.is_null());
  fs::remove_all(dir);
}

TEST(RecordsFile, ACutLastLineIsToleratedAndBadLinesAreNamed) {
  const fs::path dir = FreshTempDir("records");
  const std::string header =
      R"({"servebench_records":1,"clock":{"monotonic_ns":1,"wall_ns":2},"run":{}})";
  const std::string line = records::RecordJson(StreamedRecord()).dump();
  std::ofstream(dir / "cut.jsonl") << header << "\n" << line << "\n" << line.substr(0, 40);
  int count = 0;
  auto cut = records::ReadRecords(dir / "cut.jsonl", [&](Record) { ++count; });
  ASSERT_TRUE(cut);
  EXPECT_EQ(count, 1);  // the killed run's partial line is left out, the rest kept
  EXPECT_TRUE(cut->end.is_null());

  std::ofstream(dir / "bad.jsonl") << header << "\n" << line.substr(0, 40) << "\n" << line << "\n";
  auto bad = records::ReadRecords(dir / "bad.jsonl", [](Record) {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind((dir / "bad.jsonl").string() + ":2: ", 0), 0u);

  std::ofstream(dir / "v9.jsonl") << R"({"servebench_records":9,"clock":{},"run":{}})"
                                  << "\n";
  auto v9 = records::ReadRecords(dir / "v9.jsonl", [](Record) {});
  ASSERT_FALSE(v9);
  EXPECT_NE(v9.error().message.find("records version 9"), std::string::npos);
  fs::remove_all(dir);
}

TEST(RecordsFile, TimesPastInt64AreRefusedNotConverted) {
  // Found by the records_file fuzz target: 2.05e20 read as int64 was undefined behaviour.
  const fs::path dir = FreshTempDir("records");
  std::ofstream(dir / "clock.jsonl")
      << R"({"servebench_records":1,"clock":{"monotonic_ns":205182887503242628949,"wall_ns":2},"run":{}})"
      << "\n";
  auto clock = records::ReadRecords(dir / "clock.jsonl", [](Record) {});
  ASSERT_FALSE(clock);
  EXPECT_EQ(clock.error().message,
            (dir / "clock.jsonl").string() + ":1: the header has no clock or run");
  Json line = records::RecordJson(StreamedRecord());
  line["start_ns"] = 1e300;
  EXPECT_FALSE(records::RecordOf(line));
  line = records::RecordJson(StreamedRecord());
  line["start_ns"] = INT64_MAX;  // an event after it would pass the clock's end
  auto event = records::RecordOf(line);
  ASSERT_FALSE(event);
  EXPECT_NE(event.error().message.find("an event time past the clock's range"), std::string::npos);
  fs::remove_all(dir);
}

TEST(RecordsFile, NonRegularFilesAndEndlessLinesAreRefusedNotReadForever) {
  const fs::path dir = FreshTempDir("records");
  auto zero = records::ReadRecords("/dev/zero", [](Record) {});
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message, "/dev/zero: not a regular file; give a records.jsonl file");
  // One line past the cap, plain and as a zstd stream that expands to it.
  for (bool zstd : {false, true}) {
    const fs::path path = dir / (zstd ? "long.jsonl.zst" : "long.jsonl");
    {
      records::RecordsWriter w(path, {1, 2}, {}, zstd);
      Record huge = StreamedRecord();
      huge.body = std::string(size_t{1} << 20, 'x');
      w.Add(huge);
      ASSERT_TRUE(w.Finish({}));
    }
    auto read = records::ReadRecords(
        path, [](Record) {}, 64 * 1024);
    ASSERT_FALSE(read) << path;
    EXPECT_EQ(read.error().message,
              path.string() +
                  ":2: a line longer than 65536 bytes; is this a servebench records file? "
                  "(--max-record-bytes)");
    int count = 0;
    ASSERT_TRUE(records::ReadRecords(
        path, [&](Record) { ++count; }, 4 << 20));
    EXPECT_EQ(count, 1);
  }
  fs::remove_all(dir);
}

class AnalyzeE2e : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = FreshTempDir("analyze"); }
  void TearDown() override { fs::remove_all(dir_); }
  CommandResult Servebench(const std::string& args) {
    return RunCommand(std::string(SERVEBENCH_BINARY) + " " + args);
  }
  // A streaming run on the built-in mock, counted with the test tokenizer, with an SLO.
  fs::path Profile() {
    const fs::path run = dir_ / "run";
    const CommandResult r = Servebench(
        "profile --model m --streaming --concurrency 6 --request-count 40 --warmup-request-count 4"
        " --isl 40 --osl 12 --mock-ttft-ms 20 --mock-itl-ms 2 --mock-error-rate 0.1"
        " --goodput time_to_first_token:25 --tokenizer " SERVEBENCH_TEST_TOKENIZER
        " --artifact-dir " +
        run.string());
    EXPECT_EQ(r.status, 0) << r.output;
    return run;
  }
  fs::path dir_;
};

TEST_F(AnalyzeE2e, ARunsRecordsGiveItsFilesByteForByte) {
  const fs::path run = Profile();
  const CommandResult r = Servebench("analyze " + (run / "records.jsonl").string() +
                                     " --artifact-dir " + (dir_ / "again").string());
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* name : {"profile_export.json", "profile_export.csv", "profile_export.jsonl"}) {
    EXPECT_EQ(ReadFile(dir_ / "again" / name), ReadFile(run / name)) << name;
  }
  EXPECT_NE(ReadFile(run / "profile_export.json").find("\"goodput\""), std::string::npos);
}

TEST_F(AnalyzeE2e, AQuickstartCaseGivesItsProfileExportByteForByte) {
  const CommandResult run =
      Servebench("run " SERVEBENCH_SOURCE_DIR "/suites/quickstart.yaml --repetitions 1 --out " +
                 (dir_ / "suite").string());
  // Its verdicts against the shipped baseline depend on the machine (a sanitized build is
  // slower and may FAIL, exit 1); only its records and exports matter here.
  ASSERT_TRUE(run.status == 0 || run.status == 1) << run.output;
  int cases = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "suite")) {
    if (entry.path().filename() != "records.jsonl") continue;
    const fs::path again = dir_ / ("again-" + std::to_string(++cases));
    const CommandResult r =
        Servebench("analyze " + entry.path().string() + " --artifact-dir " + again.string());
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(ReadFile(again / "profile_export.json"),
              ReadFile(entry.path().parent_path() / "profile_export.json"))
        << entry.path();
  }
  EXPECT_GE(cases, 2);
}

TEST_F(AnalyzeE2e, ZstdRecordsGiveTheSameFiles) {
  const fs::path packed = dir_ / "zstd";
  const CommandResult run = Servebench(
      "profile --model m --streaming --concurrency 2 --request-count 10 --isl 40 --osl 12"
      " --records-compression zstd --artifact-dir " +
      packed.string());
  ASSERT_EQ(run.status, 0) << run.output;
  ASSERT_TRUE(fs::exists(packed / "records.jsonl.zst"));
  EXPECT_FALSE(fs::exists(packed / "records.jsonl"));
  const CommandResult again = Servebench("analyze " + (packed / "records.jsonl.zst").string() +
                                         " --artifact-dir " + (dir_ / "again").string());
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(ReadFile(dir_ / "again" / "profile_export.json"),
            ReadFile(packed / "profile_export.json"));
  EXPECT_EQ(Servebench("profile --model m --records-compression gzip").status, 2);
}

TEST_F(AnalyzeE2e, TwoHalvesMergedEqualTheWholeRun) {
  const fs::path run = Profile();
  std::ifstream in(run / "records.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 1u + 44 + 1);  // header, 4 warmup + 40 records, end
  std::ofstream first(dir_ / "a.jsonl"), second(dir_ / "b.jsonl");
  first << lines[0] << "\n";
  second << lines[0] << "\n";
  for (size_t i = 1; i < lines.size(); ++i) (i <= 22 ? first : second) << lines[i] << "\n";
  first.close();
  second.close();
  const CommandResult r =
      Servebench("analyze " + (dir_ / "a.jsonl").string() + " " + (dir_ / "b.jsonl").string() +
                 " --artifact-dir " + (dir_ / "merged").string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(ReadFile(dir_ / "merged" / "profile_export.json"),
            ReadFile(run / "profile_export.json"));
  EXPECT_EQ(ReadFile(dir_ / "merged" / "profile_export.jsonl"),
            ReadFile(run / "profile_export.jsonl"));
}

TEST_F(AnalyzeE2e, TheSameRunTwiceAndMixedWorkloadsAreRefusedAndLeaveNoFolder) {
  const fs::path run = Profile();
  const std::string records = (run / "records.jsonl").string();
  const fs::path out = dir_ / "merged";
  // The same run twice would count every request twice.
  CommandResult r =
      Servebench("analyze " + records + " " + records + " --artifact-dir " + out.string());
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find(records + ": request 0 of the same run was read from " + records +
                          " already (the same run given twice?)"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(out));
  // Another ISL is another workload: refused, saying what differs, unless --allow-mixed.
  const fs::path other = dir_ / "other";
  ASSERT_EQ(Servebench("profile --model m --streaming --request-count 4 --isl 16 --osl 12 "
                       "--mock-ttft-ms 1 --mock-itl-ms 1 --artifact-dir " +
                       other.string())
                .status,
            0);
  const std::string both = records + " " + (other / "records.jsonl").string();
  r = Servebench("analyze " + both + " --artifact-dir " + out.string());
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(
      r.output.find("measured another workload than " + records + " (isl 40 vs 16, tokenizer \""),
      std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("give --allow-mixed to merge anyway"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));
  r = Servebench("analyze " + both + " --allow-mixed --artifact-dir " + out.string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("warning: "), std::string::npos);
  // A chat run and a completions run fail before anything is written.
  const fs::path completions = dir_ / "completions";
  ASSERT_EQ(Servebench("profile --model m --endpoint-type completions --request-count 2 "
                       "--mock-ttft-ms 1 --artifact-dir " +
                       completions.string())
                .status,
            0);
  r = Servebench("analyze " + records + " " + (completions / "records.jsonl").string() +
                 " --artifact-dir " + (dir_ / "never").string());
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "never"));
}

TEST_F(AnalyzeE2e, AnotherGoodputIsANewAnalysisOfTheSameRecords) {
  const fs::path run = Profile();
  const auto original = nlohmann::json::parse(ReadFile(run / "profile_export.json"));
  const CommandResult r = Servebench("analyze " + (run / "records.jsonl").string() +
                                     " --goodput time_to_first_token:0.001 --artifact-dir " +
                                     (dir_ / "strict").string());
  ASSERT_EQ(r.status, 0) << r.output;
  const auto strict = nlohmann::json::parse(ReadFile(dir_ / "strict" / "profile_export.json"));
  EXPECT_GT(original["goodput"]["value"].get<double>(), 0);
  EXPECT_EQ(strict["goodput"]["value"].get<double>(), 0);  // no request meets 1 µs
  EXPECT_EQ(strict["time_to_first_token"], original["time_to_first_token"]);
  const CommandResult bad = Servebench("analyze " + (run / "profile_export.jsonl").string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.output.find("no servebench_records header"), std::string::npos);
}

}  // namespace
}  // namespace servebench::testing
