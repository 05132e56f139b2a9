// Records files (servebench analyze): any bytes, plain or as a zstd stream, give records or a
// one-line FILE:LINE error, never a crash, a hang or an unbounded read.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "runner/records/records_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/servebench-fuzz-records-" + std::to_string(getpid());
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  // A small line cap: a zstd frame that expands to one long line stops there.
  (void)servebench::records::ReadRecords(
      path, [](servebench::records::Record) {}, 1 << 20);
  return 0;
}
