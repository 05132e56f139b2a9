#include "mock/generation.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "mock/openai_shapes.h"
#include "mock/request_parser.h"
#include "mock/request_plan.h"
#include "mock/stream_events.h"
#include "runner/base/json.h"

namespace servebench::mock {
namespace {

using Json = nlohmann::json;

// What a request turns into once it is accepted.
struct Accepted {
  Ask ask;
  uint64_t index = 0;
  Faults faults;
  int64_t received_ns = 0;
  int64_t prompt_tokens = 0;
  int64_t cached_tokens = -1;  // -1: no prefix cache
  std::string request_id;
  SendLogEntry log;  // what the send log keeps of the request itself
};

// The prompt's tokens found in the prefix cache (the messages' tokens in order).
int64_t CachedTokens(MockState& state, const Ask& ask) {
  std::vector<uint64_t> tokens;
  for (const auto& p : ask.prompts) {
    const auto ids = state.token_counter->Ids(p);
    tokens.insert(tokens.end(), ids.begin(), ids.end());
  }
  return state.prefix_cache->Admit(tokens);
}

// Tokens of the request's output: reasoning first, then content.
int64_t OutputTokensOf(const MockOptions& o, const Ask& ask, uint64_t index) {
  uint64_t prompt_hash = Fnv1a(std::to_string(index));
  for (const auto& p : ask.prompts) prompt_hash ^= Fnv1a(p);
  return OutputTokens(o, ask.length, prompt_hash);
}

Pending Stream(MockState& state, const Accepted& a) {
  const MockOptions& o = state.options;
  StreamAsk stream{a.index,
                   a.ask.chat,
                   a.ask.include_usage,
                   a.ask.model,
                   a.request_id,
                   a.received_ns,
                   a.prompt_tokens,
                   a.cached_tokens,
                   a.ask.chat ? o.reasoning_tokens : 0,
                   OutputTokensOf(o, a.ask, a.index),
                   TokenCap(o, a.ask.length),
                   a.faults,
                   a.log,
                   &state.output_words};
  Pending p;
  p.streams = true;
  p.reply.content_type = "text/event-stream";
  p.reply.headers = {{"Cache-Control", "no-cache"}};
  p.admit = [&state, stream](int64_t admitted_ns) {
    Counters& c = state.counters;
    state.CountStreamStart();
    auto events = std::make_unique<StreamEvents>(
        state.options, stream, admitted_ns, FaultCounters{c.stalls, c.malformed, c.disconnects});
    Reply r;
    r.ended = [&state, log = events.get()](bool whole, int64_t) {
      if (whole) ++state.counters.ok;
      --state.counters.streams_active;
      state.send_log.Write(log->log());
    };
    r.stream = std::move(events);
    return r;
  };
  return p;
}

Reply Whole(MockState& state, const Accepted& a, int64_t admitted_ns) {
  const MockOptions& o = state.options;
  const Ask& ask = a.ask;
  const int64_t reasoning_tokens = ask.chat ? o.reasoning_tokens : 0;
  const int64_t content_tokens = OutputTokensOf(o, ask, a.index);
  base::Rng rng(base::HashOf(o.seed, a.index, 0x717e));
  int64_t due_ns =
      FirstTokenDueNs(o, rng, admitted_ns, a.prompt_tokens - std::max<int64_t>(0, a.cached_tokens));
  const int64_t chunks = ChunksOf(o, reasoning_tokens) + ChunksOf(o, content_tokens);
  for (int64_t chunk = 1; chunk < chunks; ++chunk) due_ns += GapNs(o, rng);
  const std::string reasoning = TokensText(a.index, 0, 0, reasoning_tokens, &state.output_words);
  const std::string content = TokensText(a.index, reasoning_tokens, reasoning_tokens,
                                         reasoning_tokens + content_tokens, &state.output_words);
  const Usage usage{a.prompt_tokens, reasoning_tokens + content_tokens, reasoning_tokens,
                    a.cached_tokens};
  Json message = {{"role", "assistant"}, {"content", content}};
  if (!reasoning.empty()) message["reasoning_content"] = reasoning;
  const char* reason = FinishReason(content_tokens, TokenCap(o, ask.length));
  Json choice =
      ask.chat
          ? Json{{"index", 0},
                 {"message", message},
                 {"logprobs", nullptr},
                 {"finish_reason", reason}}
          : Json{{"index", 0}, {"text", content}, {"logprobs", nullptr}, {"finish_reason", reason}};
  Reply r;
  r.body = Json{{"id", (ask.chat ? "chatcmpl-mock-" : "cmpl-mock-") + std::to_string(a.index)},
                {"object", ask.chat ? "chat.completion" : "text_completion"},
                {"created", std::time(nullptr)},
                {"model", ask.model},
                {"choices", Json::array({choice})},
                {"usage", Json::parse(UsageJson(usage))}}
               .dump();
  r.due_ns = due_ns;
  r.ended = [&state, a, due_ns](bool whole, int64_t sent_ns) {
    if (!whole) return;
    SendLogEntry entry = a.log;
    entry.index = a.index;
    entry.request_id = a.request_id;
    entry.endpoint = a.ask.chat ? "chat" : "completions";
    entry.status = 200;
    entry.received_ns = a.received_ns;
    entry.events_ns = {sent_ns};
    entry.due_ns = {due_ns};
    entry.content_events = {1};
    state.send_log.Write(entry);
    ++state.counters.ok;
  };
  return r;
}

}  // namespace

Pending Generate(MockState& state, const HttpRequest& request, int64_t received_ns, bool chat) {
  Counters& c = state.counters;
  Accepted a;
  a.index = static_cast<uint64_t>(c.requests++);
  a.received_ns = received_ns;
  if (Reply refusal; !state.Authorized(request, &refusal)) return Now(std::move(refusal));
  const Json body = base::ParseJson<Json>(request.body);
  if (body.is_discarded()) {
    ++c.bad_requests;
    return Now(MockState::Fail(400, "The request body is not valid JSON.", "invalid_request_error",
                               "bad_json"));
  }
  if (std::string problem =
          ParseAsk(body, chat, &a.ask, !state.options.ignore_max_completion_tokens);
      !problem.empty()) {
    ++c.bad_requests;
    return Now(MockState::Fail(400, problem, "invalid_request_error", "invalid_value"));
  }
  if (!state.ServesModel(a.ask.model)) return Now(state.UnknownModel(a.ask.model));
  if (state.options.reject_stream_options && body.contains("stream_options")) {
    ++c.bad_requests;
    return Now(MockState::Fail(400, "Unrecognized request argument supplied: stream_options",
                               "invalid_request_error", "unknown_parameter"));
  }
  a.faults = DecideFaults(state.options, a.index);
  if (a.faults.server_error) {
    ++c.server_errors;
    return Now(
        MockState::Fail(500, "mock: injected server error", "server_error", "internal_error"));
  }
  if (a.faults.rate_limit) {
    ++c.rate_limited;
    Reply r = MockState::Fail(429, "mock: injected rate limit", "rate_limit_exceeded",
                              "rate_limit_exceeded");
    r.headers = {{"Retry-After", "1"}};
    return Now(std::move(r));
  }
  for (const auto& p : a.ask.prompts) a.prompt_tokens += state.token_counter->Count(p);
  if (!a.ask.prompts.empty()) a.prompt_tokens += state.token_counter->ServerPrefixTokens();
  if (state.prefix_cache) a.cached_tokens = CachedTokens(state, a.ask);
  a.request_id = request.Header("x-request-id");
  if (state.send_log.enabled()) {
    a.log.correlation_id = request.Header("x-correlation-id");
    a.log.arrived_ns = request.arrived_ns;
    a.log.cached_tokens = a.cached_tokens;
    if (state.options.send_log_bodies) a.log.body = request.body;
  }
  if (a.ask.stream) return Stream(state, a);
  Pending p;
  p.admit = [&state, a](int64_t admitted_ns) { return Whole(state, a, admitted_ns); };
  return p;
}

}  // namespace servebench::mock
