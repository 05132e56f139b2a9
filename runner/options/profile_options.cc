#include "runner/options/profile_options.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <sstream>

#include "reporters/profile_export/run_exporter.h"
#include "runner/base/json.h"
#include "runner/inputs/input_file.h"

namespace servebench::options {
namespace {

using Json = nlohmann::json;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string HeaderName(const std::string& header) {
  std::string name = header.substr(0, header.find(':'));
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return name;
}

std::string RedactHeader(const std::string& header, const std::vector<std::string>& extra = {}) {
  return IsSecretHeader(header, extra) ? HeaderName(header) + ": <redacted>" : header;
}

Json TypedValue(const std::string& text) {
  int64_t i = 0;
  double d = 0;
  bool b = false;
  if (base::ParseInt(text, &i)) return i;
  if (base::ParseDouble(text, &d)) return d;
  if (base::ParseBool(text, &b) && (text == "true" || text == "false")) return b;
  if (text == "null") return nullptr;
  return text;
}

using base::NumberText;

// CR, LF or NUL in a header would let a value smuggle in a second header.
bool HasLineBreak(const std::string& text) {
  return text.find_first_of(std::string("\r\n\0", 3)) != std::string::npos;
}

// The base URL as given, checked: http(s) only, no trailing slash. A base ending in /v1, when
// the endpoint path starts with /v1/ too, loses its /v1 (with a note) instead of doubling it.
base::Expected<std::string> BaseUrl(const std::string& url, const std::string& path,
                                    std::vector<std::string>& notes) {
  std::string base = url.find("://") == std::string::npos ? "http://" + url : url;
  const std::string scheme = Lower(base.substr(0, base.find("://")));
  if (scheme != "http" && scheme != "https") {
    return base::MakeError("--url: only http:// and https:// servers are supported, got '" +
                           RedactUrl(url) + "'");
  }
  if (HasLineBreak(base) || base.find(' ') != std::string::npos)
    return base::MakeError("--url: spaces and line breaks are not allowed in a URL");
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.ends_with("/v1") && path.starts_with("/v1/")) {
    base.resize(base.size() - 3);
    notes.push_back("--url ends in /v1 and the endpoint path starts with /v1/: using " +
                    RedactUrl(base) + path);
  }
  return base;
}

base::Status CheckHeaders(const ProfileFlags& f) {
  for (const auto& h : f.headers) {
    if (HasLineBreak(h)) {
      return base::MakeError(
          "--header: CR, LF and NUL are not allowed in a header (they would inject another)");
    }
    if (h.find(':') == std::string::npos || h[0] == ':') {
      return base::MakeError("--header: '" + RedactHeader(h, f.redact_headers) +
                             "' should be 'Name: value'");
    }
    if (!f.api_key.empty() && Lower(HeaderName(h)) == "authorization") {
      return base::MakeError(
          "--api-key and --header 'Authorization: ...' both set the Authorization header; give "
          "one of them");
    }
  }
  if (HasLineBreak(f.api_key))
    return base::MakeError("--api-key: CR, LF and NUL are not allowed in a key");
  for (const auto& name : f.redact_headers) {
    if (name.empty() || name.find_first_of(std::string(":\r\n\0", 4)) != std::string::npos)
      return base::MakeError("--redact-header: give a header name, e.g. X-Custom-Token");
  }
  return base::Ok{};
}

}  // namespace

bool IsSecretHeader(const std::string& header, const std::vector<std::string>& extra) {
  const std::string name = Lower(HeaderName(header));
  for (const char* part : {"auth", "key", "token", "secret", "cookie", "password"}) {
    if (name.find(part) != std::string::npos) return true;
  }
  for (const auto& e : extra) {
    if (Lower(e) == name) return true;
  }
  return false;
}

