#include "runner/options/profile_options.h"

#include <algorithm>
#include <cctype>

namespace servebench::options {
namespace {

using Json = nlohmann::json;

bool IsSecretHeader(const std::string& header) {
  std::string name = header.substr(0, header.find(':'));
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  return name == "authorization" || name == "api-key" || name == "x-api-key";
}

std::string RedactHeader(const std::string& header) {
  return IsSecretHeader(header) ? header.substr(0, header.find(':')) + ": <redacted>" : header;
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

std::string Trimmed(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string NumberText(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

void RegisterProfileFlags(base::FlagSet& flags, ProfileFlags& f) {
  flags.String("--model", &f.model, "model name sent in every request (required)");
  flags.Alias("-m", "--model");
  flags.String("--url", &f.url, "server base URL, or 'mock' for the built-in mock (default mock)");
  flags.Alias("-u", "--url");
  flags.String("--endpoint-type", &f.endpoint_type,
               "chat, completions or embeddings (default chat)");
  flags.String("--endpoint", &f.endpoint, "path overriding the endpoint type's default");
  flags.Bool("--streaming", &f.streaming, "stream responses (SSE)");
  flags.Int("--concurrency", &f.concurrency,
            "requests in flight (closed loop; with a rate, a cap)");
  flags.Double("--request-rate", &f.request_rate, "requests per second (open loop)");
  flags.String("--arrival-pattern", &f.arrival_pattern,
               "poisson, constant or gamma (default poisson)");
  flags.Double("--arrival-smoothness", &f.arrival_smoothness, "gamma shape k (1 = poisson)");
  flags.Int("--request-count", &f.request_count,
            "requests to send (default max(10, 2 x concurrency))");
  flags.Double("--benchmark-duration", &f.benchmark_duration,
               "seconds to send for, instead of a count");
  flags.Double("--benchmark-grace-period", &f.benchmark_grace_period,
               "seconds to wait after (default 30)");
  flags.Int("--warmup-request-count", &f.warmup_request_count,
            "requests sent first and not measured");
  flags.Int("--random-seed", &f.random_seed, "seed of prompts, arrivals and cancellations");
  flags.Double("--request-cancellation-rate", &f.request_cancellation_rate,
               "percent of requests cut");
  flags.Double("--request-cancellation-delay", &f.request_cancellation_delay,
               "seconds before the cut");
  flags.Int("--isl", &f.isl, "input tokens per prompt (default 550)");
  flags.Alias("--synthetic-input-tokens-mean", "--isl");
  flags.Int("--isl-stddev", &f.isl_stddev, "standard deviation of the input tokens");
  flags.Alias("--synthetic-input-tokens-stddev", "--isl-stddev");
  flags.Int("--osl", &f.osl, "output tokens asked for (max_completion_tokens / max_tokens)");
  flags.Alias("--output-tokens-mean", "--osl");
  flags.Int("--osl-stddev", &f.osl_stddev, "standard deviation of the output tokens");
  flags.Alias("--output-tokens-stddev", "--osl-stddev");
  flags.Int("--prompt-prefix-pool-size", &f.prompt_prefix_pool_size,
            "shared prefixes to draw from");
  flags.Int("--prompt-prefix-length", &f.prompt_prefix_length, "tokens of each shared prefix");
  flags.String("--prompt-corpus", &f.prompt_corpus, "text file to cut prompts from");
  flags.String("--tokenizer", &f.tokenizer,
               "sentencepiece .model: exact ISL and client token counts");
  flags.String("--api-key", &f.api_key, "sent as 'Authorization: Bearer KEY'");
  flags.StringList("--header", &f.headers, "extra header 'Name: value' (repeatable)");
  flags.Alias("-H", "--header");
  flags.StringList("--extra-inputs", &f.extra_inputs,
                   "key:value or a JSON object merged into bodies");
  flags.String("--token-count-source", &f.token_count_source,
               "auto, server or tokenizer (default auto)");
  flags.Bool("--use-server-token-count", &f.use_server_token_count,
             "same as --token-count-source server");
  flags.String("--goodput", &f.goodput,
               "SLOs, e.g. \"time_to_first_token:200 inter_token_latency:20\"");
  flags.String("--artifact-dir", &f.artifact_dir, "where results go (default artifacts/<run>/)");
  flags.Double("--request-timeout-seconds", &f.request_timeout_seconds,
               "per request (default 600)");
  flags.Bool("--insecure", &f.insecure, "do not verify TLS certificates");
  flags.Bool("--use-legacy-max-tokens", &f.use_legacy_max_tokens, "chat: send max_tokens");
  mock::RegisterMockFlags(flags, f.mock, "mock-");
}

base::Expected<Json> ParseExtraInputs(const std::vector<std::string>& items) {
  Json extra = Json::object();
  for (const auto& item : items) {
    if (!item.empty() && item[0] == '{') {
      const Json object = Json::parse(item, nullptr, false);
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
  if (f.concurrency < 0) return base::MakeError("--concurrency must be >= 1");
  if (f.request_rate < 0) return base::MakeError("--request-rate must be > 0");
  if (f.arrival_smoothness <= 0) return base::MakeError("--arrival-smoothness must be > 0");
  if (f.request_count < 0) return base::MakeError("--request-count must be >= 1");
  if (f.benchmark_duration < 0) return base::MakeError("--benchmark-duration must be > 0");
  if (f.benchmark_grace_period < 0) return base::MakeError("--benchmark-grace-period must be >= 0");
  if (f.warmup_request_count < 0) return base::MakeError("--warmup-request-count must be >= 0");
  if (f.random_seed < 0) return base::MakeError("--random-seed must be >= 0");
  if (f.request_cancellation_rate < 0 || f.request_cancellation_rate > 100) {
    return base::MakeError("--request-cancellation-rate is a percentage: 0 to 100");
  }
  if (f.request_cancellation_delay < 0)
    return base::MakeError("--request-cancellation-delay must be >= 0");
  if (f.isl < 1) return base::MakeError("--isl must be >= 1");
  if (f.osl < 0 || f.isl_stddev < 0 || f.osl_stddev < 0)
    return base::MakeError("--osl and the stddevs must be >= 0");
  if (f.prompt_prefix_pool_size < 0 || f.prompt_prefix_length < 0) {
    return base::MakeError("--prompt-prefix-pool-size and --prompt-prefix-length must be >= 0");
  }
  if (f.request_timeout_seconds <= 0)
    return base::MakeError("--request-timeout-seconds must be > 0");
  for (const auto& h : f.headers) {
    if (h.find(':') == std::string::npos || h[0] == ':') {
      return base::MakeError("--header: '" + RedactHeader(h) + "' should be 'Name: value'");
    }
  }
  if (*source == metrics::TokenCountSource::kTokenizer && f.tokenizer.empty()) {
    return base::MakeError("--token-count-source tokenizer needs --tokenizer FILE.model");
  }
  const int64_t concurrency =
      f.request_rate > 0 ? f.concurrency : std::max<int64_t>(1, f.concurrency);
  engine::CaseOptions& run = plan.run;
  run.type = *type;
  run.body.model = f.model;
  run.body.streaming = f.streaming && *type != endpoints::EndpointType::kEmbeddings;
  run.body.legacy_max_tokens = f.use_legacy_max_tokens;
  run.body.extra = *extra;
  run.load.concurrency = concurrency;
  run.load.request_rate = f.request_rate;
  run.load.arrival = *arrival;
  run.load.smoothness = f.arrival_smoothness;
  run.request_count =
      f.request_count > 0 ? f.request_count : std::max<int64_t>(10, 2 * concurrency);
  run.duration_s = f.benchmark_duration;
  run.grace_s = f.benchmark_grace_period;
  run.warmup_count = f.warmup_request_count;
  run.cancellation_rate_pct = f.request_cancellation_rate;
  run.cancellation_delay_s = f.request_cancellation_delay;
  run.seed = static_cast<uint64_t>(f.random_seed);
  run.transport.headers = f.headers;
  if (!f.api_key.empty()) run.transport.headers.push_back("Authorization: Bearer " + f.api_key);
  run.transport.timeout_s = f.request_timeout_seconds;
  run.transport.insecure = f.insecure;
  run.transport.max_connections = std::max<long>(64, static_cast<long>(concurrency));

  plan.use_mock = f.url == "mock";
  plan.base_url = plan.use_mock
                      ? ""
                      : Trimmed(f.url.find("://") == std::string::npos ? "http://" + f.url : f.url);
  const std::string path = f.endpoint.empty() ? endpoints::DefaultPath(*type) : f.endpoint;
  run.url = plan.base_url + (path[0] == '/' ? path : "/" + path);

  plan.prompts.isl = f.isl;
  plan.prompts.isl_stddev = f.isl_stddev;
  plan.prompts.osl = f.osl;
  plan.prompts.osl_stddev = f.osl_stddev;
  plan.prompts.prefix_pool_size = f.prompt_prefix_pool_size;
  plan.prompts.prefix_length = f.prompt_prefix_length;
  plan.prompts.corpus_path = f.prompt_corpus;
  plan.prompts.seed = run.seed;
  plan.prompts.count = static_cast<size_t>(std::min<int64_t>(
      1000, f.benchmark_duration > 0 ? 1000 : run.request_count + run.warmup_count));
  plan.token_source = *source;
  plan.slos = *slos;

  const std::string mode = run.body.streaming ? "streaming" : "not streaming";
  if (f.request_rate > 0) {
    plan.stimulus = "request_rate" + NumberText(f.request_rate);
    plan.title = std::string(endpoints::Name(*type)) + ", " + mode + ", request rate " +
                 NumberText(f.request_rate) + "/s " + f.arrival_pattern +
                 (f.concurrency > 0 ? ", concurrency cap " + std::to_string(f.concurrency) : "");
  } else {
    plan.stimulus = "concurrency" + std::to_string(concurrency);
    plan.title = std::string(endpoints::Name(*type)) + ", " + mode + ", concurrency " +
                 std::to_string(concurrency);
  }
  return plan;
}

Json RedactedConfig(const ProfileFlags& f) {
  std::vector<std::string> headers;
  for (const auto& h : f.headers) headers.push_back(RedactHeader(h));
  return {{"model", f.model},
          {"url", f.url},
          {"endpoint_type", f.endpoint_type},
          {"endpoint", f.endpoint},
          {"streaming", f.streaming},
          {"concurrency", f.concurrency},
          {"request_rate", f.request_rate},
          {"arrival_pattern", f.arrival_pattern},
          {"arrival_smoothness", f.arrival_smoothness},
          {"request_count", f.request_count},
          {"benchmark_duration", f.benchmark_duration},
          {"benchmark_grace_period", f.benchmark_grace_period},
          {"warmup_request_count", f.warmup_request_count},
          {"random_seed", f.random_seed},
          {"request_cancellation_rate", f.request_cancellation_rate},
          {"request_cancellation_delay", f.request_cancellation_delay},
          {"isl", f.isl},
          {"isl_stddev", f.isl_stddev},
          {"osl", f.osl},
          {"osl_stddev", f.osl_stddev},
          {"prompt_prefix_pool_size", f.prompt_prefix_pool_size},
          {"prompt_prefix_length", f.prompt_prefix_length},
          {"prompt_corpus", f.prompt_corpus},
          {"tokenizer", f.tokenizer},
          {"api_key", f.api_key.empty() ? "" : "<redacted>"},
          {"headers", headers},
          {"extra_inputs", f.extra_inputs},
          {"token_count_source", f.use_server_token_count ? "server" : f.token_count_source},
          {"goodput", f.goodput},
          {"request_timeout_seconds", f.request_timeout_seconds},
          {"insecure", f.insecure},
          {"use_legacy_max_tokens", f.use_legacy_max_tokens}};
}

std::string RedactedCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string word = argv[i];
    const bool key_flag = word == "--api-key" || word == "--mock-api-key";
    const bool header_flag = word == "-H" || word == "--header";
    if ((key_flag || header_flag) && i + 1 < argv.size()) {
      out += word + " ";
      ++i;
      word = key_flag ? "<redacted>" : RedactHeader(argv[i]);
    } else if (word.rfind("--api-key=", 0) == 0 || word.rfind("--mock-api-key=", 0) == 0) {
      word = word.substr(0, word.find('=') + 1) + "<redacted>";
    } else if (word.rfind("--header=", 0) == 0) {
      word = "--header=" + RedactHeader(word.substr(9));
    }
    const bool quote = word.find_first_of(" \"'") != std::string::npos;
    out += (quote ? "'" + word + "'" : word) + (i + 1 < argv.size() ? " " : "");
  }
  return out;
}

}  // namespace servebench::options
