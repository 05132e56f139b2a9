#include "runner/cases/cases.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "runner/verdicts/verdicts.h"
#include "tests/support/run_command.h"

namespace servebench::cases {
namespace {

std::vector<Case> Expand(const std::string& yaml, const ExpandOptions& options = {}) {
  auto s = suite::ParseSuite(yaml, "s.yaml");
  EXPECT_TRUE(s) << s.error().message;
  auto c = ExpandCases(*s, options);
  EXPECT_TRUE(c) << c.error().message;
  return c ? *c : std::vector<Case>{};
}

// The first error of loading and expanding, or "".
std::string ErrorOf(const std::string& yaml) {
  auto s = suite::ParseSuite(yaml, "s.yaml");
  if (!s) return s.error().message;
  if (auto g = verdicts::CheckGates(s->gates); !g) return g.error().message;
  auto c = ExpandCases(*s);
  return c ? "" : c.error().message;
}

std::vector<std::string> Names(const std::vector<Case>& cases) {
  std::vector<std::string> out;
  for (const auto& c : cases) out.push_back(c.name);
  return out;
}

const char* kHead = "suite: s\ndefaults: {model: m, streaming: true}\n";

TEST(Cases, MatrixIsACartesianProductWithZippedMaps) {
  const auto cases = Expand(std::string(kHead) +
                            "matrix:\n"
                            "  concurrency: [1, 8]\n"
                            "  shape:\n"
                            "    - {isl: 128, osl: 16}\n"
                            "    - {isl: 1024, osl: 256}\n");
  EXPECT_EQ(Names(cases),
            (std::vector<std::string>{
                "s/chat/concurrency:1/isl:128/osl:16", "s/chat/concurrency:1/isl:1024/osl:256",
                "s/chat/concurrency:8/isl:128/osl:16", "s/chat/concurrency:8/isl:1024/osl:256"}));
  EXPECT_EQ(cases[3].flags.concurrency, 8);
  EXPECT_EQ(cases[3].flags.isl, 1024);
  EXPECT_EQ(cases[3].flags.osl, 256);
  EXPECT_TRUE(cases[3].flags.streaming);
  EXPECT_EQ(cases[1].parameters, (std::vector<std::pair<std::string, std::string>>{
                                     {"concurrency", "1"}, {"isl", "1024"}, {"osl", "256"}}));
}

TEST(Cases, ExcludeDropsMatchingCombinationsAndNamesKeepOnlyVaryingKeys) {
  const auto cases = Expand(std::string(kHead) +
                            "matrix:\n"
                            "  concurrency: [1, 32]\n"
                            "  shape: [{isl: 128, osl: 64}, {isl: 1024, osl: 64}]\n"
                            "exclude:\n"
                            "  - {concurrency: 32, isl: 1024}\n");
  // osl is 64 everywhere, so it is not part of the names.
  EXPECT_EQ(Names(cases), (std::vector<std::string>{"s/chat/concurrency:1/isl:128",
                                                    "s/chat/concurrency:1/isl:1024",
                                                    "s/chat/concurrency:32/isl:128"}));
}

TEST(Cases, ExtraCasesUseTheirNameAndMergeOverDefaults) {
  const auto cases = Expand(std::string(kHead) +
                            "matrix: {concurrency: [1, 2]}\n"
                            "cases:\n"
                            "  - {name: bursty, request_rate: 20, arrival_pattern: gamma,"
                            " arrival_smoothness: 0.5, repetitions: 3}\n"
                            "repetitions: 2\n");
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[2].name, "s/chat/bursty");
  EXPECT_DOUBLE_EQ(cases[2].flags.request_rate, 20);
  EXPECT_DOUBLE_EQ(cases[2].flags.arrival_smoothness, 0.5);
  EXPECT_TRUE(cases[2].flags.streaming);
  EXPECT_EQ(cases[2].repetitions, 3);  // the case's own beats the top level
  EXPECT_EQ(cases[0].repetitions, 2);
  EXPECT_EQ(Expand(std::string(kHead) + "matrix: {concurrency: [1]}\n", {5, ""})[0].repetitions, 5);
}

TEST(Cases, FilterSelectsByRegex) {
  const auto cases = Expand(std::string(kHead) + "matrix: {concurrency: [1, 8, 16]}\n",
                            {std::nullopt, "concurrency:1"});
  EXPECT_EQ(Names(cases),
            (std::vector<std::string>{"s/chat/concurrency:1", "s/chat/concurrency:16"}));
}

TEST(Cases, ServerAndMockSettingsBecomeProfileFlags) {
  const auto cases = Expand(
      "suite: s\nserver:\n  url: mock\n  endpoint_type: completions\n  api_key: sk-secret\n"
      "  mock: {ttft_ms: 40, itl_ms: 8}\ndefaults:\n  model: m\n  extra_inputs: {ignore_eos: "
      "true, top_k: 5}\n");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].name, "s/completions");
  EXPECT_DOUBLE_EQ(cases[0].flags.mock.ttft_ms, 40);
  EXPECT_DOUBLE_EQ(cases[0].flags.mock.itl_ms, 8);
  EXPECT_EQ(cases[0].flags.api_key, "sk-secret");
  EXPECT_EQ(cases[0].flags.extra_inputs,
            (std::vector<std::string>{R"({"ignore_eos":true,"top_k":5})"}));
  EXPECT_EQ(cases[0].settings.dump().find("sk-secret"), std::string::npos);
  EXPECT_FALSE(cases[0].fingerprint.contains("api_key"));
}

