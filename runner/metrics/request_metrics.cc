#include "runner/metrics/request_metrics.h"

#include <algorithm>
#include <stdexcept>

#include "runner/base/utf8.h"

namespace servebench::metrics {
namespace {

double Ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }

// What the events (or the body) of a response said, in order.
struct Content {
  std::vector<int64_t> content_ns;  // first-byte time of each content response
  int64_t first_output_ns = 0;      // first non-reasoning content
  std::string text, reasoning;
  std::optional<endpoints::Usage> usage;  // the last non-empty usage
  std::optional<std::string> stream_error;
  int malformed = 0;
  bool finished = false;  // a finish_reason or [DONE] arrived: the reply was not cut off
};

void Absorb(const endpoints::Chunk& chunk, int64_t ns, Content& c) {
  if (chunk.malformed) {
    ++c.malformed;
    return;
  }
  if (chunk.error) {
    c.stream_error = *chunk.error;
    return;
  }
  if (chunk.usage) c.usage = chunk.usage;
  c.finished = c.finished || chunk.finished || chunk.done;
  if (!chunk.IsContent()) return;
  c.content_ns.push_back(ns);
  if (c.first_output_ns == 0 && (!chunk.text.empty() || chunk.tool_call)) c.first_output_ns = ns;
  c.text += chunk.text;
  c.text += chunk.tool_text;
  c.reasoning += chunk.reasoning;
}

Content ReadContent(const records::Record& r, endpoints::EndpointType type) {
  Content c;
  if (r.streaming && !r.events.empty()) {
    for (const auto& e : r.events) {
      endpoints::Chunk chunk = endpoints::ParseEvent(type, e.data);
      if (e.is_error && !chunk.error) chunk.error = e.data;
      Absorb(chunk, e.ns, c);
    }
  } else if (!r.body.empty()) {
    Absorb(endpoints::ParseBody(type, r.body), r.end_ns, c);  // stamped when the body completed
  }
  return c;
}

// An answer that is not the kind asked for, before its content is read: a redirect, or a
// streaming request answered with something other than an event stream.
std::optional<records::RecordError> WrongKindOfAnswer(const records::Record& r) {
  if (r.status >= 300 && r.status < 400) {
    return records::RecordError{
        r.status, "redirect",
        "redirected to " + (r.location.empty() ? std::string("(no Location)") : r.location) +
            " (not followed: point --url at the target)"};
  }
  const bool event_stream = r.content_type.find("event-stream") != std::string::npos;
  if (r.streaming && !event_stream && r.status < 300 && r.events.empty()) {
    if (const auto [type, message] = endpoints::ErrorTypeAndMessage(r.body);
        !type.empty() || r.body.starts_with("{\"error\"")) {
      return records::RecordError{r.status, type.empty() ? "http" : type, message};
    }
    return records::RecordError{
        r.status, "content_type",
        "a streaming request was answered with Content-Type '" +
            (r.content_type.empty() ? std::string("(none)") : r.content_type) +
            "', not text/event-stream (a proxy or login page? does the server stream?)"};
  }
  return std::nullopt;
}

void CountTokens(const Content& c, const MeasureContext& ctx, RequestMetrics& m) {
  const bool server_osl = c.usage && c.usage->completion_tokens >= 0;
  std::optional<double> client_osl, client_reasoning;
  if (ctx.tokenizer != nullptr) {
    // All content text concatenated and encoded once; reasoning encoded separately and added.
    try {
      client_reasoning = static_cast<double>(ctx.tokenizer->Count(c.reasoning));
      client_osl = static_cast<double>(ctx.tokenizer->Count(c.text)) + *client_reasoning;
    } catch (const std::runtime_error&) {
      // --tokenizer server that stopped answering: the client counts are absent, never 0.
      client_reasoning.reset();
      client_osl.reset();
    }
  }
  const bool use_server = ctx.source == TokenCountSource::kServer ||
                          (ctx.source == TokenCountSource::kAuto && server_osl);
  if (use_server && server_osl) {
    m.output_sequence_length = static_cast<double>(c.usage->completion_tokens);
    if (c.usage->reasoning_tokens >= 0) {
      m.reasoning_token_count = static_cast<double>(c.usage->reasoning_tokens);
    } else if (client_reasoning) {
      m.reasoning_token_count = client_reasoning;
    }
  } else if (!use_server && client_osl) {
    m.output_sequence_length = client_osl;
    m.reasoning_token_count = client_reasoning;
  }
  if (server_osl && client_osl && c.usage->completion_tokens > 0) {
    m.usage_mismatch_pct =
        100.0 * (*client_osl - c.usage->completion_tokens) / c.usage->completion_tokens;
  }
  if (c.usage && c.usage->prompt_tokens >= 0) {
    m.server_input_sequence_length = static_cast<double>(c.usage->prompt_tokens);
  }
  if (c.usage && c.usage->cached_tokens >= 0) {
    m.cached_input_tokens = static_cast<double>(c.usage->cached_tokens);
  }
}

}  // namespace

