#include "mock/mock_server.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "mock/embeddings.h"
#include "mock/generation.h"
#include "mock/mock_state.h"
#include "mock/server_loop.h"
#include "mock/tokenize.h"
#include "runner/base/fd_limit.h"

namespace servebench::mock {
namespace {

using Json = nlohmann::json;

Reply JsonReply(const Json& body) {
  Reply r;
  r.body = body.dump();
  return r;
}

Reply Models(MockState& state, const HttpRequest& request) {
  if (Reply refusal; !state.Authorized(request, &refusal)) return refusal;
  Json data = Json::array();
  const std::vector<std::string> names =
      state.options.models.empty() ? std::vector<std::string>{"mock-model"} : state.options.models;
  for (const auto& name : names) {
    data.push_back({{"id", name}, {"object", "model"}, {"created", 0}, {"owned_by", "servebench"}});
  }
  return JsonReply({{"object", "list"}, {"data", data}});
}

MockStats Snapshot(const Counters& c, const LoopStats& loop) {
  return {c.requests.load(),       c.ok.load(),           c.server_errors.load(),
          c.rate_limited.load(),   c.unauthorized.load(), c.bad_requests.load(),
          c.disconnects.load(),    c.malformed.load(),    c.stalls.load(),
          c.streams_active.load(), c.streams_peak.load(), loop.connections_accepted,
          loop.streams_served,     loop.threads};
}

Json StatsJson(const MockStats& s) {
  return {{"requests", s.requests},
          {"ok", s.ok},
          {"server_errors", s.server_errors},
          {"rate_limited", s.rate_limited},
          {"unauthorized", s.unauthorized},
          {"bad_requests", s.bad_requests},
          {"disconnects", s.disconnects},
          {"malformed", s.malformed},
          {"stalls", s.stalls},
          {"streams_active", s.streams_active},
          {"streams_peak", s.streams_peak},
          {"connections_accepted", s.connections_accepted},
          {"loop_streams", s.loop_streams},
          {"server_threads", s.server_threads}};
}

Reply Health() {
  Reply reply;
  reply.content_type = "text/plain";
  return reply;
}

}  // namespace

struct MockServer::Impl {
  explicit Impl(MockOptions o) : state(std::move(o)) {}
  MockState state;
  std::unique_ptr<ServerLoop> loop;

  // The routes; the loop calls it on a worker thread.
  Pending Route(const HttpRequest& request, int64_t received_ns) {
    const std::string& path = request.path;
    const bool get = request.method == "GET", post = request.method == "POST";
    if (path == "/v1/models" && get) return Now(Models(state, request));
    // As vLLM answers it: 200 and no body once the server takes requests (GuideLLM asks first).
    if (path == "/health" && get) return Now(Health());
    if (path == "/v1/chat/completions" && post) return Generate(state, request, received_ns, true);
    if (path == "/v1/completions" && post) return Generate(state, request, received_ns, false);
    if (path == "/v1/embeddings" && post) return Now(Embed(state, request, received_ns));
    if (path == "/tokenize" && post) return Now(Tokenize(state, request));
    if (path == "/detokenize" && post) return Now(Detokenize(state, request));
    if (path == "/mock/stats" && get) return Now(JsonReply(StatsJson(Stats())));
    return Now(MockState::Fail(404, "mock: no route for " + request.method + " " + path,
                               "invalid_request_error", "unknown_url"));
  }
  MockStats Stats() const { return Snapshot(state.counters, loop ? loop->Stats() : LoopStats{}); }
};

MockServer::MockServer(MockOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

MockServer::~MockServer() { Stop(); }

base::Expected<int> MockServer::Start() {
  MockState& s = impl_->state;
  if (auto status = ValidateMockOptions(s.options); !status) return status.error();
  auto counter = PromptTokens::Load(s.options.tokenizer);
  if (!counter) return counter.error();
  s.token_counter = std::move(*counter);
  s.output_words = {s.token_counter->WordPieces(), s.token_counter->FirstWordWithoutSpace()};
  if (s.options.prefix_cache_tokens > 0) {
    s.prefix_cache =
        std::make_unique<PrefixCache>(s.options.prefix_cache_tokens, s.options.prefix_cache_block);
  }
  if (!s.send_log.Open(s.options.send_log)) {
    return base::MakeError("mock: --send-log " + s.options.send_log + ": cannot open for writing");
  }
  base::RaiseFdLimit();
  LoopOptions o;
  o.host = s.options.host;
  o.port = static_cast<int>(s.options.port);
  o.max_connections = s.options.max_threads;
  o.decode_slots = s.options.max_batch;
  // Workers parse and tokenize requests; the loop does the timing.
  o.workers = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 2u, 8u));
  Impl* impl = impl_.get();
  impl->loop = std::make_unique<ServerLoop>(
      o, [impl](const HttpRequest& r, int64_t received_ns) { return impl->Route(r, received_ns); });
  return impl->loop->Start();
}

void MockServer::Stop() {
  if (impl_->loop) impl_->loop->Stop();
}

MockStats MockServer::Stats() const { return impl_->Stats(); }

}  // namespace servebench::mock
