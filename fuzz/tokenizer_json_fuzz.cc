// tokenizer.json files: any bytes load as a tokenizer or give a one-line error, and a loaded
// one encodes and decodes text (its own bytes included) without a crash or a hang.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "runner/tokenizers/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  static const std::string path =
      "/tmp/servebench-fuzz-tokenizer-" + std::to_string(getpid()) + ".json";
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  auto loaded = servebench::tokenizers::Tokenizer::Load(path);
  if (!loaded) return 0;
  const auto& t = **loaded;
  for (const std::string& text : {bytes, std::string("Hello, world! 123 \xE4\xBD\xA0\xFF <s>")}) {
    const std::vector<int> ids = t.Encode(text);
    (void)t.Decode(ids);
  }
  (void)t.Decode({0, 1, 2, -1, 1 << 30});
  return 0;
}
