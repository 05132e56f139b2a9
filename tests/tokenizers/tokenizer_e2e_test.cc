// Tokenizers end to end: the mock speaks in a tokenizer.json's tokens, serves /tokenize and
// /detokenize as vLLM does, `--tokenizer server` builds exact prompts through them, and a
// Hugging Face name is downloaded into the local cache over real HTTP.
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "runner/inputs/prompts.h"
#include "runner/records/records_file.h"
#include "runner/tokenizers/tokenizer.h"
#include "tests/support/mock_fixture.h"
#include "tests/support/run_command.h"
#include "tests/support/toy_bpe.h"

namespace servebench::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Each prompt of a run's inputs.json, counted with the tokenizer, must be `isl` tokens.
void ExpectExactPrompts(const fs::path& inputs, const tokenizers::Tokenizer& t, int64_t isl) {
  const Json payloads = Json::parse(ReadFile(inputs))["payloads"];
  ASSERT_FALSE(payloads.empty());
  for (const auto& p : payloads) {
    EXPECT_EQ(t.Count(p["messages"][0]["content"].get<std::string>()), isl);
  }
}

// The streamed reasoning and content of every record, recounted, must equal the usage; the
// prompt's usage counts the BOS the tokenizer's config has a server add.
void ExpectRecountEqualsUsage(const fs::path& out, const tokenizers::Tokenizer& t, int64_t isl) {
  int records = 0;
  auto read = records::ReadRecords(out / "records.jsonl", [&](records::Record r) {
    ++records;
    std::string content, reasoning;
    int64_t completion = -1, prompt = -1;
    for (const auto& e : r.events) {
      if (e.data == "[DONE]") continue;
      const Json j = Json::parse(e.data);
      if (j.contains("usage") && j["usage"].is_object()) {
        completion = j["usage"]["completion_tokens"];
        prompt = j["usage"]["prompt_tokens"];
      }
      if (!j.contains("choices") || j["choices"].empty()) continue;
      const Json& delta = j["choices"][0]["delta"];
      if (delta.contains("content") && delta["content"].is_string()) content += delta["content"];
      if (delta.contains("reasoning_content")) reasoning += delta["reasoning_content"];
    }
    EXPECT_EQ(t.Count(content) + t.Count(reasoning), completion) << content;
    EXPECT_EQ(prompt, isl + 1);  // the toy's tokenizer_config.json: add_bos_token
  });
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_GT(records, 0);
}

class TokenizerEndToEnd : public ::testing::TestWithParam<ToyStyle> {
 protected:
  void SetUp() override {
    WriteToyBpe(folder, GetParam());
    auto loaded = tokenizers::Tokenizer::Load(folder.string());
    ASSERT_TRUE(loaded) << loaded.error().message;
    t = *loaded;
  }
  ScratchDir w{"sb-tok-e2e"};
  fs::path folder = w.dir / "toy";
  std::shared_ptr<tokenizers::Tokenizer> t;
};

TEST_P(TokenizerEndToEnd, TheMockSpeaksInTheTokenizersTokens) {
  const fs::path out = w.dir / "out";
  const auto run = RunCommand(kBinary + " profile --model m --streaming --concurrency 4" +
                              " --request-count 16 --isl 64 --osl 23 --tokenizer " +
                              folder.string() + " --mock-tokenizer " + folder.string() +
                              " --mock-ttft-ms 1 --mock-itl-ms 1 --mock-tokens-per-chunk 3" +
                              " --mock-reasoning-tokens 4 --artifact-dir " + out.string());
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output.find("usage differs"), std::string::npos) << run.output;
  ExpectExactPrompts(out / "inputs.json", *t, 64);
  ExpectRecountEqualsUsage(out, *t, 64);
}

TEST_P(TokenizerEndToEnd, TokenizerServerBuildsExactPromptsThroughTheServersTokenize) {
  const fs::path out = w.dir / "out";
  const auto run = RunCommand(kBinary + " profile --model m --streaming --concurrency 2" +
                              " --request-count 12 --isl 100 --osl 9 --tokenizer server" +
                              " --mock-tokenizer " + folder.string() +
                              " --mock-ttft-ms 1 --mock-itl-ms 1 --artifact-dir " + out.string());
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output.find("usage differs"), std::string::npos) << run.output;
  ExpectExactPrompts(out / "inputs.json", *t, 100);
  ExpectRecountEqualsUsage(out, *t, 100);
}

INSTANTIATE_TEST_SUITE_P(Styles, TokenizerEndToEnd,
                         ::testing::Values(ToyStyle::kByteLevel, ToyStyle::kSentencePiece));