std::string RedactUrl(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const size_t host_start = scheme_end + 3;
  const size_t at = url.find('@', host_start);
  const size_t path = url.find_first_of("/?#", host_start);
  if (at == std::string::npos || (path != std::string::npos && at > path)) return url;
  const std::string userinfo = url.substr(host_start, at - host_start);
  const size_t colon = userinfo.find(':');
  const std::string kept =
      colon == std::string::npos ? "<redacted>" : userinfo.substr(0, colon) + ":<redacted>";
  return url.substr(0, host_start) + kept + url.substr(at);
}

// Bounds on every number a user gives: a typo is an error, not an allocation of terabytes.
constexpr int64_t kMaxConcurrency = 100'000;
constexpr int64_t kMaxRequests = 1'000'000'000;
constexpr int64_t kMaxTokens = 2'000'000;  // beyond the longest context windows served today
using base::kMaxSeconds;
// Distinct prompts are held in memory; past this many tokens in all, fewer are made and reused.
constexpr int64_t kPromptTokenBudget = 4'000'000;

void TokenizerFlag(base::FlagSet& flags, std::string* target) {
  flags.String("--tokenizer", target,
               "tokenizer.json or .model file, model folder, org/name, or 'server' (its "
               "/tokenize): exact ISL and client token counts");
}

void TokenCountSourceFlag(base::FlagSet& flags, std::string* target) {
  flags.String("--token-count-source", target,
               "where output token counts come from: auto, server or tokenizer (default auto)");
}

void GoodputFlag(base::FlagSet& flags, std::string* target) {
  flags.String("--goodput", target,
               "SLOs, e.g. \"time_to_first_token:200 inter_token_latency:20\"");
}

void ExportFlags(base::FlagSet& flags, std::string* output_format, std::string* vllm_file) {
  flags.String("--export-vllm", vllm_file,
               "also write the result JSON of `vllm bench serve` (its names and definitions)");
  flags.String("--output-format", output_format,
               "servebench, or aiperf: AIPerf 0.13's profile_export_aiperf.json and .csv as well");
}

