// The fast chunk scanner against the full JSON parser: where the scanner answers, it must give
// exactly what the document gives; where it is unsure it steps aside (answers nothing).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runner/endpoints/chunk_scanner.h"
#include "runner/endpoints/dialect.h"

using servebench::endpoints::EndpointType;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (EndpointType type : {EndpointType::kChat, EndpointType::kCompletions}) {
    const auto fast = servebench::endpoints::DialectOf(type).ScanEvent(text);
    if (fast && !(*fast == servebench::endpoints::ParseEventDocument(type, text))) std::abort();
  }
  return 0;
}