TEST(TokenizerServer, WithoutTheRoutesTheRunStopsWithOneLineBeforeSending) {
  ScratchDir w("sb-tok-e2e");
  const auto run = RunCommand(kBinary + " profile --model m --request-count 3 --isl 50" +
                              " --tokenizer server --artifact-dir " + (w.dir / "out").string());
  EXPECT_EQ(run.status, 2) << run.output;
  EXPECT_NE(run.output.find("--tokenizer server: "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("/tokenize answered HTTP 404"), std::string::npos) << run.output;
  EXPECT_FALSE(fs::exists(w.dir / "out" / "records.jsonl"));
}

TEST(MockTokenize, ServesTokenizeAndDetokenizeAsVllmDoes) {
  ScratchDir w("sb-tok-e2e");
  WriteToyBpe(w.dir, ToyStyle::kByteLevel);
  auto t = *tokenizers::Tokenizer::Load(w.dir.string());
  mock::MockOptions o;
  o.tokenizer = w.dir.string();
  RunningMock mock(o);
  const std::string text = "The quick fox, 42 times!";
  const auto reply =
      HttpPost(mock.port(), "/tokenize", Json{{"model", "m"}, {"prompt", text}}.dump());
  ASSERT_EQ(reply.status, 200) << reply.body;
  const Json got = Json::parse(reply.body);
  EXPECT_EQ(got["tokens"].get<std::vector<int>>(), t->Encode(text));
  EXPECT_EQ(got["count"], t->Encode(text).size());
  EXPECT_TRUE(got["max_model_len"].is_number_integer());
  const Json chat = {{"model", "m"}, {"messages", {{{"role", "user"}, {"content", text}}}}};
  EXPECT_EQ(Json::parse(HttpPost(mock.port(), "/tokenize", chat.dump()).body)["tokens"],
            got["tokens"]);
  const auto back =
      HttpPost(mock.port(), "/detokenize", Json{{"model", "m"}, {"tokens", got["tokens"]}}.dump());
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(Json::parse(back.body)["prompt"], text);
  EXPECT_EQ(HttpPost(mock.port(), "/tokenize", "{\"model\": \"m\"}").status, 400);
  EXPECT_EQ(HttpPost(mock.port(), "/detokenize", "{\"model\": \"m\", \"tokens\": [-1]}").status,
            400);

  RunningMock bare(mock::MockOptions{});
  EXPECT_EQ(HttpPost(bare.port(), "/tokenize", Json{{"model", "m"}, {"prompt", "x"}}.dump()).status,
            404);
}

// Counts the calls a prompt builder makes, passing them to a real tokenizer.
class CountingTokenizer : public tokenizers::Tokenizer {
 public:
  explicit CountingTokenizer(std::shared_ptr<Tokenizer> inner) : inner_(std::move(inner)) {}
  std::vector<int> Encode(std::string_view text) const override {
    ++calls;
    return inner_->Encode(text);
  }
  std::string Decode(const std::vector<int>& ids) const override {
    ++calls;
    return inner_->Decode(ids);
  }
  std::vector<int> WholeWordIds() const override { return inner_->WholeWordIds(); }
  std::string WordText(int id) const override { return inner_->WordText(id); }
  bool ImpliesLeadingSpace() const override { return inner_->ImpliesLeadingSpace(); }
  mutable int calls = 0;

 private:
  std::shared_ptr<Tokenizer> inner_;
};

TEST(TokenizerServer, APromptCostsAFewCallsNotOnePerToken) {
  ScratchDir w("sb-tok-e2e");
  WriteToyBpe(w.dir, ToyStyle::kByteLevel);
  CountingTokenizer counting(*tokenizers::Tokenizer::Load(w.dir.string()));
  inputs::PromptOptions o;
  o.count = 50;
  o.isl = 2000;
  auto prompts = inputs::MakePrompts(o, &counting);
  ASSERT_TRUE(prompts) << prompts.error().message;
  for (const auto& p : *prompts) EXPECT_EQ(counting.Count(p.text), 2000);
  // One encoding of the corpus, then a decode and a recount per try (usually one try).
  EXPECT_LE(counting.calls - 50, 1 + 50 * 2 * 3);
}

TEST(TokenizerDownload, ANameMissingFromTheCacheIsFetchedIntoIt) {
  ScratchDir w("sb-tok-e2e");
  WriteToyBpe(w.dir / "served", ToyStyle::kByteLevel);
  httplib::Server hub;
  std::string auth;
  hub.Get("/acme/toy/resolve/main/(.*)", [&](const httplib::Request& req, httplib::Response& res) {
    auth = req.get_header_value("Authorization");
    const fs::path file = w.dir / "served" / req.matches[1].str();
    if (!fs::exists(file)) {
      res.status = 404;
      return;
    }
    res.set_content(ReadFile(file), "application/json");
  });
  const int port = hub.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { hub.listen_after_bind(); });  // bound and listening already
  ASSERT_EQ(setenv("HF_HOME", (w.dir / "hf").c_str(), 1), 0);
  ASSERT_EQ(setenv("HF_ENDPOINT", ("http://127.0.0.1:" + std::to_string(port)).c_str(), 1), 0);
  ASSERT_EQ(setenv("HF_TOKEN", "hf_secret", 1), 0);
  auto loaded = tokenizers::Tokenizer::Load("acme/toy");
  unsetenv("HF_HOME");
  unsetenv("HF_ENDPOINT");
  unsetenv("HF_TOKEN");
  hub.stop();
  serving.join();
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(auth, "Bearer hf_secret");
  const fs::path cached = w.dir / "hf" / "hub" / "models--acme--toy" / "snapshots" / "main";
  EXPECT_TRUE(fs::exists(cached / "tokenizer.json"));
  EXPECT_TRUE(fs::exists(cached / "tokenizer_config.json"));
  EXPECT_EQ((*loaded)->Decode((*loaded)->Encode("hello there")), "hello there");
}

}  // namespace
}  // namespace servebench::testing
