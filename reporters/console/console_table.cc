#include "reporters/console/console_table.h"

#include <algorithm>
#include <cstdio>

#include "runner/metrics/catalog.h"

namespace servebench::reporters {
namespace {

// 1234.5 -> "1,234.50"
std::string Grouped(double v, int decimals = 2) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  std::string s = buffer;
  const size_t dot = s.find('.') == std::string::npos ? s.size() : s.find('.');
  const size_t digits_start = s[0] == '-' ? 1 : 0;
  for (size_t i = dot; i > digits_start + 3; i -= 3) s.insert(i - 3, ",");
  return s;
}

std::string Pad(const std::string& s, size_t width, bool left) {
  if (s.size() >= width) return s;
  return left ? s + std::string(width - s.size(), ' ') : std::string(width - s.size(), ' ') + s;
}

// Rows of a label and its cells, in columns that widen to their widest cell: a value of any size
// stays apart from its neighbour (2,000,000.00 2,000,000.00, never run together).
struct Rows {
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  std::string Render(size_t label, size_t column) const {
    for (const auto& [name, cells] : rows) {
      label = std::max(label, name.size() + 1);
      for (const auto& cell : cells) column = std::max(column, cell.size() + 1);
    }
    std::string out;
    for (const auto& [name, cells] : rows) {
      out += Pad(name, label, true);
      for (const auto& cell : cells) out += Pad(cell, column, false);
      out += "\n";
    }
    return out;
  }
};

}  // namespace

std::string ConsoleTable(const ProfileReport& r, const std::vector<std::string>& files) {
  constexpr size_t kLabel = 42, kColumn = 11;
  std::string out = Pad("", 20, true) + "servebench | LLM metrics  (" + r.title + ")\n";
  Rows distributions;
  distributions.rows.push_back({"Metric", {"avg", "min", "max", "p99", "p90", "p50", "std"}});
  // The catalog's console rows, in its order; the rest stay in the files.
  for (const auto& m : metrics::kMetrics) {
    const auto* d = m.console ? r.summary.Distribution(m.key) : nullptr;
    if (d == nullptr) continue;
    const auto& s = d->stats;
    auto& row = distributions.rows.emplace_back(d->label + " (" + d->unit + ")",
                                                std::vector<std::string>{});
    for (double v : {s.avg, s.min, s.max, s.p99, s.p90, s.p50, s.std})
      row.second.push_back(Grouped(v));
  }
  out += distributions.Render(kLabel, kColumn);
  Rows values;
  for (const auto& m : metrics::kMetrics) {
    const auto* v = m.console ? r.summary.Value(m.key) : nullptr;
    if (v == nullptr) continue;
    const bool whole = v->unit == "requests";
    values.rows.push_back(
        {v->label + " (" + v->unit + ")", {whole ? Grouped(v->value, 0) : Grouped(v->value)}});
  }
  out += values.Render(kLabel, kColumn);
  if (!r.by_model.empty()) {
    out += "\nBy model:\n";
    for (const auto& [model, s] : r.by_model) {
      const auto* count = s.Value("request_count");
      const auto* ttft = s.Distribution("time_to_first_token");
      const auto* latency = s.Distribution("request_latency");
      out += "  " + model + ": " + Grouped(count ? count->value : 0, 0) + " requests";
      if (ttft) out += ", TTFT p50 " + Grouped(ttft->stats.p50) + " ms";
      if (latency) out += ", latency p50 " + Grouped(latency->stats.p50) + " ms";
      out += "\n";
    }
  }
  if (!r.summary.ttft_by_turn.empty()) {
    out += "\nTime to first token by turn (ms):\n";
    for (const auto& t : r.summary.ttft_by_turn) {
      const auto& s = t.time_to_first_token;
      out += "  turn " + std::to_string(t.turn + 1) + ": avg " + Grouped(s.avg) + "  p50 " +
             Grouped(s.p50) + "  p99 " + Grouped(s.p99) + "  (" + std::to_string(s.count) +
             " requests)\n";
    }
  }
  if (!r.summary.errors.empty()) {
    out += "\nErrors:\n";
    for (const auto& e : r.summary.errors) {
      out += "  " + std::to_string(e.count) + " x [" + std::to_string(e.code) + " " + e.type +
             "] " + e.message + "\n";
    }
  }
  for (const auto& w : r.summary.warnings) out += "warning: " + w + "\n";
  if (r.was_cancelled) out += "warning: the run was interrupted; these are partial results\n";
  out += "\nCommand: " + r.command + "\n";
  out += "Benchmark duration: " + Grouped(r.duration_s) + " s\n";
  out += "Files:\n";
  for (const auto& f : files) out += "  " + f + "\n";
  return out;
}

}  // namespace servebench::reporters
