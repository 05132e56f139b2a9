// ShareGPT: a generated file of 400 ShareGPT-shaped conversations gives exactly the set that
// vLLM's rules keep, counted here independently; the cache and the download say where they are.
#include "runner/inputs/sharegpt.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runner/base/rng.h"
#include "runner/inputs/corpus.h"
#include "tests/support/run_command.h"

namespace servebench::inputs {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct Generated {
  fs::path dir = testing::FreshTempDir("sb-sharegpt");
  Json data = Json::array();
  ~Generated() { fs::remove_all(dir); }
  std::string path() const { return (dir / "sharegpt.json").string(); }
};

// Conversations of 0 to 4 messages whose texts run from a few bytes to 4 KB, around every
// filter's edge.
Generated Generate() {
  Generated g;
  const std::string corpus = GenerateCorpus(400'000, 11);
  base::Rng rng(5);
  auto text = [&](size_t bytes) {
    const size_t start =
        static_cast<size_t>(rng.Uniform() * static_cast<double>(corpus.size() - bytes - 1));
    return corpus.substr(start, bytes);
  };
  for (int i = 0; i < 400; ++i) {
    Json messages = Json::array();
    const int count = i % 10 == 0 ? static_cast<int>(i % 3) : 2 + i % 3;
    for (int m = 0; m < count; ++m) {
      const double u = rng.Uniform();
      const size_t bytes =
          u < 0.1 ? 1 + static_cast<size_t>(u * 200) : static_cast<size_t>(u * 4000);
      messages.push_back({{"from", m % 2 ? "gpt" : "human"}, {"value", text(bytes)}});
    }
    g.data.push_back({{"id", "c" + std::to_string(i)}, {"conversations", messages}});
  }
  std::ofstream(g.path()) << g.data.dump();
  return g;
}

// vLLM's rules, written out again: the first two messages; prompt 4..1024 tokens; completion at
// least 4 unless the output is fixed; 2048 in all.
std::vector<std::pair<std::string, int64_t>> Expected(const Json& data, const Tokenizer& t,
                                                      int64_t fixed_output) {
  std::vector<std::pair<std::string, int64_t>> kept;
  for (const auto& entry : data) {
    const Json& c = entry["conversations"];
    if (c.size() < 2) continue;
    const int64_t prompt = t.Count(c[0]["value"].get<std::string>());
    const int64_t completion = t.Count(c[1]["value"].get<std::string>());
    const int64_t output = fixed_output > 0 ? fixed_output : completion;
    if (prompt < 4 || prompt > 1024) continue;
    if (fixed_output == 0 && completion < 4) continue;
    if (prompt + output > 2048) continue;
    kept.push_back({entry["id"], output});
  }
  return kept;
}

std::vector<std::pair<std::string, int64_t>> Kept(const std::vector<Conversation>& read) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& c : read) out.push_back({c.session_id, c.turns.at(0).max_tokens});
  return out;
}

TEST(ShareGpt, KeepsExactlyWhatVllmsRulesKeep) {
  const Generated g = Generate();
  auto tokenizer = Tokenizer::Load(SERVEBENCH_TEST_TOKENIZER);
  ASSERT_TRUE(tokenizer);
  for (int64_t osl : {int64_t{0}, int64_t{1500}}) {
    auto read = ReadShareGpt(g.path(), tokenizer->get(), osl);
    ASSERT_TRUE(read) << read.error().message;
    const auto want = Expected(g.data, **tokenizer, osl);
    EXPECT_EQ(Kept(*read), want) << "osl " << osl;
    // Every filter bites somewhere in the generated file.
    EXPECT_GT(want.size(), 80u);
    EXPECT_LT(want.size(), 320u);
  }
}

TEST(ShareGpt, BadFilesAreRefusedPlainly) {
  const Generated g;
  std::ofstream(g.path()) << "{\"conversations\": []}";
  auto read = ReadShareGpt(g.path(), nullptr, 0);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("not ShareGPT's format"), std::string::npos);
  std::ofstream(g.path(), std::ios::trunc) << "[{\"id\": \"x\"}]";
  read = ReadShareGpt(g.path(), nullptr, 0);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("entry 0 has no \"conversations\" list"), std::string::npos);
}

TEST(ShareGpt, TheCachedCopyIsUsedAndAFailedDownloadSaysWhatToDo) {
  const Generated g;
  ASSERT_EQ(setenv("SERVEBENCH_CACHE_DIR", g.dir.c_str(), 1), 0);
  ASSERT_EQ(setenv("SERVEBENCH_SHAREGPT_URL", "http://127.0.0.1:9/none.json", 1), 0);
  std::string note;
  auto missing = LocateShareGpt("", &note);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot download http://127.0.0.1:9/none.json"),
            std::string::npos);
  EXPECT_NE(missing.error().message.find("--dataset-path FILE"), std::string::npos);
  const fs::path cached = g.dir / "sharegpt" / "ShareGPT_V3_unfiltered_cleaned_split.json";
  fs::create_directories(cached.parent_path());
  std::ofstream(cached) << "[]";
  auto found = LocateShareGpt("", &note);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, cached.string());
  EXPECT_NE(note.find("from the cache"), std::string::npos);
  unsetenv("SERVEBENCH_CACHE_DIR");
  unsetenv("SERVEBENCH_SHAREGPT_URL");
}

}  // namespace
}  // namespace servebench::inputs
