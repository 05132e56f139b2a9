// The flags of `servebench profile` (AIPerf's names) and their resolution into a case.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mock/mock_options.h"
#include "reporters/profile_export/run_exporter.h"
#include "runner/base/expected.h"
#include "runner/base/flags.h"
#include "runner/engine/run_case.h"
#include "runner/inputs/input_file.h"
#include "runner/inputs/prompts.h"
#include "runner/metrics/request_metrics.h"
#include "runner/metrics/summary.h"

namespace servebench::options {

struct ProfileFlags {
  std::string model, url = "mock", endpoint_type = "chat", endpoint;
  bool streaming = false;
  int64_t concurrency = 0;
  double request_rate = 0;
  std::string arrival_pattern = "poisson";
  double arrival_smoothness = 1;
  int64_t request_count = 0;
  double benchmark_duration = 0, benchmark_grace_period = 30;
  double time_limit_s = 0;  // no flag: what is left of a suite case's timeout
  int64_t warmup_request_count = 0;
  int64_t random_seed = 0;
  double request_cancellation_rate = 0, request_cancellation_delay = 0;
  int64_t isl = 550, isl_stddev = 0, osl = 0, osl_stddev = 0;
  int64_t prompt_prefix_pool_size = 0, prompt_prefix_length = 0;
  std::string prompt_corpus, tokenizer;
  std::string api_key;
  std::vector<std::string> headers, extra_inputs;
  std::string token_count_source = "auto";
  bool use_server_token_count = false;
  std::string goodput;
  std::string artifact_dir;
  std::string export_vllm;                   // also write vLLM's result JSON here
  std::string output_format = "servebench";  // aiperf: AIPerf 0.13's files as well
  std::string records_compression = "none";  // records.jsonl as is, or zstd (records.jsonl.zst)
  std::string http_client = "auto";          // transport::TransportOptions::http_client
  double request_timeout_seconds = 600;
  double wait_for_model_timeout = 0;  // seconds to poll a server that is not up yet
  bool insecure = false, use_legacy_max_tokens = false, no_prewarm = false;
  std::string max_tokens_field = "auto";  // auto, max_completion_tokens or max_tokens
  std::string ca_cert;
  std::vector<std::string> redact_headers;  // more header names whose values are secret
  double max_error_rate = 100;              // percent: past it the run fails
  int64_t max_event_bytes = int64_t{16} << 20, max_response_bytes = int64_t{256} << 20;
  // Real workloads (AIPerf's names).
  std::string input_file, custom_dataset_type = "single_turn", dataset_sampling_strategy;
  int64_t isl_block_size = 512;
  int64_t max_trace_tokens = inputs::kDefaultMaxTraceTokens;
  bool fixed_schedule = false, no_fixed_schedule = false, fixed_schedule_auto_offset = false;
  int64_t fixed_schedule_start_offset = -1, fixed_schedule_end_offset = -1;  // ms; -1: none
  double replay_speedup = 1;
  std::string public_dataset, dataset_path;  // sharegpt: its JSON file (default: cache/download)
  int64_t num_sessions = 0;                  // synthetic multi-turn sessions; 0: single turns
  double session_turns_mean = 1, session_turns_stddev = 0;
  double session_turn_delay_mean = 0, session_turn_delay_stddev = 0;  // ms
  double session_turn_delay_ratio = 1;
  std::string seq_dist;
  int64_t shared_system_prompt_length = 0;
  double request_rate_ramp_duration = 0, concurrency_ramp_duration = 0;  // seconds
  std::string model_selection_strategy = "round_robin";
  mock::MockOptions mock;
};

void RegisterProfileFlags(base::FlagSet& flags, ProfileFlags& f);
// The flags of `profile` as a table (bound to values nobody reads): their names, help and traits,
// which the suite keys, the recorded configuration and the redaction follow.
const base::FlagSet& ProfileFlagTable();

// Everything a profile run needs, checked and resolved.
struct ProfilePlan {
  engine::CaseOptions run;
  inputs::PromptOptions prompts;
  metrics::TokenCountSource token_source = metrics::TokenCountSource::kAuto;
  std::vector<metrics::Slo> slos;
  bool use_mock = false;
  std::vector<std::string> models;  // --model a,b: every model the run sends
  // Chat with an output cap and --max-tokens-field auto: probe which field the server honours.
  bool probe_max_tokens_field = false;
  std::string base_url;  // without the endpoint path
  std::string title, stimulus;
  std::vector<std::string> notes;  // said on the console and in the log before the run
  // What the session and its files need of the flags besides the run, so that nothing after
  // ResolveProfile reads them.
  nlohmann::json recorded_config;  // RedactedConfig: every flag, secrets replaced
  // <model>-<endpoint_type>: the default folder is this, "-" and the stimulus (a replay sets
  // its stimulus when its trace is read).
  std::string run_name_prefix;
  std::string tokenizer_name;  // --tokenizer as given ("server": the server's /tokenize)
  std::string goodput;         // --goodput's text, as the report states it
  reporters::ExportChoice exports;
  bool records_zstd = false;
  double wait_for_model_s = 0;
  mock::MockOptions mock;  // with use_mock
};

// The flags that decide how a run's records become its report and files: registered by
// `profile` (in RegisterProfileFlags) and by `analyze`, which takes the run's own value of any
// not given. One help text each.
void TokenizerFlag(base::FlagSet& flags, std::string* target);
void TokenCountSourceFlag(base::FlagSet& flags, std::string* target);
void GoodputFlag(base::FlagSet& flags, std::string* target);
void ExportFlags(base::FlagSet& flags, std::string* output_format, std::string* vllm_file);

base::Expected<ProfilePlan> ResolveProfile(const ProfileFlags& f);
// The options as written to result files, with secrets replaced by <redacted>.
nlohmann::json RedactedConfig(const ProfileFlags& f);
// The command line with secrets replaced: key flags, secret headers (with --redact-header's
// names) and passwords in URLs.
std::string RedactedCommand(const std::vector<std::string>& argv);
// A header is secret when its name contains auth, key, token, secret, cookie or password (any
// case), or is one of `extra` (--redact-header).
bool IsSecretHeader(const std::string& header, const std::vector<std::string>& extra = {});
// user:password@ in a URL becomes user:<redacted>@.
std::string RedactUrl(const std::string& url);
// --extra-inputs values: key:value pairs (typed) or JSON objects, merged in order.
base::Expected<nlohmann::json> ParseExtraInputs(const std::vector<std::string>& items);

}  // namespace servebench::options