TEST(Cases, EnvironmentVariablesExpandBeforeTyping) {
  setenv("SB_TEST_CONCURRENCY", "12", 1);
  unsetenv("SB_TEST_UNSET");
  const auto cases = Expand(
      "suite: s\nserver: {url: '${SB_TEST_UNSET:-mock}'}\ndefaults:\n  model: m\n"
      "  concurrency: ${SB_TEST_CONCURRENCY}\n");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].flags.concurrency, 12);
  EXPECT_EQ(cases[0].flags.url, "mock");
  EXPECT_EQ(ErrorOf("suite: s\ndefaults:\n  model: ${SB_TEST_UNSET}\n"),
            "s.yaml:3:10: environment variable SB_TEST_UNSET is not set (set it, or write "
            "${SB_TEST_UNSET:-default})");
}

TEST(Cases, ErrorsNameFileLineAndColumnAndWhatWouldBeRight) {
  EXPECT_EQ(ErrorOf("suite: s\ndefaults:\n  model: m\n  request_cuont: 5\n"),
            "s.yaml:4:3: unknown option 'request_cuont' (use a `servebench profile` flag's long "
            "name in snake_case, e.g. request_count)");
  EXPECT_EQ(ErrorOf("suite: s\ndefaults:\n  model: m\n  concurrency: many\n"),
            "s.yaml:4:3: profile: --concurrency: expected a whole number from 1 to 100000, got "
            "'many'");
  EXPECT_EQ(ErrorOf("suite: s\ndefaults:\n  model: m\n  concurrency: [1, 2]\n"),
            "s.yaml:4:3: 'concurrency' takes one value, not a list (a list of values belongs in "
            "matrix)");
  EXPECT_EQ(ErrorOf("suite: s\ndefaults:\n  model: {name: m}\n"),
            "s.yaml:3:3: 'model' takes one value, not a map");
  EXPECT_EQ(ErrorOf("suite: s\ndefaults: {model: m}\nmatrix: {}\n"),
            "s.yaml:3:9: the matrix is empty; give at least one key");
  EXPECT_EQ(ErrorOf("suite: s\ndefaults: {model: m}\nmatrix:\n  concurrency: []\n"),
            "s.yaml:4:3: matrix key 'concurrency' should be a non-empty list of values, or of "
            "maps that vary together");
  // A timeout past the clock's range failed every case at once.
  EXPECT_EQ(ErrorOf("suite: s\ndefaults: {model: m}\ntimeout: 9999999999\n"),
            "s.yaml:3:10: timeout should be a time span such as 90s, 10m or 1h (at most "
            "10000000 s)");
  EXPECT_EQ(ErrorOf("suite: s\nsuites: x\n"),
            "s.yaml:2:1: unknown key 'suites' (expected suite, description, server, defaults, "
            "matrix, exclude, cases, gates, labels, repetitions or timeout)");
  EXPECT_EQ(ErrorOf("suite: s\ndefaults: {model: m}\ngates:\n  time_to_first_token.p99: "
                    "{better: lower, tolerance: 10}\n"),
            "s.yaml:4:55: tolerance should be a percentage, e.g. 10%, or auto");
  EXPECT_EQ(ErrorOf("suite: s\ndefaults: {model: m}\ngates:\n  ttft.p99: {max: 5}\n"),
            "s.yaml:4:3: gate on unknown metric 'ttft.p99' (e.g. time_to_first_token.p99, "
            "inter_token_latency.p50, output_token_throughput, request_error_rate)");
  // A YAML syntax error carries the parser's place.
  EXPECT_EQ(ErrorOf("suite: s\ndefaults: {model: m\n").rfind("s.yaml:3:1: ", 0), 0u);
  EXPECT_EQ(ErrorOf("suite: S!\n"),
            "s.yaml:1:8: suite should be a name of letters, digits, '.', '_' and '-'");
  EXPECT_EQ(ErrorOf("suite: ..\n"),
            "s.yaml:1:8: suite should be a name of letters, digits, '.', '_' and '-'");
}

