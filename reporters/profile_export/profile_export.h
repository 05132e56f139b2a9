// The files of a profile run (outputs.md): profile_export.json, profile_export.csv and the
// per-request profile_export.jsonl lines. Reporters read value types only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "runner/metrics/request_metrics.h"
#include "runner/metrics/summary.h"
#include "runner/records/record.h"

namespace servebench::reporters {

struct ProfileReport {
  std::string title;            // e.g. "chat, streaming, concurrency 10"
  nlohmann::json input_config;  // resolved options, secrets already redacted
  metrics::CaseSummary summary;
  std::string start_time, end_time;  // RFC 3339, UTC
  bool was_cancelled = false;
  std::string command;
  double duration_s = 0;
  // A run of several models: each model's own summary, by name.
  std::vector<std::pair<std::string, metrics::CaseSummary>> by_model;
};

std::string JsonlLine(const records::Record& record, const metrics::RequestMetrics& m);
nlohmann::json ProfileJson(const ProfileReport& report);
std::string ProfileCsv(const ProfileReport& report);
// A number as JSON: null for NaN and infinities, which JSON cannot hold.
nlohmann::json JsonNumber(double v);
nlohmann::json StatsJson(const metrics::Stats& s, const std::string& unit);

}  // namespace servebench::reporters
