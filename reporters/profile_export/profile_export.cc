#include "reporters/profile_export/profile_export.h"

#include <cctype>
#include <cmath>
#include <sstream>

#include "runner/base/version.h"

namespace servebench::reporters {
namespace {

using Json = nlohmann::json;

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

// A CSV row label as AIPerf writes it: words in Title Case ("Time to First Token"), AIPerf's unit
// spellings (sec, tokens/sec, tokens/sec/user) and no unit on counts ("Request Count").
std::string CsvLabel(const std::string& key, const std::string& label, const std::string& unit) {
  std::string title;
  bool word_start = true;
  for (size_t i = 0; i < label.size(); ++i) {
    const bool small_word = word_start && i > 0 && label.compare(i, 3, "to ") == 0;
    char c = label[i];
    if (word_start && !small_word)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    title += c;
    word_start = c == ' ';
  }
  if (unit == "requests" || unit.empty()) return title;
  std::string shown = unit;
  if (unit == "s") shown = "sec";
  if (unit == "tokens/s") {
    shown = key == "output_token_throughput_per_user" ? "tokens/sec/user" : "tokens/sec";
  }
  if (unit == "requests/s") shown = "requests/sec";
  return title + " (" + shown + ")";
}

}  // namespace

Json JsonNumber(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json StatsJson(const metrics::Stats& s, const std::string& unit) {
  Json j = {{"unit", unit}};
  for (const auto& [name, value] : metrics::NamedStats(s)) j[name] = JsonNumber(value);
  j["count"] = s.count;
  return j;
}

// AIPerf's per-request record: metrics as {value, unit}, AIPerf's metadata names (session_num,
// x_request_id, turn_index, wall-clock request_start_ns / request_end_ns, benchmark_phase,
// was_cancelled), then servebench's own monotonic times beside them.
std::string JsonlLine(const records::Record& r, const metrics::RequestMetrics& m) {
  Json values = Json::object();
  for (const auto& info : metrics::MetricCatalog()) {
    if (!info.distribution) continue;
    if (info.key == "inter_chunk_latency") {
      if (m.inter_chunk_latency.empty()) continue;
      Json gaps = Json::array();
      for (double g : m.inter_chunk_latency) gaps.push_back(JsonNumber(g));
      values[info.key] = {{"value", std::move(gaps)}, {"unit", info.unit}};
    } else if (const auto v = metrics::PerRequestValue(m, info.key)) {
      values[info.key] = {{"value", JsonNumber(*v)}, {"unit", info.unit}};
    }
  }
  const bool cancelled = m.error && m.error->code == 499;
  Json line = {{"metadata",
                {{"session_num", r.request_id},
                 {"x_request_id", std::to_string(r.request_id)},
                 {"turn_index", r.turn},
                 {"request_start_ns", r.wall_start_ns},
                 {"request_end_ns", r.wall_start_ns + (r.end_ns - r.start_ns)},
                 {"benchmark_phase", r.warmup ? "warmup" : "profiling"},
                 {"was_cancelled", cancelled},
                 {"scheduled_ns", r.scheduled_ns},
                 {"start_ns", r.start_ns},
                 {"headers_ns", r.headers_ns},
                 {"end_ns", r.end_ns},
                 {"status", r.status},
                 {"events", r.events.size()},
                 {"malformed_events", m.malformed_events}}},
               {"metrics", values},
               {"error", ErrorJson(m.error)}};
  if (!r.session_id.empty()) {  // AIPerf's names for the conversation a turn belongs to
    line["metadata"]["conversation_id"] = r.session_id;
    line["metadata"]["x_correlation_id"] = r.session_id;
  }
  return line.dump() + "\n";
}

namespace {

// Every distribution and run value of a summary, as keys of j.
void AddMetrics(const metrics::CaseSummary& summary, Json& j) {
  for (const auto& d : summary.distributions) j[d.key] = StatsJson(d.stats, d.unit);
  // A run-level value as AIPerf writes it ({unit, avg}), with servebench's `value` beside it.
  for (const auto& v : summary.values)
    j[v.key] = {{"unit", v.unit}, {"avg", JsonNumber(v.value)}, {"value", JsonNumber(v.value)}};
}

}  // namespace

Json ProfileJson(const ProfileReport& report) {
  Json j = {{"schema_version", "1.0"},
            {"servebench_version", base::kVersion},
            {"start_time", report.start_time},
            {"end_time", report.end_time},
            {"was_cancelled", report.was_cancelled},
            {"input_config", report.input_config}};
  Json errors = Json::array();  // AIPerf's shape: {error_details: {code, type, message}, count}
  for (const auto& e : report.summary.errors) {
    errors.push_back(
        {{"error_details", {{"code", e.code}, {"type", e.type}, {"message", e.message}}},
         {"count", e.count}});
  }
  j["error_summary"] = errors;
  AddMetrics(report.summary, j);
  if (!report.by_model.empty()) {
    Json& by_model = j["by_model"] = Json::object();
    for (const auto& [model, summary] : report.by_model) AddMetrics(summary, by_model[model]);
  }
  if (!report.summary.ttft_by_turn.empty()) {
    Json turns = Json::array();
    for (const auto& t : report.summary.ttft_by_turn) {
      Json row = StatsJson(t.time_to_first_token, "ms");
      row["turn"] = t.turn;
      turns.push_back(std::move(row));
    }
    j["time_to_first_token_by_turn"] = std::move(turns);
  }
  j["warnings"] = report.summary.warnings;
  j["invalid"] = report.summary.invalid;
  return j;
}

std::string ProfileCsv(const ProfileReport& report) {
  std::string out = "Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,p95,p99,std\n";
  for (const auto& d : report.summary.distributions) {
    const auto& s = d.stats;
    out += CsvText(CsvLabel(d.key, d.label, d.unit));
    for (double v : {s.avg, s.min, s.max, s.sum, s.p1, s.p5, s.p10, s.p25, s.p50, s.p75, s.p90,
                     s.p95, s.p99, s.std}) {
      out += "," + Csv(v);
    }
    out += "\n";
  }
  out += "\nMetric,Value\n";
  for (const auto& v : report.summary.values)
    out += CsvText(CsvLabel(v.key, v.label, v.unit)) + "," + Csv(v.value) + "\n";
  return out;
}

}  // namespace servebench::reporters
