#include "mock/mock_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "mock/accepted_socket.h"
#include "mock/batch_slots.h"
#include "mock/connection_threads.h"
#include "mock/openai_shapes.h"
#include "mock/prompt_tokens.h"
#include "mock/request_parser.h"
#include "mock/request_plan.h"
#include "mock/send_log.h"
#include "mock/stream_events.h"
#include "mock/stream_writer.h"
#include "runner/base/clock.h"
#include "runner/base/fd_limit.h"
#include "runner/base/rng.h"

namespace servebench::mock {
namespace {

using Json = nlohmann::json;

// cpp-httplib as packaged listens with a backlog of 5; a burst of connects would then wait for
// SYN retransmits (1 s). Linux lets a listening socket's backlog be raised by listening again.
class ListeningServer : public httplib::Server {
 public:
  void RaiseBacklog(int backlog) { ::listen(svr_sock_.load(), backlog); }
};

struct Counters {
  std::atomic<int64_t> requests{0}, ok{0}, server_errors{0}, rate_limited{0}, unauthorized{0},
      bad_requests{0}, disconnects{0}, malformed{0}, stalls{0}, streams_active{0}, streams_peak{0};
};

MockStats Snapshot(const Counters& c) {
  return {c.requests.load(),       c.ok.load(),           c.server_errors.load(),
          c.rate_limited.load(),   c.unauthorized.load(), c.bad_requests.load(),
          c.disconnects.load(),    c.malformed.load(),    c.stalls.load(),
          c.streams_active.load(), c.streams_peak.load()};
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

struct MockServer::Impl {
  explicit Impl(MockOptions o) : options(std::move(o)), slots(options.max_batch) {}

  MockOptions options;
  ListeningServer server;
  std::unique_ptr<PromptTokens> token_counter;
  SendLog send_log;
  BatchSlots slots;
  StreamWriter writer;
  Counters counters;
  std::thread thread;
  std::atomic<bool> stopped{false};

  void Routes();
  bool Authorized(const httplib::Request& req, httplib::Response& res);
  bool ServesModel(const std::string& model) const;
  void Generate(const httplib::Request& req, httplib::Response& res, bool chat);
  void Embed(const httplib::Request& req, httplib::Response& res);
  void Fail(httplib::Response& res, int status, std::string_view message, std::string_view type,
            std::string_view code);
  void Stream(const Ask& ask, uint64_t index, const Faults& faults, int64_t received_ns,
              int64_t prompt_tokens, const std::string& request_id, const httplib::Request& req,
              httplib::Response& res);
  bool WriteHere(EventSource& events, httplib::DataSink& sink);
  void Whole(const Ask& ask, uint64_t index, int64_t received_ns, int64_t prompt_tokens,
             const std::string& request_id, httplib::Response& res);
  void CountStreamStart();
};

void MockServer::Impl::Fail(httplib::Response& res, int status, std::string_view message,
                            std::string_view type, std::string_view code) {
  res.status = status;
  res.set_content(ErrorBody(message, type, code), "application/json");
}

bool MockServer::Impl::Authorized(const httplib::Request& req, httplib::Response& res) {
  if (options.api_key.empty()) return true;
  if (req.get_header_value("Authorization") == "Bearer " + options.api_key) return true;
  ++counters.unauthorized;
  Fail(res, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
  return false;
}

bool MockServer::Impl::ServesModel(const std::string& model) const {
  if (options.models.empty()) return true;
  for (const auto& m : options.models) {
    if (m == model) return true;
  }
  return false;
}

void MockServer::Impl::CountStreamStart() {
  const int64_t active = ++counters.streams_active;
  int64_t peak = counters.streams_peak.load();
  while (active > peak && !counters.streams_peak.compare_exchange_weak(peak, active)) {
  }
}

void MockServer::Impl::Generate(const httplib::Request& req, httplib::Response& res, bool chat) {
  const int64_t received_ns = base::MonotonicNs();
  const uint64_t index = static_cast<uint64_t>(counters.requests++);
  if (!Authorized(req, res)) return;
  const Json body = Json::parse(req.body, nullptr, false);
  Ask ask;
  if (body.is_discarded()) {
    ++counters.bad_requests;
    return Fail(res, 400, "The request body is not valid JSON.", "invalid_request_error",
                "bad_json");
  }
  if (std::string problem = ParseAsk(body, chat, &ask, !options.ignore_max_completion_tokens);
      !problem.empty()) {
    ++counters.bad_requests;
    return Fail(res, 400, problem, "invalid_request_error", "invalid_value");
  }
  if (!ServesModel(ask.model)) {
    ++counters.bad_requests;
    return Fail(res, 404, "The model '" + ask.model + "' does not exist.", "NotFoundError",
                "model_not_found");
  }
  if (options.reject_stream_options && body.contains("stream_options")) {
    ++counters.bad_requests;
    return Fail(res, 400, "Unrecognized request argument supplied: stream_options",
                "invalid_request_error", "unknown_parameter");
  }
  const Faults faults = DecideFaults(options, index);
  if (faults.server_error) {
    ++counters.server_errors;
    return Fail(res, 500, "mock: injected server error", "server_error", "internal_error");
  }
  if (faults.rate_limit) {
    ++counters.rate_limited;
    res.set_header("Retry-After", "1");
    return Fail(res, 429, "mock: injected rate limit", "rate_limit_exceeded",
                "rate_limit_exceeded");
  }
  int64_t prompt_tokens = 0;
  for (const auto& p : ask.prompts) prompt_tokens += token_counter->Count(p);
  const std::string request_id = req.get_header_value("X-Request-Id");
  if (ask.stream) {
    Stream(ask, index, faults, received_ns, prompt_tokens, request_id, req, res);
  } else {
    Whole(ask, index, received_ns, prompt_tokens, request_id, res);
  }
}

namespace {

// Tokens of the request's output: reasoning first, then content.
int64_t OutputTokensOf(const MockOptions& o, const Ask& ask, uint64_t index) {
  uint64_t prompt_hash = Fnv1a(std::to_string(index));
  for (const auto& p : ask.prompts) prompt_hash ^= Fnv1a(p);
  return OutputTokens(o, ask.length, prompt_hash);
}

}  // namespace

void MockServer::Impl::Stream(const Ask& ask, uint64_t index, const Faults& faults,
                              int64_t received_ns, int64_t prompt_tokens,
                              const std::string& request_id, const httplib::Request& req,
                              httplib::Response& res) {
  StreamAsk stream{index,
                   ask.chat,
                   ask.include_usage,
                   ask.model,
                   request_id,
                   received_ns,
                   prompt_tokens,
                   ask.chat ? options.reasoning_tokens : 0,
                   OutputTokensOf(options, ask, index),
                   TokenCap(options, ask.length),
                   faults};
  const int fd = ConnectionSocket(req.local_port, req.remote_port);
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      "text/event-stream", [this, stream, fd](size_t, httplib::DataSink& sink) {
        // Prefill starts when the request arrived, or when it got a decode slot after waiting.
        const int64_t admitted_ns = slots.Acquire() ? base::MonotonicNs() : stream.received_ns;
        CountStreamStart();
        StreamEvents events(options, stream, admitted_ns,
                            {counters.stalls, counters.malformed, counters.disconnects});
        const bool whole = fd >= 0 ? writer.Run(fd, events) : WriteHere(events, sink);
        if (whole) {
          sink.done();
          ++counters.ok;
        }
        --counters.streams_active;
        slots.Release();
        send_log.Write(events.log());
        return whole;  // false makes cpp-httplib drop the connection
      });
}

// Without the connection's socket, the stream is written from this thread, sleeping between
// events.
bool MockServer::Impl::WriteHere(EventSource& events, httplib::DataSink& sink) {
  Piece piece;
  while (events.Next(piece)) {
    if (piece.disconnect) return false;
    base::SleepUntilNs(piece.due_ns);
    const int64_t sent_ns = base::MonotonicNs();
    const bool written = sink.write(piece.bytes.data(), piece.bytes.size());
    events.Sent(piece, sent_ns);
    if (!written) return false;
  }
  return true;
}

void MockServer::Impl::Whole(const Ask& ask, uint64_t index, int64_t received_ns,
                             int64_t prompt_tokens, const std::string& request_id,
                             httplib::Response& res) {
  const int64_t reasoning_tokens = ask.chat ? options.reasoning_tokens : 0;
  const int64_t content_tokens = OutputTokensOf(options, ask, index);
  const int64_t admitted_ns = slots.Acquire() ? base::MonotonicNs() : received_ns;
  base::Rng rng(base::HashOf(options.seed, index, 0x717e));
  int64_t due_ns = FirstTokenDueNs(options, rng, admitted_ns, prompt_tokens);
  const int64_t chunks = ChunksOf(options, reasoning_tokens) + ChunksOf(options, content_tokens);
  for (int64_t chunk = 1; chunk < chunks; ++chunk) due_ns += GapNs(options, rng);
  const std::string reasoning = TokensText(index, 0, reasoning_tokens);
  const std::string content =
      TokensText(index, reasoning_tokens, reasoning_tokens + content_tokens);
  const Usage usage{prompt_tokens, reasoning_tokens + content_tokens, reasoning_tokens};
  Json message = {{"role", "assistant"}, {"content", content}};
  if (!reasoning.empty()) message["reasoning_content"] = reasoning;
  const char* reason = FinishReason(content_tokens, TokenCap(options, ask.length));
  Json choice =
      ask.chat
          ? Json{{"index", 0},
                 {"message", message},
                 {"logprobs", nullptr},
                 {"finish_reason", reason}}
          : Json{{"index", 0}, {"text", content}, {"logprobs", nullptr}, {"finish_reason", reason}};
  const std::string body = Json{
      {"id", (ask.chat ? "chatcmpl-mock-" : "cmpl-mock-") + std::to_string(index)},
      {"object", ask.chat ? "chat.completion" : "text_completion"},
      {"created", std::time(nullptr)},
      {"model", ask.model},
      {"choices", Json::array({choice})},
      {"usage", Json::parse(UsageJson(
                    usage))}}.dump();
  base::SleepUntilNs(due_ns);
  slots.Release();
  send_log.Write({index,
                  request_id,
                  ask.chat ? "chat" : "completions",
                  200,
                  received_ns,
                  {base::MonotonicNs()},
                  {due_ns},
                  {1}});
  ++counters.ok;
  res.set_content(body, "application/json");
}

void MockServer::Impl::Embed(const httplib::Request& req, httplib::Response& res) {
  const int64_t received_ns = base::MonotonicNs();
  const uint64_t index = static_cast<uint64_t>(counters.requests++);
  if (!Authorized(req, res)) return;
  const Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("model") ||
      !body["model"].is_string() || !body.contains("input")) {
    ++counters.bad_requests;
    return Fail(res, 400, "An embeddings request needs 'model' (string) and 'input'.",
                "invalid_request_error", "invalid_value");
  }
  const std::string model = body["model"].get<std::string>();
  if (!ServesModel(model)) {
    ++counters.bad_requests;
    return Fail(res, 404, "The model '" + model + "' does not exist.", "NotFoundError",
                "model_not_found");
  }
  const Faults faults = DecideFaults(options, index);
  if (faults.server_error || faults.rate_limit) {
    ++(faults.server_error ? counters.server_errors : counters.rate_limited);
    if (faults.rate_limit) res.set_header("Retry-After", "1");
    return Fail(res, faults.server_error ? 500 : 429, "mock: injected fault",
                faults.server_error ? "server_error" : "rate_limit_exceeded",
                faults.server_error ? "internal_error" : "rate_limit_exceeded");
  }
  // Inputs: a string, an array of strings, an array of token ids, or an array of those arrays.
  std::vector<std::string> texts;
  int64_t tokens = 0;
  const Json& input = body["input"];
  auto add = [&](const Json& item) {
    if (item.is_string()) {
      texts.push_back(item.get<std::string>());
      tokens += token_counter->Count(texts.back());
      return true;
    }
    if (item.is_array() && std::all_of(item.begin(), item.end(),
                                       [](const Json& t) { return t.is_number_integer(); })) {
      texts.push_back(item.dump());
      tokens += static_cast<int64_t>(item.size());
      return true;
    }
    return false;
  };
  const bool token_list = input.is_array() && !input.empty() && input[0].is_number_integer();
  bool valid = token_list || input.is_string() ? add(input) : input.is_array() && !input.empty();
  if (!token_list && input.is_array()) {
    for (const auto& item : input) valid = valid && add(item);
  }
  if (!valid) {
    ++counters.bad_requests;
    return Fail(res, 400, "'input' must be a string, an array of strings, or token ids.",
                "invalid_request_error", "invalid_value");
  }
  const std::string format = body.value("encoding_format", std::string("float"));
  if (format != "float" && format != "base64") {
    ++counters.bad_requests;
    return Fail(res, 400, "'encoding_format' must be 'float' or 'base64'.", "invalid_request_error",
                "invalid_value");
  }
  Json data = Json::array();
  for (size_t i = 0; i < texts.size(); ++i) {
    const uint64_t h = Fnv1a(texts[i]) ^ options.seed;
    std::vector<float> v(static_cast<size_t>(options.embedding_dim));
    double norm = 0;
    for (size_t d = 0; d < v.size(); ++d) {
      v[d] = static_cast<float>(base::UnitOf(h, d) * 2 - 1);
      norm += double{v[d]} * v[d];
    }
    for (auto& x : v) x = static_cast<float>(x / std::sqrt(norm));
    Json embedding = format == "float"
                         ? Json(v)
                         : Json(Base64(std::string_view(reinterpret_cast<const char*>(v.data()),
                                                        v.size() * sizeof(float))));
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", embedding}});
  }
  base::Rng rng(base::HashOf(options.seed, index, 0x717e));
  const int64_t due_ns = FirstTokenDueNs(options, rng, received_ns, tokens);
  base::SleepUntilNs(due_ns);
  send_log.Write({index,
                  req.get_header_value("X-Request-Id"),
                  "embeddings",
                  200,
                  received_ns,
                  {base::MonotonicNs()},
                  {due_ns},
                  {1}});
  ++counters.ok;
  res.set_content(Json{{"object", "list"},
                       {"data", data},
                       {"model", model},
                       {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}}
                      .dump(),
                  "application/json");
}

void MockServer::Impl::Routes() {
  server.Get("/v1/models", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorized(req, res)) return;
    Json data = Json::array();
    const std::vector<std::string> names =
        options.models.empty() ? std::vector<std::string>{"mock-model"} : options.models;
    for (const auto& name : names) {
      data.push_back(
          {{"id", name}, {"object", "model"}, {"created", 0}, {"owned_by", "servebench"}});
    }
    res.set_content(Json{{"object", "list"}, {"data", data}}.dump(), "application/json");
  });
  server.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
    Generate(req, res, true);
  });
  server.Post("/v1/completions", [this](const httplib::Request& req, httplib::Response& res) {
    Generate(req, res, false);
  });
  server.Post("/v1/embeddings",
              [this](const httplib::Request& req, httplib::Response& res) { Embed(req, res); });
  server.Get("/mock/stats", [this](const httplib::Request&, httplib::Response& res) {
    const MockStats s = Snapshot(counters);
    res.set_content(Json{{"requests", s.requests},
                         {"ok", s.ok},
                         {"server_errors", s.server_errors},
                         {"rate_limited", s.rate_limited},
                         {"unauthorized", s.unauthorized},
                         {"bad_requests", s.bad_requests},
                         {"disconnects", s.disconnects},
                         {"malformed", s.malformed},
                         {"stalls", s.stalls},
                         {"streams_active", s.streams_active},
                         {"streams_peak", s.streams_peak}}
                        .dump(),
                    "application/json");
  });
}

