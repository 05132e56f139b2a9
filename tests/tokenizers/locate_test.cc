// --tokenizer takes a .model file, a model folder, or a Hugging Face name from the local cache;
// a folder prefers tokenizer.json, and a missing one says where to put it.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "runner/tokenizers/tokenizer.h"
#include "tests/support/hostile_server.h"
#include "tests/support/run_command.h"

namespace servebench::tokenizers {
namespace {

namespace fs = std::filesystem;

struct ModelFolder {
  fs::path dir = testing::FreshTempDir("sb-tokenizer");
  ~ModelFolder() { fs::remove_all(dir); }
};

TEST(TokenizerLocate, AFolderOrACachedModelNameFindsItsTokenizerModel) {
  ModelFolder f;
  const fs::path model = f.dir / "my-model";
  fs::create_directories(model);
  fs::copy_file(SERVEBENCH_TEST_TOKENIZER, model / "tokenizer.model");
  EXPECT_EQ(*LocateTokenizer(model.string()), (model / "tokenizer.model").string());
  auto loaded = Tokenizer::Load(model.string());
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_GT((*loaded)->Count("a few words"), 0);

  // The Hugging Face cache: models--org--name/snapshots/<revision>, refs/main naming it.
  const fs::path hub = f.dir / "hf" / "hub" / "models--acme--tiny-chat";
  fs::create_directories(hub / "snapshots" / "abc123");
  fs::create_directories(hub / "snapshots" / "000old");
  fs::create_directories(hub / "refs");
  std::ofstream(hub / "refs" / "main") << "abc123";
  fs::copy_file(SERVEBENCH_TEST_TOKENIZER, hub / "snapshots" / "abc123" / "tokenizer.model");
  ASSERT_EQ(setenv("HF_HOME", (f.dir / "hf").c_str(), 1), 0);
  ASSERT_EQ(setenv("HF_ENDPOINT", "http://127.0.0.1:1", 1), 0);  // nothing listens: no download
  auto cached = LocateTokenizer("acme/tiny-chat");
  ASSERT_TRUE(cached) << cached.error().message;
  EXPECT_EQ(*cached, (hub / "snapshots" / "abc123" / "tokenizer.model").string());
  auto missing = LocateTokenizer("acme/other");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find((f.dir / "hf" / "hub" / "models--acme--other").string()),
            std::string::npos)
      << missing.error().message;
  EXPECT_NE(missing.error().message.find("the download failed"), std::string::npos);
  // The failed download leaves no empty snapshot behind, so a later run tries again.
  EXPECT_FALSE(fs::exists(f.dir / "hf" / "hub" / "models--acme--other" / "snapshots"));
  unsetenv("HF_HOME");
  unsetenv("HF_ENDPOINT");
}

TEST(TokenizerLocate, AFolderPrefersItsTokenizerJsonAndABrokenOneIsNamed) {
  ModelFolder f;
  fs::copy_file(SERVEBENCH_TEST_TOKENIZER, f.dir / "tokenizer.model");
  std::ofstream(f.dir / "tokenizer.json") << "{\"model\": {\"type\": \"WordPiece\"}}";
  EXPECT_EQ(*LocateTokenizer(f.dir.string()), (f.dir / "tokenizer.json").string());
  auto refused = Tokenizer::Load(f.dir.string());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("model type 'WordPiece' is not supported"),
            std::string::npos)
      << refused.error().message;
  auto nothing = LocateTokenizer((f.dir / "nope.model").string());
  ASSERT_FALSE(nothing);
  EXPECT_NE(nothing.error().message.find("no such file"), std::string::npos);
}

TEST(TokenizerLocate, ADownloadedPageThatIsNoTokenizerIsNotCached) {
  // A proxy or a login wall answers 200 with an HTML page: cached as tokenizer.json, it would
  // fail every later run and never be downloaded again.
  ModelFolder f;
  testing::HostileServer html([](int fd, const testing::HostileRequest&) {
    const std::string page = "<html><body>Sign in</body></html>";
    testing::SendAll(fd,
                     testing::Head("200 OK", {"Content-Type: text/html",
                                              "Content-Length: " + std::to_string(page.size())}) +
                         page);
    return true;
  });
  ASSERT_EQ(setenv("HF_HOME", (f.dir / "hf").c_str(), 1), 0);
  ASSERT_EQ(setenv("HF_ENDPOINT", html.url().c_str(), 1), 0);
  auto page = LocateTokenizer("acme/walled");
  unsetenv("HF_HOME");
  unsetenv("HF_ENDPOINT");
  ASSERT_FALSE(page);
  EXPECT_NE(page.error().message.find("the server sent something else than JSON"),
            std::string::npos)
      << page.error().message;
  const fs::path model = f.dir / "hf" / "hub" / "models--acme--walled";
  EXPECT_FALSE(fs::exists(model / "snapshots"));
  EXPECT_FALSE(fs::exists(model / "refs" / "main"));
}

}  // namespace
}  // namespace servebench::tokenizers
