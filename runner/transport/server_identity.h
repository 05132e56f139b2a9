// What a server says of itself without being sent load: the models /v1/models lists (id and
// owned_by), its Server header, and /version when it serves one (vLLM). Suite results record it
// so that a baseline knows what it measured.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "runner/transport/curl_multi_transport.h"

namespace servebench::transport {

// {"models": [{"id", "owned_by"}], "server_header", "version"}: each key only when learnt;
// an empty object when the server could not be reached. /v1/models is polled for up to wait_s
// seconds while the server is down or loading.
nlohmann::json ProbeServerIdentity(const std::string& base_url, const TransportOptions& options,
                                   double wait_s);

}  // namespace servebench::transport
