// --tokenizer takes a .model file, a model folder, or a Hugging Face name from the local cache;
// a tokenizer.json is refused by name, and a missing one says where to put it.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "runner/inputs/tokenizer.h"
#include "tests/support/run_command.h"

namespace servebench::inputs {
namespace {

namespace fs = std::filesystem;

struct Folder {
  fs::path dir = testing::FreshTempDir("sb-tokenizer");
  ~Folder() { fs::remove_all(dir); }
};

TEST(TokenizerLocate, AFolderOrACachedModelNameFindsItsTokenizerModel) {
  Folder f;
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
  auto cached = LocateTokenizer("acme/tiny-chat");
  ASSERT_TRUE(cached) << cached.error().message;
  EXPECT_EQ(*cached, (hub / "snapshots" / "abc123" / "tokenizer.model").string());
  auto missing = LocateTokenizer("acme/other");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find((f.dir / "hf" / "hub" / "models--acme--other").string()),
            std::string::npos)
      << missing.error().message;
  unsetenv("HF_HOME");
}

TEST(TokenizerLocate, AHuggingFaceTokenizerJsonIsRefusedByName) {
  Folder f;
  std::ofstream(f.dir / "tokenizer.json") << "{}";
  for (const fs::path& spec : {f.dir, f.dir / "tokenizer.json"}) {
    auto refused = LocateTokenizer(spec.string());
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("is a Hugging Face tokenizer.json, which servebench "
                                           "cannot read yet"),
              std::string::npos)
        << refused.error().message;
  }
  auto nothing = LocateTokenizer((f.dir / "nope.model").string());
  ASSERT_FALSE(nothing);
  EXPECT_NE(nothing.error().message.find("no such file"), std::string::npos);
}

}  // namespace
}  // namespace servebench::inputs
