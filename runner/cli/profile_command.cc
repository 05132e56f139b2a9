// `servebench profile`: one run with AIPerf's flags, a console table and exported results.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>

#include "mock/mock_server.h"
#include "reporters/console/console_table.h"
#include "reporters/profile_export/profile_export.h"
#include "runner/base/clock.h"
#include "runner/cli/commands.h"
#include "runner/cli/profile_options.h"
#include "runner/engine/run_case.h"
#include "runner/metrics/measuring_sink.h"
#include "runner/transport/curl_multi_transport.h"

namespace servebench::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::atomic<int> g_interrupts{0};

void OnInterrupt(int) {
  if (g_interrupts.fetch_add(1) >= 1) _exit(130);  // the second Ctrl-C quits at once
  const char message[] =
      "\ninterrupted: no new requests; waiting for those in flight (Ctrl-C again to quit)\n";
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, message, sizeof message - 1);
}

std::string Rfc3339(int64_t wall_ns) {
  const time_t seconds = static_cast<time_t>(wall_ns / 1'000'000'000);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// A new run directory: the requested one, or a numbered sibling when it already exists.
fs::path FreshDirectory(const fs::path& wanted) {
  fs::path dir = wanted;
  for (int n = 2; fs::exists(dir); ++n) dir = wanted.string() + "-" + std::to_string(n);
  fs::create_directories(dir / "logs");
  return dir;
}

std::string SafeName(std::string name) {
  for (char& c : name) {
    if (c == '/' || c == ':' || c == ' ') c = '_';
  }
  return name;
}

// Checks the server answers and serves the model before any load is sent.
base::Status CheckReady(const ProfilePlan& plan, const std::string& model,
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

void DrawProgress(const engine::Progress& p) {
  char line[160];
  const double elapsed = static_cast<double>(p.elapsed_ns) / 1e9;
  std::snprintf(line, sizeof line, "\r%s %llu/%s requests  %.1f s  %.1f req/s  %llu errors   ",
                p.warmup ? "warmup " : "profile", (unsigned long long)p.done,
                p.total ? std::to_string(p.total).c_str() : "-", elapsed,
                elapsed > 0 ? p.done / elapsed : 0.0, (unsigned long long)p.errors);
  std::fputs(line, stderr);
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  return 2;
}

}  // namespace

int ProfileCommand(const Args& args) {
  ProfileFlags f;
  base::FlagSet flags("profile");
  RegisterProfileFlags(flags, f);
  bool help = false;
  flags.Bool("--help", &help, "show this help");
  auto parsed = flags.Parse(args);
  if (!parsed) return Fail(parsed.error().message);
  if (help) {
    std::fputs(flags.Usage().c_str(), stdout);
    return 0;
  }
  if (!parsed->empty()) return Fail("profile: unexpected argument '" + parsed->front() + "'");
  auto plan = ResolveProfile(f);
  if (!plan) return Fail(plan.error().message);

  std::unique_ptr<mock::MockServer> mock;
  if (plan->use_mock) {
    mock::MockOptions m = f.mock;
    m.host = "127.0.0.1";
    m.port = 0;
    if (m.models.empty()) m.models = {f.model};
    mock = std::make_unique<mock::MockServer>(m);
    auto port = mock->Start();
    if (!port) return Fail(port.error().message);
    plan->base_url = "http://127.0.0.1:" + std::to_string(*port);
    plan->run.url = plan->base_url + plan->run.url;
  }
  if (auto ready = CheckReady(*plan, f.model, plan->run.transport); !ready)
    return Fail(ready.error().message);

  std::shared_ptr<inputs::Tokenizer> tokenizer;
  if (!f.tokenizer.empty()) {
    auto loaded = inputs::Tokenizer::Load(f.tokenizer);
    if (!loaded) return Fail(loaded.error().message);
    tokenizer = *loaded;
  }
  auto prompts = inputs::MakePrompts(plan->prompts, tokenizer.get());
  if (!prompts) return Fail(prompts.error().message);

  const fs::path dir = FreshDirectory(
      f.artifact_dir.empty()
          ? fs::path("artifacts") / SafeName(f.model + "-" + f.endpoint_type + "-" + plan->stimulus)
          : fs::path(f.artifact_dir));
  std::vector<std::string> argv{"servebench", "profile"};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string command = RedactedCommand(argv);
  Log log(dir / "logs" / "servebench.log");
  log.Line("command: " + command);
  log.Line("target: " + plan->run.url + (plan->use_mock ? " (built-in mock)" : ""));
  {
    Json inputs = Json::array();
    endpoints::BodyOptions body = plan->run.body;
    for (const auto& p : *prompts)
      inputs.push_back(
          Json::parse(endpoints::BuildBody(plan->run.type, body, p.text, p.max_tokens)));
    std::ofstream(dir / "inputs.json") << Json{{"payloads", inputs}}.dump(2) << "\n";
  }

  std::ofstream jsonl(dir / "profile_export.jsonl");
  metrics::MeasuringSink measuring(
      {plan->run.type, plan->token_source, tokenizer.get()},
      [&jsonl](const records::Record& r, const metrics::RequestMetrics& m) {
        jsonl << reporters::JsonlLine(r, m);
        jsonl.flush();  // a crash loses nothing already finished
      });
  records::AsyncSink sink(measuring);
  std::signal(SIGINT, OnInterrupt);
  const int64_t wall_start = base::WallNs();
  const bool terminal = isatty(STDERR_FILENO);
  log.Line("run started: " + plan->title);
  auto outcome = engine::RunCase(
      plan->run, *prompts, sink, g_interrupts,
      terminal ? std::function<void(const engine::Progress&)>(DrawProgress) : nullptr);
  sink.Close();
  std::signal(SIGINT, SIG_DFL);
  if (terminal) std::fputs("\n", stderr);
  if (!outcome) return Fail(outcome.error().message);
  if (mock) mock->Stop();

  metrics::SummaryOptions summary_options;
  summary_options.streaming = plan->run.body.streaming;
  summary_options.open_loop = plan->run.load.request_rate > 0;
  summary_options.target_rate = plan->run.load.request_rate;
  summary_options.tokenizer = tokenizer != nullptr;
  summary_options.slos = plan->slos;
  reporters::ProfileReport report;
  report.title = plan->title;
  report.input_config = RedactedConfig(f);
  report.summary = metrics::Summarize(measuring.Take(), summary_options);
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
  const std::vector<std::string> files = {
      (dir / "profile_export.json").string(), (dir / "profile_export.csv").string(),
      (dir / "profile_export.jsonl").string(), (dir / "inputs.json").string(),
      (dir / "logs" / "servebench.log").string()};
  const std::string table = reporters::ConsoleTable(report, files);
  std::fputs(table.c_str(), stdout);
  for (const auto& w : report.summary.warnings) log.Line("warning: " + w);
  log.Line("run finished" + std::string(outcome->was_cancelled ? " (interrupted)" : ""));
  return outcome->was_cancelled ? 130 : 0;
}

}  // namespace servebench::cli
