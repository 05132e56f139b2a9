// --export-vllm end to end: a run on the mock with injected errors, then every key of vLLM's
// result file recomputed independently from the same run's JSONL (numpy's definitions).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/run_command.h"

namespace servebench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// numpy.percentile's default (linear between order statistics).
double NumpyPercentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double at = q / 100 * static_cast<double>(v.size() - 1);
  const size_t low = static_cast<size_t>(std::floor(at));
  const size_t high = std::min(low + 1, v.size() - 1);
  return v[low] + (v[high] - v[low]) * (at - static_cast<double>(low));
}

double Mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

double PopulationStd(const std::vector<double>& v) {
  const double m = Mean(v);
  double sum = 0;
  for (double x : v) sum += (x - m) * (x - m);
  return std::sqrt(sum / static_cast<double>(v.size()));
}

TEST(VllmExport, EveryKeyMatchesARecomputationFromTheJsonl) {
  const fs::path dir = testing::FreshTempDir("servebench-vllm");
  const auto run = testing::RunCommand(
      std::string(SERVEBENCH_BINARY) +
      " profile --model m --url mock --streaming --concurrency 4 --request-count 40 --isl 32 "
      "--osl 12 --extra-inputs ignore_eos:true --mock-ttft-ms 3 --mock-itl-ms 1 "
      "--mock-tokens-per-chunk 2 --mock-error-rate 0.2 --mock-seed 3 --tokenizer " +
      SERVEBENCH_TEST_TOKENIZER + " --artifact-dir " + (dir / "run").string() + " --export-vllm " +
      (dir / "vllm.json").string());
  ASSERT_EQ(run.status, 0) << run.output;
  const Json v = Json::parse(testing::ReadFile(dir / "vllm.json"));

  std::vector<double> ttft, tpot, itl, e2el;
  double osl = 0, isl = 0;
  int64_t completed = 0, failed = 0, first_start = INT64_MAX, last_end = 0;
  std::ifstream in(dir / "run" / "profile_export.jsonl");
  for (std::string text; std::getline(in, text);) {
    const Json line = Json::parse(text);
    first_start = std::min<int64_t>(first_start, line["metadata"]["start_ns"]);
    last_end = std::max<int64_t>(last_end, line["metadata"]["end_ns"]);
    if (!line["error"].is_null()) {
      ++failed;
      continue;
    }
    ++completed;
    const Json& m = line["metrics"];
    ttft.push_back(m["time_to_first_token"]["value"]);
    tpot.push_back(m["inter_token_latency"]["value"]);
    e2el.push_back(m["request_latency"]["value"]);
    for (double g : m["inter_chunk_latency"]["value"]) itl.push_back(g);
    osl += m["output_sequence_length"]["value"].get<double>();
    isl += m["input_sequence_length"]["value"].get<double>();
  }
  EXPECT_EQ(v["completed"], completed);
  EXPECT_EQ(v["failed"], failed);
  EXPECT_GT(failed, 0);
  EXPECT_EQ(v["total_output_tokens"], osl);
  EXPECT_EQ(v["total_input_tokens"], isl);
  EXPECT_EQ(osl, 12.0 * static_cast<double>(completed));
  // duration is the measured run's wall time: it holds every request.
  const double duration = v["duration"];
  EXPECT_GE(duration, static_cast<double>(last_end - first_start) / 1e9);
  EXPECT_DOUBLE_EQ(v["request_throughput"], completed / duration);
  EXPECT_DOUBLE_EQ(v["output_throughput"], osl / duration);
  EXPECT_DOUBLE_EQ(v["total_token_throughput"], (isl + osl) / duration);
  EXPECT_EQ(itl.size(), static_cast<size_t>(completed) * 5);  // 6 chunks of 2 tokens: 5 gaps
  for (const auto& [name, values] : std::vector<std::pair<std::string, std::vector<double>>>{
           {"ttft", ttft}, {"tpot", tpot}, {"itl", itl}, {"e2el", e2el}}) {
    EXPECT_NEAR(v["mean_" + name + "_ms"], Mean(values), 1e-9) << name;
    EXPECT_NEAR(v["median_" + name + "_ms"], NumpyPercentile(values, 50), 1e-9) << name;
    EXPECT_NEAR(v["std_" + name + "_ms"], PopulationStd(values), 1e-9) << name;
    EXPECT_NEAR(v["p99_" + name + "_ms"], NumpyPercentile(values, 99), 1e-9) << name;
  }
  EXPECT_EQ(v["ttfts"].size(), static_cast<size_t>(completed));
  EXPECT_EQ(v["input_lens"].size(), static_cast<size_t>(completed + failed));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace servebench
