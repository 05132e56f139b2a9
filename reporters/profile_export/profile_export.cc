#include "reporters/profile_export/profile_export.h"

#include <cmath>
#include <sstream>

#include "runner/base/version.h"

namespace servebench::reporters {
namespace {

using Json = nlohmann::json;

// JSON never holds NaN or Infinity.
Json Number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json ErrorJson(const std::optional<records::RecordError>& e) {
  if (!e) return nullptr;
  return {{"code", e->code}, {"type", e->type}, {"message", e->message}};
}

std::string Csv(double v) {
  std::ostringstream out;
  out.precision(6);
  out << std::fixed << v;
  std::string s = out.str();
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string CsvText(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

Json StatsJson(const metrics::Stats& s, const std::string& unit) {
  Json j = {{"unit", unit}};
  for (const auto& [name, value] : metrics::NamedStats(s)) j[name] = Number(value);
  j["count"] = s.count;
  return j;
}

std::string JsonlLine(const records::Record& r, const metrics::RequestMetrics& m) {
  Json values = Json::object();
  auto put = [&](const char* key, const std::optional<double>& v) {
    if (v) values[key] = Number(*v);
  };
  put("time_to_first_token", m.time_to_first_token);
  put("time_to_second_token", m.time_to_second_token);
  put("time_to_first_output_token", m.time_to_first_output_token);
  put("request_latency", m.request_latency);
  put("inter_token_latency", m.inter_token_latency);
  put("output_token_throughput_per_user", m.output_token_throughput_per_user);
  put("decode_duration", m.decode_duration);
  put("output_sequence_length", m.output_sequence_length);
  put("input_sequence_length", m.input_sequence_length);
  put("reasoning_token_count", m.reasoning_token_count);
  put("server_input_sequence_length", m.server_input_sequence_length);
  put("usage_mismatch_pct", m.usage_mismatch_pct);
  put("schedule_lag", m.schedule_lag);
  put("latency_from_schedule", m.latency_from_schedule);
  if (!m.inter_chunk_latency.empty()) {
    Json gaps = Json::array();
    for (double g : m.inter_chunk_latency) gaps.push_back(Number(g));
    values["inter_chunk_latency"] = std::move(gaps);
  }
  const Json line = {{"metadata",
                      {{"request_id", r.request_id},
                       {"phase", r.warmup ? "warmup" : "profile"},
                       {"scheduled_ns", r.scheduled_ns},
                       {"start_ns", r.start_ns},
                       {"headers_ns", r.headers_ns},
                       {"end_ns", r.end_ns},
                       {"wall_start_ns", r.wall_start_ns},
                       {"status", r.status},
                       {"events", r.events.size()},
                       {"malformed_events", m.malformed_events}}},
                     {"metrics", values},
                     {"error", ErrorJson(m.error)}};
  return line.dump() + "\n";
}

Json ProfileJson(const ProfileReport& report) {
  Json j = {{"schema_version", "1.0"},
            {"servebench_version", base::kVersion},
            {"start_time", report.start_time},
            {"end_time", report.end_time},
            {"was_cancelled", report.was_cancelled},
            {"input_config", report.input_config}};
  Json errors = Json::array();
  for (const auto& e : report.summary.errors) {
    errors.push_back(
        {{"code", e.code}, {"type", e.type}, {"message", e.message}, {"count", e.count}});
  }
  j["error_summary"] = errors;
  for (const auto& d : report.summary.distributions) j[d.key] = StatsJson(d.stats, d.unit);
  for (const auto& v : report.summary.values)
    j[v.key] = {{"unit", v.unit}, {"value", Number(v.value)}};
  j["warnings"] = report.summary.warnings;
  j["invalid"] = report.summary.invalid;
  return j;
}

std::string ProfileCsv(const ProfileReport& report) {
  std::string out = "Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,p95,p99,std\n";
  for (const auto& d : report.summary.distributions) {
    const auto& s = d.stats;
    out += CsvText(d.label + " (" + d.unit + ")");
    for (double v : {s.avg, s.min, s.max, s.sum, s.p1, s.p5, s.p10, s.p25, s.p50, s.p75, s.p90,
                     s.p95, s.p99, s.std}) {
      out += "," + Csv(v);
    }
    out += "\n";
  }
  out += "\nMetric,Value\n";
  for (const auto& v : report.summary.values)
    out += CsvText(v.label + " (" + v.unit + ")") + "," + Csv(v.value) + "\n";
  return out;
}

}  // namespace servebench::reporters
