// What every route of the mock shares: its options, prompt-token counter, send log and
// counters, and the shape of a refusal.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mock/http_reply.h"
#include "mock/http_request.h"
#include "mock/mock_options.h"
#include "mock/prefix_cache.h"
#include "mock/prompt_tokens.h"
#include "mock/request_plan.h"
#include "mock/send_log.h"

namespace servebench::mock {

struct Counters {
  std::atomic<int64_t> requests{0}, ok{0}, server_errors{0}, rate_limited{0}, unauthorized{0},
      bad_requests{0}, disconnects{0}, malformed{0}, stalls{0}, streams_active{0}, streams_peak{0};
};

struct MockState {
  explicit MockState(MockOptions o) : options(std::move(o)) {}
  MockOptions options;
  std::unique_ptr<PromptTokens> token_counter;
  std::unique_ptr<PrefixCache> prefix_cache;  // null: off
  OutputWords output_words;                   // with a tokenizer, the words output is made of
  SendLog send_log;
  Counters counters;

  // An OpenAI error body with that status.
  static Reply Fail(int status, std::string_view message, std::string_view type,
                    std::string_view code);
  // Nothing when the request carries the API key (or none is required), else the 401.
  bool Authorized(const HttpRequest& request, Reply* refusal);
  bool ServesModel(const std::string& model) const;
  Reply UnknownModel(const std::string& model);
  void CountStreamStart();
};

uint64_t Fnv1a(std::string_view text);

}  // namespace servebench::mock
