// POST /v1/chat/completions and /v1/completions: the request checked, its faults decided, and
// its answer planned: a stream of events or one whole completion, each at its due times.
#pragma once

#include <cstdint>

#include "mock/http_reply.h"
#include "mock/http_request.h"
#include "mock/mock_state.h"

namespace servebench::mock {

Pending Generate(MockState& state, const HttpRequest& request, int64_t received_ns, bool chat);

}  // namespace servebench::mock
