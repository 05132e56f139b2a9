#include "runner/session/profile_session.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>

#include "mock/mock_server.h"
#include "reporters/profile_export/run_report.h"
#include "runner/base/clock.h"
#include "runner/base/output_file.h"
#include "runner/metrics/measuring_sink.h"
#include "runner/options/workload_plan.h"
#include "runner/records/records_file.h"
#include "runner/session/artifacts.h"
#include "runner/tokenizers/server_tokenizer.h"
#include "runner/transport/curl_multi_transport.h"

namespace servebench::session {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Checks the server answers before any load is sent. A model it does not list is only a
// warning: llama.cpp, TGI and proxies serve names they do not list; the first request decides.
base::Status CheckReady(const options::ProfilePlan& plan, const std::vector<std::string>& models,
                        const transport::TransportOptions& t, double wait_s,
                        std::vector<std::string>& warnings) {
  const std::string shown = options::RedactUrl(plan.base_url);
  const transport::FetchResult r = transport::FetchWhenUp(plan.base_url + "/v1/models", t, wait_s);
  if (r.status == 0) {
    return base::MakeError("cannot reach " + shown + " (" + r.error +
                           "); is the server running? check --url");
  }
  if (r.status == 401 || r.status == 403) {
    return base::MakeError(shown + " refused the credentials (HTTP " + std::to_string(r.status) +
                           "); check --api-key");
  }
  if (r.status != 200) return base::Ok{};  // no model list: the first request will tell
  const auto ids = endpoints::ModelIds(r.body);
  if (!ids || ids->empty()) return base::Ok{};
  std::string served;
  for (const auto& id : *ids) {
    if (served.size() < 200) served += (served.empty() ? "" : ", ") + id;
  }
  for (const auto& model : models) {
    if (std::find(ids->begin(), ids->end(), model) != ids->end()) continue;
    warnings.push_back("model '" + model + "' is not listed by " + shown +
                       "/v1/models (it lists: " + served + "); sending it anyway");
  }
  return base::Ok{};
}

// Which field caps the output. A 2-token streaming request tells whether the server honours
// max_completion_tokens: if more streams back, or the field is refused, caps go as max_tokens
// (TGI, LM Studio and older llama.cpp builds read only that one). The probe carries max_tokens 3
// as well, so a server that ignores max_completion_tokens still stops at once: an uncapped
// reply would hold a one-slot engine for minutes, and some engines go on generating after the
// client leaves. A server that refuses the pair is probed with max_completion_tokens alone.
void ChooseMaxTokensField(options::ProfilePlan& plan, std::vector<std::string>& notes) {
  constexpr int64_t kCap = 2;
  // A server that honours the cap sends about six events (role, two tokens, finish, usage, DONE).
  constexpr size_t kMostEvents = 32;
  endpoints::BodyOptions body = plan.run.body;
  body.streaming = true;
  body.include_usage = true;
  body.legacy_max_tokens = false;
  body.extra["max_tokens"] = kCap + 1;
  const auto probe = [&] {
    return transport::ProbeStream(plan.run.url,
                                  endpoints::BuildBody(plan.run.type, body, "Say hello.", kCap),
                                  plan.run.transport, kMostEvents);
  };
  transport::ProbeResult r = probe();
  if (r.status == 400 || r.status == 422) {
    body.extra.erase("max_tokens");
    r = probe();
  }
  std::string why;
  if (r.status == 400 || r.status == 422) {
    why = "the server refused max_completion_tokens (HTTP " + std::to_string(r.status) + ")";
  } else if (r.status == 200) {
    int64_t content = 0, usage = -1;
    for (const auto& e : r.events) {
      const endpoints::Chunk chunk = endpoints::ParseEvent(plan.run.type, e.data);
      if (chunk.IsContent()) ++content;
      if (chunk.usage && chunk.usage->completion_tokens >= 0)
        usage = chunk.usage->completion_tokens;
    }
    const int64_t produced = usage >= 0 ? usage : content;
    const bool endless = r.events.size() >= kMostEvents;
    if (produced > kCap || endless) {
      why = "the server ignored max_completion_tokens (a probe capped at " + std::to_string(kCap) +
            " tokens got " +
            (endless ? std::to_string(kMostEvents) + " events and more"
                     : std::to_string(produced) + " tokens") +
            ")";
    }
  }
  if (why.empty()) return;
  plan.run.body.legacy_max_tokens = true;
  notes.push_back(why + "; output caps are sent as max_tokens");
}

// The run's log; a failed write is kept in `error` and reported with the other files.
class Log {
 public:
  explicit Log(const fs::path& path) : file_(path) {}
  void Line(const std::string& text) {
    std::lock_guard lock(mutex_);
    file_.Write(reporters::Rfc3339(base::WallNs()) + " " + text + "\n");
  }
  base::AppendFile& file() { return file_; }

