// POST /tokenize and /detokenize, as vLLM serves them: {model, prompt | messages} ->
// {count, max_model_len, tokens}; {model, tokens} -> {prompt}. They answer with the mock's
// tokenizer (--tokenizer), and 404 without one, as a server without the routes does.
#pragma once

#include "mock/http_reply.h"
#include "mock/http_request.h"
#include "mock/mock_state.h"

namespace servebench::mock {

Reply Tokenize(MockState& state, const HttpRequest& request);
Reply Detokenize(MockState& state, const HttpRequest& request);

}  // namespace servebench::mock