MockServer::MockServer(MockOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

MockServer::~MockServer() { Stop(); }

base::Expected<int> MockServer::Start() {
  Impl& m = *impl_;
  if (auto status = ValidateMockOptions(m.options); !status) return status.error();
  auto counter = PromptTokens::Load(m.options.tokenizer);
  if (!counter) return counter.error();
  m.token_counter = std::move(*counter);
  if (!m.send_log.Open(m.options.send_log)) {
    return base::MakeError("mock: --send-log " + m.options.send_log + ": cannot open for writing");
  }
  base::RaiseFdLimit();
  if (auto writer = m.writer.Start(); !writer) return writer.error();
  const size_t max_threads = static_cast<size_t>(m.options.max_threads);
  m.server.new_task_queue = [max_threads] { return new ConnectionThreads(max_threads); };
  m.server.set_tcp_nodelay(true);
  m.server.set_keep_alive_max_count(std::numeric_limits<int>::max());
  m.server.set_keep_alive_timeout(5);
  m.server.set_read_timeout(30);
  m.server.set_write_timeout(30);
  m.Routes();
  int port = static_cast<int>(m.options.port);
  if (port == 0) {
    port = m.server.bind_to_any_port(m.options.host);
  } else if (!m.server.bind_to_port(m.options.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return base::MakeError("mock: cannot listen on " + m.options.host + ":" +
                           std::to_string(m.options.port) +
                           " (is the port in use? --port 0 picks a free one)");
  }
  m.server.RaiseBacklog(4096);
  m.thread = std::thread([&m] { m.server.listen_after_bind(); });
  return port;
}

void MockServer::Stop() {
  if (impl_->stopped.exchange(true)) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

MockStats MockServer::Stats() const { return Snapshot(impl_->counters); }

}  // namespace servebench::mock