TEST(Cases, AGateToleranceMayBeAuto) {
  auto s = suite::ParseSuite(std::string(kHead) +
                                 "gates:\n  time_to_first_token.p50: {better: lower, tolerance: "
                                 "auto, floor: 2ms}\n",
                             "s.yaml");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->gates.size(), 1u);
  EXPECT_TRUE(s->gates[0].auto_tolerance);
  EXPECT_DOUBLE_EQ(s->gates[0].floor, 2);
}

TEST(Cases, LabelsNameWhatTheSuiteMeasures) {
  auto s =
      suite::ParseSuite(std::string(kHead) + "labels: {gpu: H100, engine: vllm-0.11}\n", "s.yaml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->labels,
            (std::map<std::string, std::string>{{"gpu", "H100"}, {"engine", "vllm-0.11"}}));
  EXPECT_EQ(ErrorOf(std::string(kHead) + "labels: {gpu: [a]}\n"),
            "s.yaml:3:15: label gpu should be a plain value");
}

TEST(Cases, DuplicateNamesAreAnError) {
  EXPECT_EQ(ErrorOf(std::string(kHead) +
                    "cases:\n  - {name: a, concurrency: 1}\n  - {name: a, concurrency: 2}\n"),
            "s.yaml:5:5: case name 's/chat/a' is already used at s.yaml:4:5; names must be "
            "unique");
  EXPECT_EQ(ErrorOf(std::string(kHead) + "matrix: {concurrency: [4, 4]}\n"),
            "s.yaml:3:27: case name 's/chat' is already used at s.yaml:3:24; names must be "
            "unique");
}

// Found by fuzz/suite_loader_fuzz.cc: a value that is not UTF-8 threw from the JSON writer.
TEST(Cases, TextThatIsNotUtf8IsRefusedWithItsPlace) {
  EXPECT_EQ(ErrorOf("suite: s\ndefaults:\n  model: \xcf\x28\n"),
            "s.yaml:3:10: the value is not valid UTF-8 text");
  EXPECT_EQ(ErrorOf("suite: s\ndefaults:\n  model: m\n  extra_inputs: {\xff: 1}\n"),
            "s.yaml:4:18: the key is not valid UTF-8 text");
}

