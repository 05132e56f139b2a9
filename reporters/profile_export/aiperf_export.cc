#include "reporters/profile_export/aiperf_export.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <optional>

#include "runner/metrics/catalog.h"
#include "runner/metrics/distribution.h"

namespace servebench::reporters {
namespace {

using Json = nlohmann::json;

// AIPerf 0.13's profile_export_aiperf.json schema version, which the file follows.
constexpr const char* kAiperfSchemaVersion = "1.4";

// AIPerf's header of each tag written here (its CSV row label, before the unit).
const std::map<std::string, std::string>& Headers() {
  static const std::map<std::string, std::string> headers = {
      {"time_to_first_token", "Time to First Token"},
      {"time_to_second_token", "Time to Second Token"},
      {"time_to_first_output_token", "Time to First Output Token"},
      {"request_latency", "Request Latency"},
      {"inter_token_latency", "Inter Token Latency"},
      {"inter_chunk_latency", "Inter Chunk Latency"},
      {"output_token_throughput_per_user", "Output Token Throughput Per User"},
      {"decode_duration", "Decode Duration"},
      {"output_sequence_length", "Output Sequence Length"},
      {"input_sequence_length", "Input Sequence Length"},
      {"reasoning_token_count", "Reasoning Token Count"},
      {"usage_prompt_tokens", "Usage Prompt Tokens"},
      {"usage_prompt_cache_read_tokens", "Usage Prompt Cache Read Tokens"},
      {"output_token_count", "Output Token Count"},
      {"e2e_output_token_throughput", "E2E Output Token Throughput"},
      {"prefill_throughput_per_user", "Prefill Throughput Per User"},
      {"output_token_throughput", "Output Token Throughput"},
      {"input_token_throughput", "Input Token Throughput"},
      {"total_token_throughput", "Total Token Throughput"},
      {"request_throughput", "Request Throughput"},
      {"good_request_count", "Good Request Count"},
      {"goodput", "Goodput"},
      {"request_count", "Request Count"},
      {"error_request_count", "Error Request Count"},
      {"completed_request_count", "Completed Requests (Success + Error)"},
      {"request_error_rate", "Request Error Rate"},
      {"benchmark_duration", "Benchmark Duration"},
      {"total_output_tokens", "Total Output Tokens"},
      {"total_osl", "Total Output Sequence Length"},
      {"total_isl", "Total Input Sequence Length"},
      {"total_reasoning_tokens", "Total Reasoning Tokens"},
      {"total_usage_prompt_tokens", "Total Usage Prompt Tokens"},
      {"error_isl", "Error Input Sequence Length"},
      {"total_error_isl", "Total Error Input Sequence Length"},
  };
  return headers;
}

// AIPerf's unit spellings: a per-request token rate is per user.
std::string Unit(const std::string& unit, bool per_request) {
  if (unit == "s") return "sec";
  if (unit == "requests/s") return "requests/sec";
  if (unit == "tokens/s") return per_request ? "tokens/sec/user" : "tokens/sec";
  return unit;
}

struct AiperfRow {
  std::string tag, unit;
  std::optional<metrics::Stats> stats;  // a distribution; else `value`
  double value = 0;
};

// A request's value as AIPerf writes it: token counts are integers.
Json RequestValue(double v, const std::string& unit) {
  if (unit == "tokens" && std::isfinite(v) && v == std::floor(v)) return static_cast<int64_t>(v);
  return JsonNumber(v);
}

std::vector<double> Values(
    const std::vector<metrics::RequestMetrics>& measured,
    const std::function<std::optional<double>(const metrics::RequestMetrics&)>& value_of,
    bool failed = false) {
  std::vector<double> values;
  for (const auto& m : measured) {
    if (m.warmup || m.valid() == failed) continue;
    if (const auto v = value_of(m)) values.push_back(*v);
  }
  return values;
}

// output_token_count: the output tokens that are not reasoning.
std::optional<double> OutputTokenCount(const metrics::RequestMetrics& m) {
  if (!m.output_sequence_length) return std::nullopt;
  return *m.output_sequence_length - m.reasoning_token_count.value_or(0);
}

// e2e_output_token_throughput: the output tokens over the whole request latency, per second.
std::optional<double> E2eThroughput(const metrics::RequestMetrics& m) {
  if (!m.output_sequence_length || !m.request_latency || *m.request_latency <= 0)
    return std::nullopt;
  return *m.output_sequence_length / (*m.request_latency / 1000);
}

// prefill_throughput_per_user: the prompt's tokens over the time to first token, per second.
std::optional<double> PrefillThroughput(const metrics::RequestMetrics& m) {
  if (!m.input_sequence_length || !m.time_to_first_token || *m.time_to_first_token <= 0)
    return std::nullopt;
  return *m.input_sequence_length / (*m.time_to_first_token / 1000);
}

// Every metric of the run under AIPerf's tag, sorted by tag as AIPerf writes them.
std::vector<AiperfRow> AiperfRows(const FinishedRun& run) {
  const metrics::CaseSummary& summary = run.report.summary;
  std::vector<AiperfRow> rows;
  for (const auto& d : summary.distributions) {
    const auto* def = metrics::FindMetricDef(d.key);
    if (def != nullptr && *def->aiperf) rows.push_back({def->aiperf, Unit(d.unit, true), d.stats});
  }
  const auto derived = [&](const char* tag, const char* unit, auto value_of) {
    if (auto stats = metrics::Summarize(Values(run.measured(), value_of)))
      rows.push_back({tag, unit, *stats});
  };
  derived("output_token_count", "tokens", OutputTokenCount);
  derived("e2e_output_token_throughput", "tokens/sec/user", E2eThroughput);
  derived("prefill_throughput_per_user", "tokens/sec/user", PrefillThroughput);
  if (auto stats = metrics::Summarize(Values(
          run.measured(), [](const metrics::RequestMetrics& m) { return m.input_sequence_length; },
          true)))
    rows.push_back({"error_isl", "tokens", *stats});
  // AIPerf writes reasoning counts only when the server reasoned.
  std::erase_if(rows, [](const AiperfRow& r) {
    return r.tag == "reasoning_token_count" && r.stats && r.stats->sum == 0;
  });

  double requests = 0;
  for (const auto& v : summary.values) {
    const auto* def = metrics::FindMetricDef(v.key);
    if (def != nullptr && *def->aiperf)
      rows.push_back({def->aiperf, Unit(v.unit, false), {}, v.value});
    if (v.key == "request_count" || v.key == "error_request_count") requests += v.value;
  }
  rows.push_back({"completed_request_count", "requests", {}, requests});
  const auto total = [&](const char* tag, const char* of) {
    const auto it = std::find_if(rows.begin(), rows.end(),
                                 [&](const AiperfRow& r) { return r.tag == of && r.stats; });
    if (it != rows.end()) rows.push_back({tag, "tokens", {}, it->stats->sum});
  };
  total("total_output_tokens", "output_token_count");
  total("total_osl", "output_sequence_length");
  total("total_isl", "input_sequence_length");
  total("total_reasoning_tokens", "reasoning_token_count");
  total("total_usage_prompt_tokens", "usage_prompt_tokens");
  total("total_error_isl", "error_isl");
  std::sort(rows.begin(), rows.end(),
            [](const AiperfRow& a, const AiperfRow& b) { return a.tag < b.tag; });
  return rows;
}

Json RowJson(const AiperfRow& row) {
  Json j = {{"unit", row.unit}};
  if (!row.stats) {
    j["avg"] = JsonNumber(row.value);
    return j;
  }
  const metrics::Stats& s = *row.stats;
  j["avg"] = JsonNumber(s.avg);
  for (const auto& [name, value] : {std::pair{"p1", s.p1},
                                    {"p5", s.p5},
                                    {"p10", s.p10},
                                    {"p25", s.p25},
                                    {"p50", s.p50},
                                    {"p75", s.p75},
                                    {"p90", s.p90},
                                    {"p95", s.p95},
                                    {"p99", s.p99},
                                    {"min", s.min},
                                    {"max", s.max},
                                    {"std", s.std}})
    j[name] = JsonNumber(value);
  j["count"] = s.count;
  j["sum"] = JsonNumber(s.sum);
  return j;
}

// A recorded option, or `fallback` when it is missing or of another type: a records file read
// by `analyze` is outside input.
template <typename T>
T OptionOr(const Json& options, const char* key, T fallback) {
  if (!options.is_object() || !options.contains(key)) return fallback;
  try {
    return options.at(key).get<T>();
  } catch (const Json::exception&) {
    return fallback;
  }
}

// AIPerf's nested input_config, from servebench's recorded options (the flags that were set).
Json InputConfig(const Json& flags) {
  const auto get = [&](const char* key, auto fallback) { return OptionOr(flags, key, fallback); };
  Json models = Json::array();
  std::string names = get("model", std::string());
  for (size_t at = 0; !names.empty() && at <= names.size();) {
    const size_t comma = std::min(names.find(',', at), names.size());
    models.push_back({{"name", names.substr(at, comma - at)}});
    at = comma + 1;
  }
  Json prompts = Json::object();
  for (const char* length : {"isl", "osl"}) {
    const int64_t mean = get(length, int64_t{0});
    const int64_t stddev = get((std::string(length) + "_stddev").c_str(), int64_t{0});
    if (mean <= 0) continue;
    prompts[length] = {{"mean", static_cast<double>(mean)}};
    if (stddev > 0) prompts[length]["stddev"] = static_cast<double>(stddev);
  }
  Json dataset = {{"name", "main"},
                  {"type", get("input_file", std::string()).empty() ? "synthetic" : "file"},
                  {"random_seed", get("random_seed", int64_t{0})},
                  {"prompts", prompts}};
  const double rate = get("request_rate", 0.0);
  Json phase = {
      {"name", "profiling"},
      {"kind", "profiling"},
      {"type", rate > 0 ? get("arrival_pattern", std::string("poisson")) : "concurrency"}};
  if (const int64_t n = get("request_count", int64_t{0}); n > 0) {
    phase["requests"] = n;
    dataset["entries"] = n;
  }
  if (const double d = get("benchmark_duration", 0.0); d > 0) phase["duration"] = d;
  if (const int64_t c = get("concurrency", int64_t{0}); c > 0) phase["concurrency"] = c;
  if (rate > 0) phase["rate"] = rate;
  Json config = {
      {"models", {{"items", models}}},
      {"endpoint",
       {{"urls", Json::array({get("url", std::string())})},
        {"type", get("endpoint_type", std::string("chat"))},
        {"streaming", get("streaming", false)}}},
      {"datasets", Json::array({dataset})},
      {"phases", Json::array({phase})},
      {"artifacts", {{"dir", get("artifact_dir", std::string())}}},
  };
  if (const std::string tokenizer = get("tokenizer", std::string()); !tokenizer.empty())
    config["tokenizer"] = {{"name", tokenizer}};
  return config;
}

std::string Fixed2(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}

std::string AiperfLabel(const AiperfRow& row) {
  const auto header = Headers().find(row.tag);
  std::string label = header == Headers().end() ? row.tag : header->second;
  if (row.unit != "requests" && row.unit != "count") label += " (" + row.unit + ")";
  return label.find_first_of(",\"") == std::string::npos ? label : "\"" + label + "\"";
}

const char* ReasonPhrase(int code) {
  static const std::map<int, const char*> phrases = {{400, "Bad Request"},
                                                     {401, "Unauthorized"},
                                                     {402, "Payment Required"},
                                                     {403, "Forbidden"},
                                                     {404, "Not Found"},
                                                     {405, "Method Not Allowed"},
                                                     {408, "Request Timeout"},
                                                     {409, "Conflict"},
                                                     {413, "Request Entity Too Large"},
                                                     {415, "Unsupported Media Type"},
                                                     {422, "Unprocessable Entity"},
                                                     {429, "Too Many Requests"},
                                                     {500, "Internal Server Error"},
                                                     {501, "Not Implemented"},
                                                     {502, "Bad Gateway"},
                                                     {503, "Service Unavailable"},
                                                     {504, "Gateway Timeout"}};
  const auto it = phrases.find(code);
  return it == phrases.end() ? nullptr : it->second;
}

}  // namespace

std::string AiperfTime(int64_t wall_ns) {
  const std::time_t seconds = static_cast<std::time_t>(wall_ns / 1'000'000'000);
  const int64_t micros = (wall_ns % 1'000'000'000) / 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local);
  std::string out = text;
  if (micros > 0) {
    std::snprintf(text, sizeof text, ".%06lld", static_cast<long long>(micros));
    out += text;
  }
  return out;
}

std::string RequestUuid(int64_t run_wall_ns, uint64_t request_id) {
  // Two splitmix64 steps of the pair: distinct for distinct requests, the same on a re-export.
  const auto mix = [](uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  const uint64_t high = mix(static_cast<uint64_t>(run_wall_ns) ^ mix(request_id));
  const uint64_t low = mix(high ^ request_id);
  char text[40];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xffff),
                static_cast<unsigned>(high & 0xfff),
                static_cast<unsigned>(0x8000 | ((low >> 48) & 0x3fff)),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

std::string AiperfErrorType(const records::RecordError& error) {
  if (error.code == 499 || error.type == "cancelled" || error.type == "timeout")
    return "RequestCancellationError";
  if (error.code >= 400) {
    if (const char* phrase = ReasonPhrase(error.code)) return phrase;
    return error.type;
  }
  static const std::map<std::string, std::string> transport = {
      {"connect", "ClientConnectorError"},
      {"reset", "ServerDisconnectedError"},
      {"truncated", "ClientPayloadError"},
      {"tls", "ClientConnectorCertificateError"}};
  const auto it = transport.find(error.type);
  return it == transport.end() ? error.type : it->second;
}

Json AiperfJson(const FinishedRun& run) {
  const ProfileReport& report = run.report;
  const RunInfo& info = run.info;
  const std::string id = RequestUuid(info.start_wall_ns, 0).substr(24);
  Json j = {{"schema_version", kAiperfSchemaVersion}, {"benchmark_id", id}};
  for (const AiperfRow& row : AiperfRows(run)) j[row.tag] = RowJson(row);
  j["input_config"] = InputConfig(info.input_config);
  j["run_info"] = {{"benchmark_id", id},
                   {"random_seed", OptionOr(info.input_config, "random_seed", int64_t{0})},
                   {"trial", 0},
                   {"cli_command", info.command}};
  j["was_cancelled"] = report.was_cancelled;
  j["is_complete"] = !report.was_cancelled;
  Json errors = Json::array();
  for (const auto& e : report.summary.errors) {
    errors.push_back({{"error_details",
                       {{"code", e.code},
                        {"type", AiperfErrorType({e.code, e.type, e.message})},
                        {"message", e.message}}},
                      {"count", e.count}});
  }
  j["error_summary"] = errors;
  j["start_time"] = AiperfTime(info.start_wall_ns);
  j["end_time"] = AiperfTime(info.end_wall_ns);
  return j;
}

std::string AiperfCsv(const FinishedRun& run) {
  const std::vector<AiperfRow> rows = AiperfRows(run);
  std::string distributions, values;
  for (const AiperfRow& row : rows) {
    if (row.stats) {
      const metrics::Stats& s = *row.stats;
      distributions += AiperfLabel(row);
      for (double v : {s.avg, s.min, s.max, s.sum, s.p1, s.p5, s.p10, s.p25, s.p50, s.p75, s.p90,
                       s.p95, s.p99, s.std}) {
        distributions += "," + Fixed2(v);
      }
      distributions += "\r\n";
    } else {
      values += AiperfLabel(row) + "," + Fixed2(row.value) + "\r\n";
    }
  }
  std::string out;
  if (!distributions.empty()) {
    out = "Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,p95,p99,std\r\n" + distributions;
    if (!values.empty()) out += "\r\n";
  }
  if (!values.empty()) out += "Metric,Value\r\n" + values;
  return out;
}

std::string AiperfRequestLine(int64_t run_wall_ns, const records::Record& r,
                              const metrics::RequestMetrics& m) {
  Json values = Json::object();
  for (const auto& def : metrics::kMetrics) {
    if (def.kind != metrics::MetricKind::kPerRequest || !*def.aiperf) continue;
    const std::string unit = Unit(def.unit, true);
    if (def.field == nullptr) {  // inter_chunk_latency, a list
      if (m.inter_chunk_latency.empty()) continue;
      Json gaps = Json::array();
      for (double g : m.inter_chunk_latency) gaps.push_back(JsonNumber(g));
      values[def.aiperf] = {{"value", std::move(gaps)}, {"unit", unit}};
    } else if (const auto& v = m.*(def.field)) {
      if (def.field == &metrics::RequestMetrics::reasoning_token_count && *v == 0) continue;
      values[def.aiperf] = {{"value", RequestValue(*v, unit)}, {"unit", unit}};
    }
  }
  if (const auto v = OutputTokenCount(m))
    values["output_token_count"] = {{"value", RequestValue(*v, "tokens")}, {"unit", "tokens"}};
  if (m.error && m.input_sequence_length) {  // AIPerf keeps a failed request's ISL apart
    values.erase("input_sequence_length");
    values["error_isl"] = {{"value", RequestValue(*m.input_sequence_length, "tokens")},
                           {"unit", "tokens"}};
  }
  if (const auto v = E2eThroughput(m))
    values["e2e_output_token_throughput"] = {{"value", *v}, {"unit", "tokens/sec/user"}};
  if (const auto v = PrefillThroughput(m))
    values["prefill_throughput_per_user"] = {{"value", *v}, {"unit", "tokens/sec/user"}};
  const std::string correlation = RequestUuid(
      run_wall_ns, r.session_id.empty() ? r.request_id : std::hash<std::string>{}(r.session_id));
  const char* phase = r.warmup ? "warmup" : "profiling";
  char conversation[32];
  std::snprintf(conversation, sizeof conversation, "session_%06llu",
                static_cast<unsigned long long>(r.request_id));
  Json metadata = {
      {"session_num", r.request_id},
      {"x_request_id", RequestUuid(run_wall_ns, r.request_id)},
      {"x_correlation_id", correlation},
      {"conversation_id", r.session_id.empty() ? std::string(conversation) : r.session_id},
      {"turn_index", r.turn},
      {"credit_issued_ns",
       r.wall_start_ns + (r.scheduled_ns > 0 ? r.scheduled_ns - r.start_ns : 0)},
      {"request_start_ns", r.wall_start_ns},
      {"request_end_ns", r.wall_start_ns + (r.end_ns - r.start_ns)},
      {"benchmark_phase", phase},
      {"phase_name", phase},
      {"phase_kind", phase},
      {"was_cancelled", m.error && m.error->code == 499},
      {"root_correlation_id", correlation},
  };
  // When the server answered a stream's headers, as AIPerf stamps it (streams only).
  if (r.streaming && r.headers_ns > 0 && r.status >= 200 && r.status < 300)
    metadata["request_ack_ns"] = r.wall_start_ns + (r.headers_ns - r.start_ns);
  Json line = {{"metadata", std::move(metadata)}, {"metrics", std::move(values)}};
  if (m.error) {
    line["error"] = {{"code", m.error->code},
                     {"type", AiperfErrorType(*m.error)},
                     {"message", m.error->message}};
  }
  return line.dump() + "\n";
}

}  // namespace servebench::reporters
