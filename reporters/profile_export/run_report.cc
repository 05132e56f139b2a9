#include "reporters/profile_export/run_report.h"

#include <ctime>
#include <set>

namespace servebench::reporters {

using Json = nlohmann::json;

Json StartJson(const RunInfo& i) {
  return {{"title", i.title},
          {"command", i.command},
          {"input_config", i.input_config},
          {"endpoint_type", i.endpoint_type},
          {"token_count_source", i.token_count_source},
          {"tokenizer", i.tokenizer},
          {"goodput", i.goodput},
          {"streaming", i.streaming},
          {"open_loop", i.open_loop},
          {"target_rate", i.target_rate},
          {"notes", i.notes},
          {"start_wall_ns", i.start_wall_ns}};
}

Json EndJson(const RunInfo& i) {
  return {{"end_wall_ns", i.end_wall_ns},
          {"was_cancelled", i.was_cancelled},
          {"dropped", i.dropped},
          {"include_usage_dropped", i.include_usage_dropped}};
}

base::Expected<RunInfo> RunInfoOf(const Json& run, const Json& end, int64_t last_wall_ns) {
  RunInfo i;
  try {
    i.title = run.at("title").get<std::string>();
    i.command = run.at("command").get<std::string>();
    i.input_config = run.at("input_config");
    i.endpoint_type = run.at("endpoint_type").get<std::string>();
    i.token_count_source = run.at("token_count_source").get<std::string>();
    i.tokenizer = run.at("tokenizer").get<std::string>();
    i.goodput = run.at("goodput").get<std::string>();
    i.streaming = run.at("streaming").get<bool>();
    i.open_loop = run.at("open_loop").get<bool>();
    i.target_rate = run.at("target_rate").get<double>();
    i.notes = run.at("notes").get<std::vector<std::string>>();
    i.start_wall_ns = run.at("start_wall_ns").get<int64_t>();
    if (end.is_null()) {
      i.end_wall_ns = last_wall_ns;
      i.was_cancelled = true;
    } else {
      i.end_wall_ns = end.at("end_wall_ns").get<int64_t>();
      i.was_cancelled = end.at("was_cancelled").get<bool>();
      i.dropped = end.at("dropped").get<int64_t>();
      i.include_usage_dropped = end.at("include_usage_dropped").get<bool>();
    }
  } catch (const Json::exception& e) {
    return base::MakeError(std::string("the run's description is incomplete (") + e.what() + ")");
  }
  return i;
}

base::Expected<metrics::MeasureContext> MeasureContextOf(const RunInfo& info,
                                                         const tokenizers::Tokenizer* tokenizer) {
  auto type = endpoints::ParseEndpointType(info.endpoint_type);
  if (!type) return type.error();
  auto source = metrics::ParseTokenCountSource(info.token_count_source);
  if (!source) return source.error();
  return metrics::MeasureContext{*type, *source, tokenizer};
}

base::Expected<ProfileReport> MakeReport(const RunInfo& info,
                                         const metrics::RequestSource& measured) {
  auto slos = metrics::ParseGoodput(info.goodput);
  if (!slos) return slos.error();
  metrics::SummaryOptions o;
  o.streaming = info.streaming;
  o.open_loop = info.open_loop;
  o.target_rate = info.target_rate;
  o.tokenizer = !info.tokenizer.empty();
  o.slos = *slos;
  ProfileReport report;
  report.title = info.title;
  report.input_config = info.input_config;
  report.summary = metrics::Summarize(measured, o);
  std::set<std::string> models;
  measured([&](const metrics::RequestMetrics& m) { models.insert(m.model); }, false);
  for (const auto& model : models.size() > 1 ? models : std::set<std::string>{}) {
    const metrics::RequestSource only = [&measured, &model](const metrics::RequestVisitor& visit,
                                                            bool with_gaps) {
      measured(
          [&](const metrics::RequestMetrics& m) {
            if (m.model == model) visit(m);
          },
          with_gaps);
    };
    report.by_model.push_back({model, metrics::Summarize(only, o)});
  }
  std::vector<std::string>& warnings = report.summary.warnings;
  warnings.insert(warnings.begin(), info.notes.begin(), info.notes.end());
  if (info.include_usage_dropped) {
    warnings.push_back(
        "the server rejected stream_options; usage was not requested after the first refusal");
  }
  if (info.dropped > 0) {
    warnings.push_back(std::to_string(info.dropped) +
                       " requests were still running after the grace period: cut, recorded with "
                       "error type grace_period, and left out of the metrics");
  }
  report.start_time = Rfc3339(info.start_wall_ns);
  report.end_time = Rfc3339(info.end_wall_ns);
  report.was_cancelled = info.was_cancelled;
  report.command = info.command;
  if (const auto* d = report.summary.Value("benchmark_duration")) report.duration_s = d->value;
  return report;
}

std::string Rfc3339(int64_t wall_ns) {
  const time_t seconds = static_cast<time_t>(wall_ns / 1'000'000'000);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace servebench::reporters