base::Expected<TokenCountSource> ParseTokenCountSource(const std::string& name) {
  if (name == "auto") return TokenCountSource::kAuto;
  if (name == "server") return TokenCountSource::kServer;
  if (name == "tokenizer") return TokenCountSource::kTokenizer;
  return base::MakeError("--token-count-source: expected auto, server or tokenizer, got '" + name +
                         "'");
}

double TtftMs(int64_t start_ns, const std::vector<int64_t>& content_ns) {
  return Ms(content_ns.front() - start_ns);
}

std::optional<double> ItlMs(int64_t start_ns, const std::vector<int64_t>& c, double osl) {
  if (osl < 2 || c.empty()) return std::nullopt;
  return (Ms(c.back() - start_ns) - TtftMs(start_ns, c)) / (osl - 1);
}

std::vector<double> InterChunkMs(const std::vector<int64_t>& c) {
  std::vector<double> gaps;
  for (size_t i = 1; i < c.size(); ++i) gaps.push_back(Ms(c[i] - c[i - 1]));
  return gaps;
}

RequestMetrics Measure(const records::Record& r, const MeasureContext& ctx) {
  RequestMetrics m;
  m.request_id = r.request_id;
  m.warmup = r.warmup;
  if (!r.session_id.empty()) m.turn = r.turn;
  m.model = r.model;
  m.scheduled_ns = r.scheduled_ns;
  m.start_ns = r.start_ns;
  m.end_ns = r.end_ns;
  m.wall_start_ns = r.wall_start_ns;
  m.requested_max_tokens = r.requested_max_tokens;
  // load.md: a capped arrival's wait for a slot is cap_wait; schedule_lag is only the client's
  // own lateness once it could start.
  const int64_t could_start_ns = std::max(r.scheduled_ns, r.ready_ns);
  m.schedule_lag = Ms(r.start_ns - could_start_ns);
  if (r.ready_ns > 0) m.cap_wait = Ms(could_start_ns - r.scheduled_ns);
  if (r.connect_ns >= 0) m.connect_time = Ms(r.connect_ns);
  // Known for a failed request too (AIPerf's error_isl); only valid requests make the ISL row.
  if (r.input_tokens >= 0) m.input_sequence_length = static_cast<double>(r.input_tokens);
  m.error = r.error;
  if (!m.error && r.status >= 400) {
    const auto [type, message] = endpoints::ErrorTypeAndMessage(r.body);
    // The server's words, as people will read them (records keep its bytes).
    m.error = records::RecordError{r.status, type.empty() ? "http" : base::ToValidUtf8(type),
                                   base::ToValidUtf8(message)};
  }
  if (!m.error) m.error = WrongKindOfAnswer(r);
  const Content c = ReadContent(r, ctx.type);
  m.malformed_events = c.malformed;  // counted on failed requests too
  if (m.error) return m;
  m.usage_reported = c.usage.has_value();
  if (c.stream_error) {
    m.error = records::RecordError{r.status, "stream", base::ToValidUtf8(*c.stream_error)};
    return m;
  }
  if (c.content_ns.empty()) {
    m.error = c.finished ? records::RecordError{r.status, "empty_response",
                                                "the server finished cleanly with no output"}
                         : records::RecordError{r.status, "no_content", "no content received"};
    if (c.usage && c.usage->prompt_tokens >= 0)
      m.server_input_sequence_length = static_cast<double>(c.usage->prompt_tokens);
    return m;
  }
  if (c.content_ns.front() < r.start_ns || c.content_ns.back() > r.end_ns) {
    m.error = records::RecordError{r.status, "clock", "timestamps out of order"};
    return m;
  }
  m.last_content_ns = c.content_ns.back();
  m.request_latency = Ms(c.content_ns.back() - r.start_ns);
  m.latency_from_schedule = Ms(c.content_ns.back() - r.scheduled_ns);
  if (!endpoints::ProducesTokens(ctx.type)) return m;
  CountTokens(c, ctx, m);
  if (!m.input_sequence_length) m.input_sequence_length = m.server_input_sequence_length;
  if (!r.streaming) return m;
  // A stream cut before its finish keeps what it received, as an error: a dying server must
  // not look faster.
  if (!c.finished) {
    m.error = records::RecordError{r.status, "truncated",
                                   "the stream ended without a finish_reason or [DONE] after " +
                                       std::to_string(c.content_ns.size()) + " content events"};
  }
  m.time_to_first_token = TtftMs(r.start_ns, c.content_ns);
  if (c.content_ns.size() >= 2) m.time_to_second_token = Ms(c.content_ns[1] - c.content_ns[0]);
  if (c.first_output_ns != 0) m.time_to_first_output_token = Ms(c.first_output_ns - r.start_ns);
  m.decode_duration = *m.request_latency - *m.time_to_first_token;
  m.inter_chunk_latency = InterChunkMs(c.content_ns);
  if (m.output_sequence_length) {
    m.inter_token_latency = ItlMs(r.start_ns, c.content_ns, *m.output_sequence_length);
    if (m.inter_token_latency && *m.inter_token_latency > 0) {
      m.output_token_throughput_per_user = 1000.0 / *m.inter_token_latency;
    }
  }
  return m;
}

}  // namespace servebench::metrics