void RegisterProfileFlags(base::FlagSet& flags, ProfileFlags& f) {
  flags.String("--model", &f.model, "model name sent in every request (required)");
  flags.Alias("-m", "--model");
  flags.String("--url", &f.url, "server base URL, or 'mock' for the built-in mock (default mock)");
  flags.Alias("-u", "--url");
  flags.String("--endpoint-type", &f.endpoint_type,
               "chat, completions or embeddings (default chat)");
  flags.String("--endpoint", &f.endpoint, "path overriding the endpoint type's default");
  flags.Bool("--streaming", &f.streaming, "stream responses (SSE)");
  flags.Int("--concurrency", &f.concurrency, "requests in flight (closed loop; with a rate, a cap)",
            1, kMaxConcurrency);
  flags.Double("--request-rate", &f.request_rate, "requests per second (open loop)", 0, false, 1e6);
  flags.String("--arrival-pattern", &f.arrival_pattern,
               "poisson, constant or gamma (default poisson)");
  flags.Double("--arrival-smoothness", &f.arrival_smoothness, "gamma shape k (1 = poisson)", 0,
               false, 1e6);
  flags.Int("--request-count", &f.request_count,
            "requests to send (default max(10, 2 x concurrency))", 1, kMaxRequests);
  flags.Double("--benchmark-duration", &f.benchmark_duration,
               "seconds to send for, instead of a count", 0, false, kMaxSeconds);
  flags.Double("--benchmark-grace-period", &f.benchmark_grace_period,
               "seconds to wait after (default 30)", 0, true, kMaxSeconds);
  flags.Int("--warmup-request-count", &f.warmup_request_count,
            "requests sent first and not measured", 0, kMaxRequests);
  flags.Int("--random-seed", &f.random_seed, "seed of prompts, arrivals and cancellations", 0,
            std::numeric_limits<int64_t>::max());
  flags.Double("--request-cancellation-rate", &f.request_cancellation_rate,
               "percent of requests cut", 0, true, 100);
  flags.Double("--request-cancellation-delay", &f.request_cancellation_delay,
               "seconds before the cut", 0, true, kMaxSeconds);
  flags.Int("--isl", &f.isl, "input tokens per prompt (default 550)", 1, kMaxTokens);
  flags.Alias("--synthetic-input-tokens-mean", "--isl");
  flags.Int("--isl-stddev", &f.isl_stddev, "standard deviation of the input tokens", 0, kMaxTokens);
  flags.Alias("--synthetic-input-tokens-stddev", "--isl-stddev");
  flags.Int("--osl", &f.osl, "output tokens asked for (max_completion_tokens / max_tokens)", 1,
            kMaxTokens);
  flags.Alias("--output-tokens-mean", "--osl");
  flags.Int("--osl-stddev", &f.osl_stddev, "standard deviation of the output tokens", 0,
            kMaxTokens);
  flags.Alias("--output-tokens-stddev", "--osl-stddev");
  flags.Int("--prompt-prefix-pool-size", &f.prompt_prefix_pool_size, "shared prefixes to draw from",
            0, 100'000);
  flags.Int("--prompt-prefix-length", &f.prompt_prefix_length, "tokens of each shared prefix", 0,
            kMaxTokens);
  flags.String("--prompt-corpus", &f.prompt_corpus, "text file to cut prompts from");
  TokenizerFlag(flags, &f.tokenizer);
  flags.String("--api-key", &f.api_key, "sent as 'Authorization: Bearer KEY'");
  flags.StringList("--header", &f.headers, "extra header 'Name: value' (repeatable)");
  flags.Alias("-H", "--header");
  flags.StringList("--redact-header", &f.redact_headers,
                   "a header name whose value is secret, besides *auth*, *key*, *token*... ");
  flags.StringList("--extra-inputs", &f.extra_inputs,
                   "key:value or a JSON object merged into bodies");
  TokenCountSourceFlag(flags, &f.token_count_source);
  flags.Bool("--use-server-token-count", &f.use_server_token_count,
             "same as --token-count-source server");
  GoodputFlag(flags, &f.goodput);
  flags.String("--artifact-dir", &f.artifact_dir, "where results go (default artifacts/<run>/)");
  flags.String("--records-compression", &f.records_compression,
               "none (records.jsonl) or zstd (records.jsonl.zst, about 13x smaller)");
  ExportFlags(flags, &f.output_format, &f.export_vllm);
  flags.Double("--request-timeout-seconds", &f.request_timeout_seconds,
               "per request and for the readiness check (default 600)", 0, false, kMaxSeconds);
  flags.Double("--wait-for-model-timeout", &f.wait_for_model_timeout,
               "seconds to keep polling /v1/models while the server is unreachable or loading "
               "(5xx), for servers started with the run (default 0)",
               0, true, kMaxSeconds);
  flags.Bool("--insecure", &f.insecure, "do not verify TLS certificates");
  flags.Bool("--no-prewarm", &f.no_prewarm,
             "open no connections before the clock starts: each request connects when it leaves, "
             "and connect_time is reported");
  flags.String("--http-client", &f.http_client,
               "auto (servebench's own HTTP/1.1 client for plain http://, libcurl for https:// "
               "and proxies), curl or builtin (default auto)");
  flags.String("--ca-cert", &f.ca_cert,
               "CA bundle to verify the server with (also SSL_CERT_FILE, CURL_CA_BUNDLE)");
  flags.Double("--max-error-rate", &f.max_error_rate,
               "percent of failed requests past which the run fails (exit 1; default 100)", 0, true,
               100);
  flags.Int("--max-event-bytes", &f.max_event_bytes,
            "largest SSE event accepted; past it the request is error too_large (default 16 MiB)",
            1024, int64_t{1} << 32);
  flags.Int("--max-response-bytes", &f.max_response_bytes,
            "largest response accepted (default 256 MiB)", 1024, int64_t{1} << 36);
  flags.String("--max-tokens-field", &f.max_tokens_field,
               "chat: the output cap's field, auto (probe the server), max_completion_tokens or "
               "max_tokens (default auto)");
  flags.Bool("--use-legacy-max-tokens", &f.use_legacy_max_tokens,
             "same as --max-tokens-field max_tokens");
  flags.String("--input-file", &f.input_file,
               "a JSON Lines file of requests (or a folder, for random_pool)");
  flags.Alias("--dataset", "--input-file");
  flags.String("--custom-dataset-type", &f.custom_dataset_type,
               "single_turn, multi_turn, random_pool or mooncake_trace (default single_turn)");
  flags.String("--dataset-sampling-strategy", &f.dataset_sampling_strategy,
               "sequential, random or shuffle (default: random for random_pool, else sequential)");
  flags.Int("--isl-block-size", &f.isl_block_size,
            "tokens of each mooncake_trace hash id (default 512, at most 65536)", 1,
            inputs::kMaxBlockTokens);
  flags.Int("--max-trace-tokens", &f.max_trace_tokens,
            "input tokens a mooncake_trace's input_length rows may make in all, each held as "
            "text for the run (default 64000000)",
            1, std::numeric_limits<int64_t>::max());
  flags.Bool("--fixed-schedule", &f.fixed_schedule,
             "send each request at its timestamp (automatic when the file has timestamps)");
  flags.Bool("--no-fixed-schedule", &f.no_fixed_schedule,
             "ignore the file's timestamps; use --concurrency or --request-rate");
  flags.Bool("--fixed-schedule-auto-offset", &f.fixed_schedule_auto_offset,
             "start the replay at the first timestamp instead of 0");
  flags.Int("--fixed-schedule-start-offset", &f.fixed_schedule_start_offset,
            "replay from this timestamp (ms, inclusive)", 0, std::numeric_limits<int64_t>::max());
  flags.Int("--fixed-schedule-end-offset", &f.fixed_schedule_end_offset,
            "replay up to this timestamp (ms, inclusive)", 0, std::numeric_limits<int64_t>::max());
  flags.Double("--replay-speedup", &f.replay_speedup,
               "play the trace's clock this many times faster (default 1)", 0, false, 1e6);
  flags.String("--public-dataset", &f.public_dataset,
               "sharegpt: ShareGPT V3 prompts, filtered as vLLM does");
  flags.String("--dataset-path", &f.dataset_path,
               "the public dataset's file (default: the cached copy, or a download)");
  flags.Int("--num-sessions", &f.num_sessions, "synthetic multi-turn sessions to run", 1,
            kMaxRequests);
  flags.Alias("--conversation-num", "--num-sessions");
  flags.Double("--session-turns-mean", &f.session_turns_mean, "turns per session (default 1)", 1,
               true, 1e6);
  flags.Alias("--conversation-turn-mean", "--session-turns-mean");
  flags.Double("--session-turns-stddev", &f.session_turns_stddev,
               "standard deviation of the turns per session", 0, true, 1e6);
  flags.Alias("--conversation-turn-stddev", "--session-turns-stddev");
  flags.Double("--session-turn-delay-mean", &f.session_turn_delay_mean,
               "ms between a reply and the next turn (default 0)", 0, true, kMaxSeconds * 1e3);
  flags.Alias("--conversation-turn-delay-mean", "--session-turn-delay-mean");
  flags.Double("--session-turn-delay-stddev", &f.session_turn_delay_stddev,
               "standard deviation of that delay (ms)", 0, true, kMaxSeconds * 1e3);
  flags.Alias("--conversation-turn-delay-stddev", "--session-turn-delay-stddev");
  flags.Double("--session-turn-delay-ratio", &f.session_turn_delay_ratio,
               "scales every turn delay, the file's too (default 1)", 0, true, 1e6);
  flags.Alias("--conversation-turn-delay-ratio", "--session-turn-delay-ratio");
  flags.String("--seq-dist", &f.seq_dist,
               "(ISL,OSL) pairs drawn with weights, e.g. \"128,64:25;512,128:75\"");
  flags.Int("--shared-system-prompt-length", &f.shared_system_prompt_length,
            "tokens of one system prompt shared by every session", 0, kMaxTokens);
  flags.Double("--request-rate-ramp-duration", &f.request_rate_ramp_duration,
               "seconds over which the rate rises linearly to --request-rate", 0, true,
               kMaxSeconds);
  flags.Double("--concurrency-ramp-duration", &f.concurrency_ramp_duration,
               "seconds over which the concurrency rises, one slot at a time", 0, true,
               kMaxSeconds);
  flags.String("--model-selection-strategy", &f.model_selection_strategy,
               "with --model a,b: round_robin or random (default round_robin)");
  mock::RegisterMockFlags(flags, f.mock, "mock-");

  // The server under test and how it is reached describe no measurement: a suite compares a case
  // with its baseline whatever server answered then. Keys and headers among them are secrets.
  using Flags = base::FlagSet;
  flags.Mark("--api-key", Flags::kSecret | Flags::kServer);
  flags.Mark("--header", Flags::kSecret | Flags::kServer);
  flags.Mark("--extra-inputs", Flags::kList);
  for (const char* server : {"--url", "--insecure", "--ca-cert", "--wait-for-model-timeout",
                             "--request-timeout-seconds"})
    flags.Mark(server, Flags::kServer);
  for (const auto& name : flags.Names()) {
    if (name.starts_with("--mock-")) flags.Mark(name, Flags::kServer);
  }
}

const base::FlagSet& ProfileFlagTable() {
  static ProfileFlags values;
  static const base::FlagSet table = [] {
    base::FlagSet flags("profile");
    RegisterProfileFlags(flags, values);
    return flags;
  }();
  return table;
}

base::Expected<Json> ParseExtraInputs(const std::vector<std::string>& items) {
  Json extra = Json::object();
  for (const auto& item : items) {
    if (!item.empty() && item[0] == '{') {
      bool too_deep = false;
      const Json object = base::ParseJson(item, &too_deep);
      if (too_deep) {
        return base::MakeError("--extra-inputs: the JSON object is " +
                               std::string(base::JsonProblem(true)) + "; flatten it");
      }
      if (object.is_discarded() || !object.is_object()) {
        return base::MakeError("--extra-inputs: '" + item + "' is not a JSON object");
      }
      extra.update(object);
      continue;
    }
    const size_t colon = item.find(':');
    if (colon == std::string::npos || colon == 0) {
      return base::MakeError("--extra-inputs: '" + item +
                             "' should be key:value (e.g. ignore_eos:true) or a JSON object");
    }
    extra[item.substr(0, colon)] = TypedValue(item.substr(colon + 1));
  }
  return extra;
}

namespace {

// "a,b" -> {"a", "b"}: the models of one run.
base::Expected<std::vector<std::string>> SplitModels(const std::string& text) {
  std::vector<std::string> models;
  std::stringstream in(text);
  std::string model;
  while (std::getline(in, model, ',')) {
    if (model.empty()) {
      return base::MakeError("--model '" + text + "': an empty name (write a,b for two models)");
    }
    models.push_back(model);
  }
  if (models.empty()) return base::MakeError("profile: --model is required");
  return models;
}

// The rules between the workload flags: one source of prompts, and the flags each one reads.
base::Status CheckWorkloadFlags(const ProfileFlags& f) {
  const int sources = !f.input_file.empty() + !f.public_dataset.empty() + (f.num_sessions > 0);
  if (sources > 1) {
    return base::MakeError(
        "--input-file, --public-dataset and --num-sessions each give the "
        "prompts; give one of them");
  }
  if (!f.public_dataset.empty() && f.public_dataset != "sharegpt") {
    return base::MakeError("--public-dataset: expected sharegpt, got '" + f.public_dataset + "'");
  }
  if (!f.dataset_path.empty() && f.public_dataset.empty()) {
    return base::MakeError(
        "--dataset-path is the file of --public-dataset; give that too (a "
        "file of your own goes with --input-file)");
  }
  if (f.num_sessions == 0 && (f.session_turns_mean != 1 || f.session_turns_stddev > 0 ||
                              f.session_turn_delay_mean > 0 || f.session_turn_delay_stddev > 0)) {
    return base::MakeError(
        "--session-turns-* and --session-turn-delay-* shape synthetic "
        "sessions; give --num-sessions too");
  }
  if (f.request_rate_ramp_duration > 0 && f.request_rate <= 0) {
    return base::MakeError("--request-rate-ramp-duration ramps --request-rate; give the rate");
  }
  if (f.concurrency_ramp_duration > 0 && (f.request_rate > 0 || f.concurrency < 2)) {
    return base::MakeError(
        "--concurrency-ramp-duration ramps a closed loop's --concurrency "
        "(2 or more) up one slot at a time; give it without --request-rate");
  }
  if (!f.seq_dist.empty() && (!f.input_file.empty() || !f.public_dataset.empty())) {
    return base::MakeError("--seq-dist shapes synthetic prompts; the file's lengths are used");
  }
  return base::Ok{};
}

}  // namespace

namespace {

// The flags refuse values out of range when parsed; these are the rules between flags, and the
// words a flag takes.
base::Status CheckFlagRules(const ProfileFlags& f) {
  if (f.benchmark_duration > 0 && f.request_count > 0) {
    return base::MakeError(
        "--benchmark-duration and --request-count both say when to stop; give one of them");
  }
  if (auto headers = CheckHeaders(f); !headers) return headers.error();
  if (auto known = reporters::CheckOutputFormat(f.output_format); !known) return known.error();
  if (f.records_compression != "none" && f.records_compression != "zstd") {
    return base::MakeError("--records-compression: expected none or zstd, got '" +
                           f.records_compression + "'");
  }
  if (f.http_client != "auto" && f.http_client != "curl" && f.http_client != "builtin") {
    return base::MakeError("--http-client: expected auto, curl or builtin, got '" + f.http_client +
                           "'");
  }
  if (f.model_selection_strategy != "round_robin" && f.model_selection_strategy != "random") {
    return base::MakeError("--model-selection-strategy: expected round_robin or random, got '" +
                           f.model_selection_strategy + "'");
  }
  return CheckWorkloadFlags(f);
}

transport::TransportOptions TransportOf(const ProfileFlags& f, int64_t concurrency) {
  transport::TransportOptions t;
  t.headers = f.headers;
  if (!f.api_key.empty()) t.headers.push_back("Authorization: Bearer " + f.api_key);
  t.timeout_s = f.request_timeout_seconds;
  t.insecure = f.insecure;
  t.ca_cert = f.ca_cert;
  t.max_event_bytes = static_cast<size_t>(f.max_event_bytes);
  t.max_response_bytes = static_cast<size_t>(f.max_response_bytes);
  t.max_connections = std::max<long>(64, static_cast<long>(concurrency));
  t.http_client = f.http_client;
  return t;
}

// Synthetic prompts: lengths, shared prefixes, the corpus, and how many to make (the run's
// requests, within a token budget).
base::Expected<inputs::PromptOptions> PromptsOf(const ProfileFlags& f,
                                                const engine::CaseOptions& run) {
  inputs::PromptOptions prompts;
  prompts.isl = f.isl;
  prompts.isl_stddev = f.isl_stddev;
  prompts.osl = f.osl;
  prompts.osl_stddev = f.osl_stddev;
  prompts.prefix_pool_size = f.prompt_prefix_pool_size;
  prompts.prefix_length = f.prompt_prefix_length;
  prompts.corpus_path = f.prompt_corpus;
  prompts.seed = run.seed;
  if (!f.seq_dist.empty()) {
    auto points = inputs::ParseSeqDist(f.seq_dist);
    if (!points) return points.error();
    prompts.seq_dist = *points;
  }
  const int64_t tokens_per_prompt = f.isl + 4 * f.isl_stddev;
  prompts.count = static_cast<size_t>(std::min<int64_t>(
      {1000,
       f.benchmark_duration > 0 ? 1000 : static_cast<int64_t>(run.request_count + run.warmup_count),
       std::max<int64_t>(1, kPromptTokenBudget / tokens_per_prompt)}));
  return prompts;
}

// The run's stimulus (its folder's name) and title.
void NameTheRun(const ProfileFlags& f, endpoints::EndpointType type, int64_t concurrency,
                ProfilePlan& plan) {
  const auto& run = plan.run;
  const std::string mode = run.body.streaming ? "streaming" : "not streaming";
  if (f.request_rate > 0) {
    plan.stimulus = "request_rate" + NumberText(f.request_rate);
    plan.title = std::string(endpoints::Name(type)) + ", " + mode + ", request rate " +
                 NumberText(f.request_rate) + "/s " + f.arrival_pattern +
                 (f.concurrency > 0 ? ", concurrency cap " + std::to_string(f.concurrency) : "");
  } else {
    plan.stimulus = "concurrency" + std::to_string(concurrency);
    plan.title = std::string(endpoints::Name(type)) + ", " + mode + ", concurrency " +
                 std::to_string(concurrency);
  }
}

// What the session and its files need of the flags besides the run.
void KeepSessionChoices(const ProfileFlags& f, ProfilePlan& plan) {
  plan.recorded_config = RedactedConfig(f);
  plan.run_name_prefix = f.model + "-" + f.endpoint_type;
  plan.tokenizer_name = f.tokenizer;
  plan.goodput = f.goodput;
  plan.exports = {f.output_format, f.export_vllm};
  plan.records_zstd = f.records_compression == "zstd";
  plan.wait_for_model_s = f.wait_for_model_timeout;
  plan.mock = f.mock;
}

}  // namespace

base::Expected<ProfilePlan> ResolveProfile(const ProfileFlags& f) {
  ProfilePlan plan;
  if (f.model.empty())
    return base::MakeError("profile: --model is required (the model name the server serves)");
  auto type = endpoints::ParseEndpointType(f.endpoint_type);
  if (!type) return type.error();
  auto arrival = schedule::ParseArrival(f.arrival_pattern);
  if (!arrival) return arrival.error();
  auto source =
      metrics::ParseTokenCountSource(f.use_server_token_count ? "server" : f.token_count_source);
  if (!source) return source.error();
  auto slos = metrics::ParseGoodput(f.goodput);
  if (!slos) return slos.error();
  auto extra = ParseExtraInputs(f.extra_inputs);
  if (!extra) return extra.error();
  if (auto rules = CheckFlagRules(f); !rules) return rules.error();
  const std::string cap_field = f.use_legacy_max_tokens ? "max_tokens" : f.max_tokens_field;
  if (cap_field != "auto" && cap_field != "max_completion_tokens" && cap_field != "max_tokens") {
    return base::MakeError(
        "--max-tokens-field: expected auto, max_completion_tokens or max_tokens, got '" +
        cap_field + "'");
  }
  auto models = SplitModels(f.model);
  if (!models) return models.error();
  plan.models = *models;
  if (*source == metrics::TokenCountSource::kTokenizer && f.tokenizer.empty()) {
    return base::MakeError(
        "--token-count-source tokenizer needs --tokenizer (a file, a model folder or server)");
  }
  const int64_t concurrency =
      f.request_rate > 0 ? f.concurrency : std::max<int64_t>(1, f.concurrency);
  engine::CaseOptions& run = plan.run;
  run.type = *type;
  run.body.model = plan.models.front();
  if (plan.models.size() > 1) run.models = plan.models;
  run.random_model = f.model_selection_strategy == "random";
  run.body.streaming = f.streaming && endpoints::ProducesTokens(*type);
  run.body.legacy_max_tokens = cap_field == "max_tokens";
  plan.probe_max_tokens_field =
      cap_field == "auto" && endpoints::HasTwoCapFields(*type) && f.osl > 0;
  run.body.extra = *extra;
  run.load.concurrency = concurrency;
  run.load.request_rate = f.request_rate;
  run.load.arrival = *arrival;
  run.load.smoothness = f.arrival_smoothness;
  run.load.rate_ramp_s = f.request_rate_ramp_duration;
  run.load.concurrency_ramp_s = f.concurrency_ramp_duration;
  run.request_count =
      f.request_count > 0 ? f.request_count : std::max<int64_t>(10, 2 * concurrency);
  run.duration_s = f.benchmark_duration;
  run.grace_s = f.benchmark_grace_period;
  run.time_limit_s = f.time_limit_s;
  run.warmup_count = f.warmup_request_count;
  run.cancellation_rate_pct = f.request_cancellation_rate;
  run.cancellation_delay_s = f.request_cancellation_delay;
  run.seed = static_cast<uint64_t>(f.random_seed);
  run.transport = TransportOf(f, concurrency);

  plan.use_mock = f.url == "mock";
  std::string path = f.endpoint.empty() ? endpoints::DefaultPath(*type) : f.endpoint;
  if (path[0] != '/') path = "/" + path;
  if (HasLineBreak(path) || path.find(' ') != std::string::npos)
    return base::MakeError("--endpoint: spaces and line breaks are not allowed in a path");
  if (!plan.use_mock) {
    auto base_url = BaseUrl(f.url, path, plan.notes);
    if (!base_url) return base_url.error();
    plan.base_url = *base_url;
  }
  run.url = plan.base_url + path;
  run.prewarm = !f.no_prewarm;
  run.prewarm_url = plan.base_url + "/v1/models";

  auto prompts = PromptsOf(f, run);
  if (!prompts) return prompts.error();
  plan.prompts = std::move(*prompts);
  plan.token_source = *source;
  plan.slos = *slos;

  NameTheRun(f, *type, concurrency, plan);
  KeepSessionChoices(f, plan);
  return plan;
}

Json RedactedConfig(const ProfileFlags& f) {
  // Read back through the flag table itself: every flag is recorded, none can drift away.
  ProfileFlags copy = f;
  base::FlagSet flags("profile");
  RegisterProfileFlags(flags, copy);
  Json config = flags.Values();
  config["url"] = RedactUrl(f.url);
  for (const auto& name : flags.Names()) {
    if (!flags.Is(name, base::FlagSet::kSecret)) continue;
    Json& value = config[base::FlagSet::ConfigKey(name)];
    if (value.is_array()) {  // headers: their names stay, secret values go
      value = Json::array();
      for (const auto& h : f.headers) value.push_back(RedactHeader(h, f.redact_headers));
    } else if (!value.get<std::string>().empty()) {
      value = "<redacted>";
    }
  }
  if (f.use_server_token_count) config["token_count_source"] = "server";
  return config;
}

namespace {

// A word as a POSIX shell reads it back: single-quoted when it holds anything the shell would
// interpret (a space, ; & | $ quotes, globs...).
std::string ShellWord(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t\n\"'$;&|<>()*?[]{}!#~`\\") == std::string::npos) {
    return word;
  }
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

std::string RedactedCommand(const std::vector<std::string>& argv) {
  std::vector<std::string> extra;  // --redact-header names, wherever they stand
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "--redact-header" && i + 1 < argv.size()) extra.push_back(argv[i + 1]);
    if (argv[i].starts_with("--redact-header=")) extra.push_back(argv[i].substr(16));
  }
  const base::FlagSet& table = ProfileFlagTable();
  // A secret's value: a header keeps its name, anything else is gone.
  const auto hidden = [&](const std::string& flag, const std::string& value) {
    return table.Is(flag, base::FlagSet::kList) ? RedactHeader(value, extra) : "<redacted>";
  };
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string word = argv[i];
    const size_t eq = word.find('=');
    const std::string flag = word.substr(0, eq);
    if (word.starts_with("-") && table.Is(flag, base::FlagSet::kSecret)) {
      if (eq != std::string::npos) {
        word = flag + "=" + hidden(flag, word.substr(eq + 1));
      } else if (i + 1 < argv.size()) {
        out += word + " ";
        word = hidden(flag, argv[++i]);
      }
    } else {
      word = RedactUrl(word);
    }
    out += ShellWord(word) + (i + 1 < argv.size() ? " " : "");
  }
  return out;
}

}  // namespace servebench::options