 private:
  std::mutex mutex_;
  base::AppendFile file_;
};

// The first turn of every conversation, as sent (later turns carry live replies), one payload at
// a time. Past 64 MiB the rest are counted, not written: inputs.json shows what was sent, it
// does not copy a big input file.
base::Status WriteInputs(const options::ProfilePlan& plan, const inputs::Workload& workload,
                         const fs::path& file) {
  constexpr size_t kMostBytes = size_t{64} << 20;
  std::string text = "{\n  \"payloads\": [";
  size_t written = 0;
  for (const auto& c : workload.conversations) {
    if (text.size() > kMostBytes) break;
    const std::string body = engine::TurnBody(plan.run, c, {}, 0, plan.run.body.include_usage);
    std::string payload = Json::parse(body).dump(2);
    for (size_t at = payload.find('\n'); at != std::string::npos; at = payload.find('\n', at + 5))
      payload.replace(at, 1, "\n    ");  // indented as the array's items
    text += (written++ ? ",\n    " : "\n    ") + payload;
  }
  text += written ? "\n  ]" : "]";
  const size_t total = workload.conversations.size();
  if (written < total) {
    text += ",\n  \"payloads_written\": " + std::to_string(written) +
            ",\n  \"payloads_total\": " + std::to_string(total);
  }
  return base::WriteFileAtomically(file, text + "\n}\n");
}

const char* SourceName(metrics::TokenCountSource source) {
  switch (source) {
    case metrics::TokenCountSource::kServer:
      return "server";
    case metrics::TokenCountSource::kTokenizer:
      return "tokenizer";
    default:
      return "auto";
  }
}

// What the report and a later `analyze` need to know of the run, as it starts.
reporters::RunInfo StartInfo(const options::ProfilePlan& plan, const std::string& command,
                             std::vector<std::string> notes) {
  reporters::RunInfo info;
  info.title = plan.title;
  info.command = command;
  info.input_config = plan.recorded_config;
  if (endpoints::HasTwoCapFields(plan.run.type) && plan.prompts.osl > 0) {
    info.input_config["max_tokens_field_used"] =
        plan.run.body.legacy_max_tokens ? "max_tokens" : "max_completion_tokens";
  }
  info.endpoint_type = endpoints::Name(plan.run.type);
  info.token_count_source = SourceName(plan.token_source);
  info.tokenizer = plan.tokenizer_name;
  info.goodput = plan.goodput;
  info.streaming = plan.run.body.streaming;
  info.open_loop = plan.run.load.OpenLoop();
  info.target_rate = plan.run.load.request_rate;
  info.notes = std::move(notes);
  info.start_wall_ns = base::WallNs();
  return info;
}

}  // namespace

base::Expected<std::unique_ptr<mock::MockServer>> StartMockIfAsked(options::ProfilePlan& plan) {
  if (!plan.use_mock) return std::unique_ptr<mock::MockServer>();
  mock::MockOptions m = plan.mock;
  m.host = "127.0.0.1";
  m.port = 0;
  if (m.models.empty()) m.models = plan.models;
  auto mock = std::make_unique<mock::MockServer>(m);
  auto port = mock->Start();
  if (!port) return port.error();
  plan.base_url = "http://127.0.0.1:" + std::to_string(*port);
  plan.run.url = plan.base_url + plan.run.url;
  plan.run.prewarm_url = plan.base_url + plan.run.prewarm_url;
  return mock;
}