TEST(Cases, ExcludeMustNameAMatrixKey) {
  EXPECT_EQ(ErrorOf(std::string(kHead) +
                    "matrix: {concurrency: [1, 2]}\nexclude:\n  - {concurency: 1}\n"),
            "s.yaml:5:6: exclude names 'concurency', which is not a matrix key");
}

TEST(Cases, ACombinationTheProfileWouldRefuseIsRefusedWithItsPlace) {
  EXPECT_EQ(ErrorOf(std::string(kHead) + "matrix: {isl: [0, 8]}\n"),
            "s.yaml:3:16: profile: --isl: expected a whole number from 1 to 2000000, got '0'");
  // Rules between options too: a duration and a count both say when to stop.
  EXPECT_EQ(ErrorOf("suite: s\ndefaults: {model: m, request_count: 10}\n"
                    "matrix: {benchmark_duration: [5]}\n"),
            "s.yaml:3:31: --benchmark-duration and --request-count both say when to stop; give "
            "one of them");
}

}  // namespace
}  // namespace servebench::cases

namespace servebench::cases {
namespace {

// A suite file in a fresh folder with two data files beside it.
struct SuiteFolder {
  std::filesystem::path dir = testing::FreshTempDir("sb-suite-data");
  ~SuiteFolder() { std::filesystem::remove_all(dir); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
  }
  base::Expected<std::vector<Case>> Expand(const std::string& yaml) {
    Write("s.yaml", yaml);
    auto s = suite::LoadSuite((dir / "s.yaml").string());
    if (!s) return s.error();
    return ExpandCases(*s);
  }
};

TEST(Cases, ADatasetIsAMatrixAxisResolvedBesideTheSuiteWithItsSha256InTheFingerprint) {
  SuiteFolder f;
  f.Write("chat.jsonl", "{\"text\": \"hello\"}\n");
  f.Write("code.jsonl", "{\"text\": \"def f(): pass\"}\n");
  auto cases = f.Expand(std::string(kHead) + "matrix:\n  dataset: [chat.jsonl, code.jsonl]\n");
  ASSERT_TRUE(cases) << cases.error().message;
  ASSERT_EQ(cases->size(), 2u);
  EXPECT_EQ((*cases)[0].flags.input_file, (f.dir / "chat.jsonl").string());
  EXPECT_EQ((*cases)[0].fingerprint["dataset"], "chat.jsonl");  // as written: portable
  EXPECT_EQ((*cases)[0].fingerprint["dataset_sha256"],
            suite::Sha256Hex("chat.jsonl" + std::string(1, '\0') + "{\"text\": \"hello\"}\n"));
  const auto before = (*cases)[1].fingerprint;
  // The same name with other contents is another case: a baseline of it is INVALID.
  f.Write("code.jsonl", "{\"text\": \"fn main() {}\"}\n");
  auto changed = f.Expand(std::string(kHead) + "matrix:\n  dataset: [chat.jsonl, code.jsonl]\n");
  ASSERT_TRUE(changed);
  EXPECT_NE((*changed)[1].fingerprint, before);
  EXPECT_EQ((*changed)[0].fingerprint, (*cases)[0].fingerprint);
}

TEST(Cases, ABadLineInACasesInputFileStopsTheSuiteBeforeItRuns) {
  SuiteFolder f;
  f.Write("bad.jsonl", "{\"text\": \"ok\"}\n{\"text\": 5}\n");
  auto cases = f.Expand(
      "suite: s\ndefaults: {model: m, input_file: bad.jsonl}\nmatrix: {concurrency: [1, 2]}\n");
  ASSERT_FALSE(cases);
  EXPECT_NE(cases.error().message.find("bad.jsonl:2: text should be a non-empty string"),
            std::string::npos)
      << cases.error().message;
}

}  // namespace
}  // namespace servebench::cases
