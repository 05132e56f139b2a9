// Input files (--input-file, every --custom-dataset-type): any bytes give conversations or a
// one-line FILE:LINE error, never a crash or a hang.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "runner/inputs/input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Each row may ask for 2,000,000 tokens (8 MB of prompt): a few dozen rows stay within the
  // fuzzer's memory limit, and more rows explore nothing new.
  if (size > 2048) return 0;
  static const std::string path = "/tmp/servebench-fuzz-input-" + std::to_string(getpid());
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  for (const char* type : {"single_turn", "multi_turn", "random_pool", "mooncake_trace"}) {
    // A small block keeps hash-id prompts small; lengths past a bound are the fuzzer's, not ours.
    (void)servebench::inputs::ReadInputFile({path, type, 4, 1}, nullptr);
  }
  return 0;
}
