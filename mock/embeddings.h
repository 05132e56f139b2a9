// POST /v1/embeddings: deterministic unit vectors from (seed, input text), as floats or base64,
// answered after the prefill time of the input's tokens.
#pragma once

#include <cstdint>

#include "mock/http_reply.h"
#include "mock/http_request.h"
#include "mock/mock_state.h"

namespace servebench::mock {

Reply Embed(MockState& state, const HttpRequest& request, int64_t received_ns);

}  // namespace servebench::mock