base::Expected<SessionResult> RunProfileSession(const options::ProfileFlags& f,
                                                const std::string& command,
                                                const fs::path& wanted_dir,
                                                const std::atomic<int>& interrupts,
                                                const SessionHooks& hooks) {
  auto prepared = options::PrepareRun(f);  // nothing below reads the flags
  if (!prepared) return prepared.error();
  options::ProfilePlan& plan = prepared->plan;
  auto mock = StartMockIfAsked(plan);
  if (!mock) return mock.error();
  std::vector<std::string> notes = plan.notes;
  if (auto ready = CheckReady(plan, plan.models, plan.run.transport, plan.wait_for_model_s, notes);
      !ready)
    return ready.error();
  if (plan.probe_max_tokens_field) ChooseMaxTokensField(plan, notes);
  if (prepared->server_tokenizer()) {
    auto made = tokenizers::MakeServerTokenizer(
        {plan.base_url, plan.models.front(), transport::HttpOptionsOf(plan.run.transport)});
    if (!made) return made.error();
    prepared->tokenizer = *made;
    auto workload = prepared->make_workload(plan, prepared->tokenizer.get());
    if (!workload) return workload.error();
    prepared->workload = std::move(*workload);
  }
  const inputs::Workload& workload = *prepared->workload;
  const tokenizers::Tokenizer* tokenizer = prepared->tokenizer.get();

  SessionResult result;
  auto dir_made = FreshDirectory(
      wanted_dir.empty()
          ? fs::path("artifacts") / SafeName(plan.run_name_prefix + "-" + plan.stimulus)
          : wanted_dir,
      "--artifact-dir");
  if (!dir_made) return dir_made.error();
  result.dir = *dir_made;
  const fs::path& dir = result.dir;
  std::error_code made;
  fs::create_directories(dir / "logs", made);
  Written written{result.files, result.write_errors};
  Log log(dir / "logs" / "servebench.log");
  log.Line("command: " + command);
  log.Line("target: " + options::RedactUrl(plan.run.url) +
           (plan.use_mock ? " (built-in mock)" : ""));
  for (const auto& note : notes) {
    if (hooks.note) hooks.note(note);
    log.Line("note: " + note);
  }
  written.Add(dir / "inputs.json", WriteInputs(plan, workload, dir / "inputs.json"));

  reporters::RunInfo info = StartInfo(plan, command, notes);
  base::AppendFile jsonl(dir / "profile_export.jsonl");
  metrics::MeasuringSink measuring(
      {plan.run.type, plan.token_source, tokenizer},
      [&](const records::Record& r, const metrics::RequestMetrics& m) {
        // unbuffered: a crash loses nothing finished
        jsonl.Write(reporters::RequestLine(plan.exports.output_format, info.start_wall_ns, r, m));
      });
  const bool zstd = plan.records_zstd;
  records::RecordsWriter records(
      dir / (zstd ? records::kCompressedRecordsFileName : records::kRecordsFileName),
      {base::MonotonicNs(), info.start_wall_ns}, reporters::StartJson(info), zstd);
  records::TeeSink both(records, measuring);
  records::AsyncSink sink(both);
  log.Line("run started: " + plan.title);
  auto outcome = engine::RunCase(plan.run, workload, sink, interrupts, hooks.progress);
  sink.Close();
  written.Add(jsonl.path(), jsonl.Close());
  if (!outcome) return outcome.error();
  if (*mock) (*mock)->Stop();
  result.outcome = *outcome;
  if (outcome->connections_warmed < outcome->connections_asked) {
    const std::string note =
        std::to_string(outcome->connections_warmed) + " of " +
        std::to_string(outcome->connections_asked) +
        " connections were opened before the clock started (the server did not keep the rest "
        "alive after GET " +
        options::RedactUrl(plan.run.prewarm_url) +
        "); requests on the others connect when they leave (see connect_time)";
    if (hooks.note) hooks.note(note);
    log.Line("note: " + note);
  }
  info.end_wall_ns = base::WallNs();
  info.was_cancelled = outcome->was_cancelled;
  info.dropped = outcome->dropped;
  info.include_usage_dropped = outcome->include_usage_dropped;
  written.Add(records.path(), records.Finish(reporters::EndJson(info)));

  auto summarized = reporters::MakeReport(info, measuring.measured().Source());
  if (!summarized) return summarized.error();
  result.report = std::move(*summarized);
  const reporters::ProfileReport& report = result.report;
  const double wall_s = static_cast<double>(outcome->end_ns - outcome->start_ns) / 1e9;
  WriteExports(dir, {report, info, measuring.measured().Source(), wall_s}, plan.exports, written);
  for (const auto& w : report.summary.warnings) log.Line("warning: " + w);
  log.Line("run finished" + std::string(outcome->was_cancelled ? " (interrupted)" : ""));
  written.Add(log.file().path(), log.file().Close());
  return result;
}

std::string RunFailure(const metrics::CaseSummary& summary, double max_error_rate) {
  const auto* ok = summary.Value("request_count");
  if (ok == nullptr || ok->value == 0) return "no request succeeded (see the errors above)";
  const auto* rate = summary.Value("request_error_rate");
  if (rate != nullptr && rate->value > max_error_rate) {
    return "error rate " + base::NumberText(rate->value) + " % is above --max-error-rate " +
           base::NumberText(max_error_rate) + " %";
  }
  return "";
}

}  // namespace servebench::session
