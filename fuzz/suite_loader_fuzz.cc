// The suite loader, YAML text to cases: any text gives cases or a one-line error, never a crash,
// a hang or unbounded memory.
#include <cstdint>
#include <string>

#include "runner/cases/cases.h"
#include "runner/suite/suite.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto suite = servebench::suite::ParseSuite(text, "fuzz.yaml");
  if (!suite) return 0;
  servebench::cases::ExpandOptions options;
  options.max_cases = 200;  // expansion is bounded; the fuzzer explores the rules, not sizes
  (void)servebench::cases::ExpandCases(*suite, options);
  return 0;
}
