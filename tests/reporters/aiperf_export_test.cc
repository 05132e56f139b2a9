// --output-format aiperf: AIPerf's time format, request UUIDs, error types and the shapes of its
// aggregate files from a summary with known values; then profile and analyze end to end, the
// exporter list shared by both (analyze writes the vLLM file too).
#include "reporters/profile_export/aiperf_export.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "tests/support/run_command.h"

namespace servebench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Local time is what AIPerf writes; UTC here so the expected text is fixed.
class UtcZone : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

TEST_F(UtcZone, TimesAreLocalIsoWithMicrosecondsUnlessZero) {
  // 2026-12-07T16:35:16.844580 UTC.
  const int64_t at = int64_t{1796661316} * 1'000'000'000 + 844'580'123;
  EXPECT_EQ(reporters::AiperfTime(at), "2026-12-07T16:35:16.844580");
  EXPECT_EQ(reporters::AiperfTime(int64_t{1796661316} * 1'000'000'000),
            "2026-12-07T16:35:16");  // Python's isoformat drops zero microseconds
}

TEST(AiperfExport, RequestIdsAreVersion4UuidsStablePerRunAndRequest) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (uint64_t id = 0; id < 1000; ++id) {
    const std::string u = reporters::RequestUuid(123456789, id);
    EXPECT_TRUE(std::regex_match(u, uuid)) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(reporters::RequestUuid(123456789, 7), reporters::RequestUuid(123456789, 7));
  EXPECT_NE(reporters::RequestUuid(123456789, 7), reporters::RequestUuid(123456790, 7));
}

TEST(AiperfExport, ErrorTypesAreAiperfs) {
  using reporters::AiperfErrorType;
  EXPECT_EQ(AiperfErrorType({500, "server_error", "boom"}), "Internal Server Error");
  EXPECT_EQ(AiperfErrorType({429, "http", ""}), "Too Many Requests");
  EXPECT_EQ(AiperfErrorType({422, "http", ""}), "Unprocessable Entity");
  EXPECT_EQ(AiperfErrorType({499, "cancelled", ""}), "RequestCancellationError");
  EXPECT_EQ(AiperfErrorType({0, "timeout", ""}), "RequestCancellationError");
  EXPECT_EQ(AiperfErrorType({0, "connect", ""}), "ClientConnectorError");
  EXPECT_EQ(AiperfErrorType({0, "reset", ""}), "ServerDisconnectedError");
  EXPECT_EQ(AiperfErrorType({200, "truncated", ""}), "ClientPayloadError");
  EXPECT_EQ(AiperfErrorType({200, "no_content", ""}), "no_content");
  EXPECT_EQ(AiperfErrorType({599, "http", ""}), "http");
}

// Two requests with known values and one failure.
struct KnownRun {
  std::vector<metrics::RequestMetrics> requests;
  reporters::ProfileReport report;
  reporters::RunInfo info;
  KnownRun() {
    for (int i = 0; i < 2; ++i) {
      metrics::RequestMetrics m;
      m.request_id = i;
      m.last_content_ns = int64_t{1'000'000'000} * (i + 1);  // the run spans 2 s
      m.time_to_first_token = 100.0 * (i + 1);               // 100, 200 ms
      m.request_latency = 1000.0 * (i + 1);                  // 1, 2 s
      m.output_sequence_length = 10.0;
      m.reasoning_token_count = 0.0;
      m.input_sequence_length = 50.0;
      requests.push_back(m);
    }
    metrics::RequestMetrics failed;
    failed.request_id = 2;
    failed.input_sequence_length = 40.0;
    failed.error = records::RecordError{500, "server_error", "boom"};
    requests.push_back(failed);
    report.summary = metrics::Summarize(requests, {});
    info.input_config = {{"model", "a,b"},
                         {"url", "http://h:1"},
                         {"streaming", true},
                         {"endpoint_type", "chat"},
                         {"request_count", 3},
                         {"concurrency", 2},
                         {"isl", 50},
                         {"osl", 10},
                         {"random_seed", 7},
                         {"request_rate", 0.0},
                         {"artifact_dir", "out"}};
    info.command = "servebench profile --model a,b";
  }
  reporters::FinishedRun Run() const { return {report, info, metrics::SourceOf(requests), 2.0}; }
};

TEST(AiperfExport, TheJsonHasAiperfsTagsUnitsAndShapes) {
  const KnownRun known;
  const Json j = reporters::AiperfJson(known.Run());
  EXPECT_EQ(j["schema_version"], "1.4");
  const Json& ttft = j["time_to_first_token"];
  EXPECT_EQ(ttft["unit"], "ms");
  EXPECT_DOUBLE_EQ(ttft["avg"].get<double>(), 150);
  EXPECT_TRUE(ttft["count"].is_number_integer());
  EXPECT_EQ(ttft["count"], 2);
  std::set<std::string> keys;
  for (const auto& [key, value] : ttft.items()) keys.insert(key);
  EXPECT_EQ(keys,
            (std::set<std::string>{"unit", "avg", "p1", "p5", "p10", "p25", "p50", "p75", "p90",
                                   "p95", "p99", "min", "max", "std", "count", "sum"}));
  // 10 tokens over 1 s and over 2 s.
  EXPECT_EQ(j["e2e_output_token_throughput"]["unit"], "tokens/sec/user");
  EXPECT_DOUBLE_EQ(j["e2e_output_token_throughput"]["avg"].get<double>(), 7.5);
  // 50 tokens over 0.1 s and 0.2 s.
  EXPECT_DOUBLE_EQ(j["prefill_throughput_per_user"]["avg"].get<double>(), 375);
  EXPECT_EQ(j["request_count"], (Json{{"unit", "requests"}, {"avg", 2.0}}));
  EXPECT_EQ(j["error_request_count"]["avg"], 1.0);
  EXPECT_EQ(j["completed_request_count"]["avg"], 3.0);
  EXPECT_EQ(j["total_osl"], (Json{{"unit", "tokens"}, {"avg", 20.0}}));
  EXPECT_EQ(j["total_isl"]["avg"], 100.0);
  EXPECT_EQ(j["total_error_isl"]["avg"], 40.0);
  EXPECT_EQ(j["benchmark_duration"]["unit"], "sec");
  EXPECT_FALSE(j.contains("reasoning_token_count"));  // no reasoning: AIPerf writes none
  EXPECT_FALSE(j.contains("schedule_lag"));           // servebench's own: not in AIPerf's file
  EXPECT_EQ(j["error_summary"][0]["error_details"]["type"], "Internal Server Error");
  const Json& config = j["input_config"];
  EXPECT_EQ(config["models"]["items"], (Json::array({{{"name", "a"}}, {{"name", "b"}}})));
  EXPECT_EQ(config["endpoint"]["streaming"], true);
  EXPECT_EQ(config["datasets"][0]["prompts"]["isl"]["mean"], 50.0);
  EXPECT_EQ(config["phases"][0]["type"], "concurrency");
  EXPECT_EQ(config["phases"][0]["concurrency"], 2);
  EXPECT_EQ(j["run_info"]["cli_command"], known.info.command);
}

TEST(AiperfExport, RecordedOptionsOfTheWrongTypeReadAsDefaultsNotACrash) {
  KnownRun known;  // as a hand-edited records file might hold them
  known.info.input_config = {{"model", 5}, {"isl", "many"}, {"random_seed", "x"}, {"url", nullptr}};
  const Json j = reporters::AiperfJson(known.Run());
  EXPECT_EQ(j["input_config"]["models"]["items"], Json::array());
  EXPECT_FALSE(j["input_config"]["datasets"][0]["prompts"].contains("isl"));
  EXPECT_EQ(j["run_info"]["random_seed"], 0);
}

TEST(AiperfExport, TheCsvHasTwoDecimalsCrlfAndRowsSortedByTag) {
  const KnownRun known;
  const std::string csv = reporters::AiperfCsv(known.Run());
  EXPECT_TRUE(csv.starts_with("Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,p95,p99,std\r\n"));
  EXPECT_NE(csv.find("\r\nTime to First Token (ms),150.00,100.00,200.00,300.00,"),
            std::string::npos);
  EXPECT_NE(csv.find("\r\n\r\nMetric,Value\r\n"), std::string::npos);
  EXPECT_NE(csv.find("\r\nRequest Count,2.00\r\n"), std::string::npos);  // no unit on counts
  EXPECT_NE(csv.find("\r\nBenchmark Duration (sec),"), std::string::npos);
  for (size_t at = csv.find('\n'); at != std::string::npos; at = csv.find('\n', at + 1))
    EXPECT_EQ(csv[at - 1], '\r');
  // "Completed Requests…" (completed_request_count) sorts before "Error Request Count".
  EXPECT_LT(csv.find("Completed Requests (Success + Error)"), csv.find("Error Request Count"));
}

TEST(AiperfExport, ProfileAndAnalyzeWriteAiperfsFilesAndAnalyzeWritesVllms) {
  const fs::path dir = testing::FreshTempDir("servebench-aiperf");
  const std::string bin = SERVEBENCH_BINARY;
  const auto run = testing::RunCommand(
      bin +
      " profile --model m --url mock --streaming --concurrency 2 --request-count 12 --isl 16 "
      "--osl 4 --mock-ttft-ms 1 --mock-itl-ms 0 --mock-error-rate 0.25 --mock-seed 5 "
      "--output-format aiperf --artifact-dir " +
      (dir / "run").string());
  ASSERT_EQ(run.status, 0) << run.output;
  for (const char* file : {"profile_export_aiperf.json", "profile_export_aiperf.csv",
                           "profile_export.json", "profile_export.csv"})
    EXPECT_TRUE(fs::exists(dir / "run" / file)) << file;
  std::ifstream lines(dir / "run" / "profile_export.jsonl");
  int ok = 0, failed = 0;
  for (std::string text; std::getline(lines, text);) {
    const Json line = Json::parse(text);
    EXPECT_EQ(line["metadata"]["x_request_id"].get<std::string>().size(), 36u);
    if (line.contains("error")) {
      ++failed;
      EXPECT_EQ(line["error"]["type"], "Internal Server Error");
    } else {
      ++ok;
      EXPECT_TRUE(line["metrics"]["output_sequence_length"]["value"].is_number_integer());
    }
  }
  EXPECT_EQ(ok + failed, 12);
  EXPECT_GT(failed, 0);

  const auto analyzed =
      testing::RunCommand(bin + " analyze " + (dir / "run" / "records.jsonl").string() +
                          " --output-format aiperf --export-vllm " + (dir / "vllm.json").string() +
                          " --artifact-dir " + (dir / "again").string());
  ASSERT_EQ(analyzed.status, 0) << analyzed.output;
  const Json before = Json::parse(testing::ReadFile(dir / "run" / "profile_export_aiperf.json"));
  const Json after = Json::parse(testing::ReadFile(dir / "again" / "profile_export_aiperf.json"));
  EXPECT_EQ(after["time_to_first_token"], before["time_to_first_token"]);
  EXPECT_EQ(after["request_count"], before["request_count"]);
  EXPECT_EQ(Json::parse(testing::ReadFile(dir / "vllm.json"))["completed"],
            before["request_count"]["avg"].get<double>());

  const auto wrong = testing::RunCommand(
      bin + " analyze " + (dir / "run" / "records.jsonl").string() + " --output-format csv");
  EXPECT_EQ(wrong.status, 2) << wrong.output;
  EXPECT_NE(wrong.output.find("--output-format: expected servebench or aiperf, got 'csv'"),
            std::string::npos)
      << wrong.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace servebench
