// What a server answers outside the stream: a /v1/models list, an error body, a whole
// (non-streamed) response. Any bytes are read without a crash.
#include <cstdint>
#include <string_view>

#include "runner/endpoints/endpoint.h"

namespace endpoints = servebench::endpoints;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)endpoints::ModelIds(body);
  (void)endpoints::ErrorTypeAndMessage(body);
  for (auto type : {endpoints::EndpointType::kChat, endpoints::EndpointType::kCompletions,
                    endpoints::EndpointType::kEmbeddings}) {
    (void)endpoints::ParseBody(type, body);
  }
  return 0;
}
