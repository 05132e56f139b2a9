#include "runner/cli/profile_session.h"

#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>

#include "mock/mock_server.h"
#include "runner/base/clock.h"
#include "runner/metrics/measuring_sink.h"
#include "runner/transport/curl_multi_transport.h"

namespace servebench::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string SafeName(std::string name) {
  for (char& c : name) {
    if (c == '/' || c == ':' || c == ' ') c = '_';
  }
  return name;
}

// Checks the server answers and serves the model before any load is sent.
base::Status CheckReady(const options::ProfilePlan& plan, const std::string& model,
                        const transport::TransportOptions& t) {
  const transport::FetchResult r = transport::Fetch(plan.base_url + "/v1/models", t, 10);
  if (r.status == 0) {
    return base::MakeError("cannot reach " + plan.base_url + " (" + r.error +
                           "); is the server running? check --url");
  }
  if (r.status == 401 || r.status == 403) {
    return base::MakeError(plan.base_url + " refused the credentials (HTTP " +
                           std::to_string(r.status) + "); check --api-key");
  }
  if (r.status != 200) return base::Ok{};  // no model list: the first request will tell
  const Json list = Json::parse(r.body, nullptr, false);
  if (list.is_discarded() || !list.contains("data") || !list["data"].is_array() ||
      list["data"].empty()) {
    return base::Ok{};
  }
  std::string served;
  for (const auto& m : list["data"]) {
    const std::string id = m.value("id", "");
    if (id == model) return base::Ok{};
    served += (served.empty() ? "" : ", ") + id;
  }
  return base::MakeError("model '" + model + "' is not served by " + plan.base_url +
                         " (it serves: " + served + "); check --model");
}

class Log {
 public:
  explicit Log(const fs::path& path) : out_(path) {}
  void Line(const std::string& text) {
    std::lock_guard lock(mutex_);
    out_ << Rfc3339(base::WallNs()) << " " << text << "\n";
    out_.flush();
  }

 private:
  std::mutex mutex_;
  std::ofstream out_;
};

void WriteInputs(const options::ProfilePlan& plan, const std::vector<inputs::Prompt>& prompts,
                 const fs::path& file) {
  Json payloads = Json::array();
  for (const auto& p : prompts) {
    payloads.push_back(
        Json::parse(endpoints::BuildBody(plan.run.type, plan.run.body, p.text, p.max_tokens)));
  }
  std::ofstream(file) << Json{{"payloads", payloads}}.dump(2) << "\n";
}

metrics::SummaryOptions SummaryOptionsOf(const options::ProfilePlan& plan, bool tokenizer) {
  metrics::SummaryOptions o;
  o.streaming = plan.run.body.streaming;
  o.open_loop = plan.run.load.request_rate > 0;
  o.target_rate = plan.run.load.request_rate;
  o.tokenizer = tokenizer;
  o.slos = plan.slos;
  return o;
}

}  // namespace

fs::path FreshDirectory(const fs::path& wanted) {
  fs::path dir = wanted;
  for (int n = 2; fs::exists(dir); ++n) dir = wanted.string() + "-" + std::to_string(n);
  fs::create_directories(dir);
  return dir;
}

std::string Rfc3339(int64_t wall_ns) {
  const time_t seconds = static_cast<time_t>(wall_ns / 1'000'000'000);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

base::Expected<SessionResult> RunProfileSession(
    const options::ProfileFlags& f, const std::string& command, const fs::path& wanted_dir,
    const std::atomic<int>& interrupts,
    const std::function<void(const engine::Progress&)>& on_progress) {
  auto plan = options::ResolveProfile(f);
  if (!plan) return plan.error();

  std::unique_ptr<mock::MockServer> mock;
  if (plan->use_mock) {
    mock::MockOptions m = f.mock;
    m.host = "127.0.0.1";
    m.port = 0;
    if (m.models.empty()) m.models = {f.model};
    mock = std::make_unique<mock::MockServer>(m);
    auto port = mock->Start();
    if (!port) return port.error();
    plan->base_url = "http://127.0.0.1:" + std::to_string(*port);
    plan->run.url = plan->base_url + plan->run.url;
  }
  if (auto ready = CheckReady(*plan, f.model, plan->run.transport); !ready) return ready.error();

  std::shared_ptr<inputs::Tokenizer> tokenizer;
  if (!f.tokenizer.empty()) {
    auto loaded = inputs::Tokenizer::Load(f.tokenizer);
    if (!loaded) return loaded.error();
    tokenizer = *loaded;
  }
  auto prompts = inputs::MakePrompts(plan->prompts, tokenizer.get());
  if (!prompts) return prompts.error();

  SessionResult result;
  result.dir = FreshDirectory(
      wanted_dir.empty()
          ? fs::path("artifacts") / SafeName(f.model + "-" + f.endpoint_type + "-" + plan->stimulus)
          : wanted_dir);
  const fs::path& dir = result.dir;
  fs::create_directories(dir / "logs");
  Log log(dir / "logs" / "servebench.log");
  log.Line("command: " + command);
  log.Line("target: " + plan->run.url + (plan->use_mock ? " (built-in mock)" : ""));
  WriteInputs(*plan, *prompts, dir / "inputs.json");

  std::ofstream jsonl(dir / "profile_export.jsonl");
  metrics::MeasuringSink measuring(
      {plan->run.type, plan->token_source, tokenizer.get()},
      [&jsonl](const records::Record& r, const metrics::RequestMetrics& m) {
        jsonl << reporters::JsonlLine(r, m);
        jsonl.flush();  // a crash loses nothing already finished
      });
  records::AsyncSink sink(measuring);
  const int64_t wall_start = base::WallNs();
  log.Line("run started: " + plan->title);
  auto outcome = engine::RunCase(plan->run, *prompts, sink, interrupts, on_progress);
  sink.Close();
  if (!outcome) return outcome.error();
  if (mock) mock->Stop();
  result.outcome = *outcome;

  reporters::ProfileReport& report = result.report;
  report.title = plan->title;
  report.input_config = options::RedactedConfig(f);
  report.summary = metrics::Summarize(measuring.measured().Source(),
                                      SummaryOptionsOf(*plan, tokenizer != nullptr));
  if (outcome->include_usage_dropped) {
    report.summary.warnings.push_back(
        "the server rejected stream_options; usage was not requested after the first refusal");
  }
  if (outcome->dropped > 0) {
    report.summary.warnings.push_back(
        std::to_string(outcome->dropped) +
        " requests were still running after the grace period and were dropped");
  }
  report.start_time = Rfc3339(wall_start);
  report.end_time = Rfc3339(base::WallNs());
  report.was_cancelled = outcome->was_cancelled;
  report.command = command;
  if (const auto* d = report.summary.Value("benchmark_duration")) report.duration_s = d->value;
  std::ofstream(dir / "profile_export.json") << reporters::ProfileJson(report).dump(2) << "\n";
  std::ofstream(dir / "profile_export.csv") << reporters::ProfileCsv(report);
  result.files = {(dir / "profile_export.json").string(), (dir / "profile_export.csv").string(),
                  (dir / "profile_export.jsonl").string(), (dir / "inputs.json").string(),
                  (dir / "logs" / "servebench.log").string()};
  for (const auto& w : report.summary.warnings) log.Line("warning: " + w);
  log.Line("run finished" + std::string(outcome->was_cancelled ? " (interrupted)" : ""));
  return result;
}

}  // namespace servebench::cli
