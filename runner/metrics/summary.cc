#include "runner/metrics/summary.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

#include "runner/base/flags.h"
#include "runner/metrics/catalog.h"

namespace servebench::metrics {
namespace {

using Metric = MetricDef;

// A per-request metric with one value per request (what an SLO can be set on).
const Metric* FindMetric(const std::string& key) {
  const Metric* m = FindMetricDef(key);
  return m != nullptr && m->field != nullptr ? m : nullptr;
}

bool MeetsEvery(const RequestMetrics& r, const std::vector<Slo>& slos) {
  for (const auto& slo : slos) {
    const Metric* m = FindMetric(slo.metric);
    const auto& value = r.*(m->field);
    if (!value) return false;
    if (m->higher_is_better ? *value < slo.threshold : *value > slo.threshold) return false;
  }
  return true;
}

std::string Fixed(double v, int digits) {
  std::ostringstream out;
  out.precision(digits);
  out << std::fixed << v;
  return out.str();
}

}  // namespace

const std::vector<MetricInfo>& MetricCatalog() {
  static const std::vector<MetricInfo> catalog = [] {
    std::vector<MetricInfo> out;
    for (const auto& m : kMetrics) {
      out.push_back({m.key, m.unit, m.kind == MetricKind::kPerRequest, m.higher_is_better});
    }
    return out;
  }();
  return catalog;
}

std::optional<double> PerRequestValue(const RequestMetrics& r, const std::string& key) {
  const Metric* m = FindMetric(key);
  return m == nullptr ? std::nullopt : r.*(m->field);
}

base::Expected<std::vector<Slo>> ParseGoodput(const std::string& text) {
  std::vector<Slo> slos;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    const size_t colon = word.find(':');
    Slo slo;
    slo.metric = word.substr(0, colon);
    if (colon == std::string::npos || !base::ParseDouble(word.substr(colon + 1), &slo.threshold)) {
      return base::MakeError("--goodput: '" + word +
                             "' should be METRIC:VALUE, e.g. time_to_first_token:200");
    }
    if (FindMetric(slo.metric) == nullptr) {
      return base::MakeError("--goodput: unknown metric '" + slo.metric +
                             "' (e.g. time_to_first_token, inter_token_latency, request_latency)");
    }
    slos.push_back(slo);
  }
  return slos;
}

const DistributionRow* CaseSummary::Distribution(const std::string& key) const {
  for (const auto& d : distributions) {
    if (d.key == key) return &d;
  }
  return nullptr;
}

const ValueRow* CaseSummary::Value(const std::string& key) const {
  for (const auto& v : values) {
    if (v.key == key) return &v;
  }
  return nullptr;
}

CaseSummary Summarize(const std::vector<RequestMetrics>& all, const SummaryOptions& o) {
  return Summarize(SourceOf(all), o);
}

namespace {

// What one pass over the measured requests counts: the run's totals and what its warnings need.
struct Tally {
  int64_t first_start = std::numeric_limits<int64_t>::max(), last_start = 0, starts = 0;
  int64_t begin = std::numeric_limits<int64_t>::max(), end = 0;          // valid requests' span
  int64_t any_begin = std::numeric_limits<int64_t>::max(), any_end = 0;  // every record's span
  int64_t malformed = 0, short_outputs = 0, without_usage = 0, valid = 0, failed = 0, good = 0;
  int64_t cut = 0, usage_mismatches = 0, over_cap = 0, capped_arrivals = 0, waited = 0;
  double osl = 0, isl = 0, cached = 0, cacheable = 0;
  std::map<std::tuple<int, std::string, std::string>, int64_t> errors;

  void AddValid(const RequestMetrics& r, const SummaryOptions& o) {
    ++valid;
    begin = std::min(begin, r.start_ns);
    end = std::max(end, r.last_content_ns);
    osl += r.output_sequence_length.value_or(0);
    isl += r.input_sequence_length.value_or(0);
    if (r.cached_input_tokens && r.server_input_sequence_length) {
      cached += *r.cached_input_tokens;
      cacheable += *r.server_input_sequence_length;
    }
    if (!o.slos.empty() && MeetsEvery(r, o.slos)) ++good;
    if (!r.usage_reported && o.streaming) ++without_usage;
    if (r.usage_mismatch_pct && std::abs(*r.usage_mismatch_pct) > 10) ++usage_mismatches;
    if (r.requested_max_tokens > 0 && r.output_sequence_length) {
      if (*r.output_sequence_length < r.requested_max_tokens) ++short_outputs;
      if (*r.output_sequence_length > r.requested_max_tokens) ++over_cap;
    }
  }

  void Add(const RequestMetrics& r, const SummaryOptions& o) {
    if (r.warmup) return;
    ++starts;
    first_start = std::min(first_start, r.start_ns);
    last_start = std::max(last_start, r.start_ns);
    malformed += r.malformed_events;
    any_begin = std::min(any_begin, r.start_ns);
    any_end = std::max(any_end, r.end_ns);
    if (r.cap_wait) {
      ++capped_arrivals;
      if (*r.cap_wait > 0) ++waited;
    }
    if (r.error && r.error->type == records::kGracePeriodCut) {
      ++cut;
    } else if (!r.valid()) {
      ++failed;
      ++errors[{r.error->code, r.error->type, r.error->message}];
    } else {
      AddValid(r, o);
    }
  }

  // metrics.md: from the first valid start to the last valid content. With no valid record, the
  // span of every measured record instead: a run whose requests all failed still took time.
  double DurationS() const {
    const int64_t span = valid > 0 ? end - begin : starts > 0 ? any_end - any_begin : 0;
    return static_cast<double>(span) / 1e9;
  }
};

// One distribution per per-request metric, one metric's values in memory at a time.
void AddDistributions(const RequestSource& requests, CaseSummary& s) {
  for (const auto& m : kMetrics) {
    if (m.kind != MetricKind::kPerRequest) continue;
    std::vector<double> values;
    requests(
        [&](const RequestMetrics& r) {
          if (r.warmup || !r.valid()) return;
          if (m.field == nullptr) {
            values.insert(values.end(), r.inter_chunk_latency.begin(), r.inter_chunk_latency.end());
          } else if (const auto& v = r.*(m.field)) {
            values.push_back(*v);
          }
        },
        m.field == nullptr);
    if (auto stats = metrics::Summarize(std::move(values))) {
      s.distributions.push_back({m.key, m.label, m.unit, *stats});
    }
  }
}

void AddRunValues(const Tally& t, const SummaryOptions& o, CaseSummary& s) {
  const double duration_s = t.DurationS();
  const double errors = static_cast<double>(t.failed);
  const double count = static_cast<double>(t.valid);
  std::map<std::string_view, double> run;  // the run's values, written out in catalog order
  auto add = [&](const char* key, double value) { run[key] = value; };
  if (duration_s > 0) {
    add("output_token_throughput", t.osl / duration_s);
    add("input_token_throughput", t.isl / duration_s);
    add("total_token_throughput", (t.isl + t.osl) / duration_s);
    add("request_throughput", count / duration_s);
    add("benchmark_duration", duration_s);
  }
  if (!o.slos.empty()) {
    add("good_request_count", static_cast<double>(t.good));
    if (duration_s > 0) add("goodput", static_cast<double>(t.good) / duration_s);
  }
  add("request_count", count);
  add("error_request_count", errors);
  if (t.cut > 0) add("grace_period_cut_count", static_cast<double>(t.cut));
  if (count + errors > 0) add("request_error_rate", 100.0 * errors / (count + errors));
  // Compared with a target rate, so only in open loop: a closed loop starts its first
  // requests together, and starts over their own span would read as a burst rate.
  if (o.target_rate > 0 && t.last_start > t.first_start) {
    add("achieved_request_rate",
        static_cast<double>(t.starts) / (static_cast<double>(t.last_start - t.first_start) / 1e9));
  }
  if (o.target_rate > 0) add("target_request_rate", o.target_rate);
  // Of the prompt tokens of requests whose server reports prefix-cache hits.
  if (t.cacheable > 0) add("cached_token_share", 100.0 * t.cached / t.cacheable);
  if (t.capped_arrivals > 0) {
    add("capped_arrival_share",
        100.0 * static_cast<double>(t.waited) / static_cast<double>(t.starts));
  }
  for (const auto& m : kMetrics) {
    if (auto it = run.find(m.key); m.kind == MetricKind::kRunValue && it != run.end())
      s.values.push_back({m.key, m.label, m.unit, it->second});
  }
}

// TTFT by turn of multi-turn conversations: how a growing history weighs on the first token.
void AddTurns(const RequestSource& requests, CaseSummary& s) {
  std::map<int, std::vector<double>> ttft_by_turn;
  requests(
      [&](const RequestMetrics& r) {
        if (!r.warmup && r.valid() && r.turn >= 0 && r.time_to_first_token) {
          ttft_by_turn[r.turn].push_back(*r.time_to_first_token);
        }
      },
      false);
  for (auto& [turn, values] : ttft_by_turn) {
    if (auto stats = metrics::Summarize(std::move(values)))
      s.ttft_by_turn.push_back({turn, *stats});
  }
}

void AddErrors(const Tally& t, CaseSummary& s) {
  for (const auto& [key, n] : t.errors) {
    s.errors.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
  }
  std::sort(s.errors.begin(), s.errors.end(),
            [](const auto& a, const auto& b) { return a.count > b.count; });
}

void AddWarnings(const Tally& t, const SummaryOptions& o, CaseSummary& s) {
  if (const auto* lag = s.Distribution("schedule_lag"); lag && o.open_loop && lag->stats.p99 > 10) {
    s.invalid = true;
    s.warnings.push_back("the client fell behind schedule: schedule lag p99 " +
                         Fixed(lag->stats.p99, 2) + " ms > 10 ms; this run is invalid");
  }
  if (t.waited > 0) {
    s.warnings.push_back(
        "capped: " +
        Fixed(100.0 * static_cast<double>(t.waited) / static_cast<double>(t.starts), 1) +
        " % of arrivals waited for a slot of the concurrency cap (reported as cap_wait, not as "
        "schedule lag; the achieved rate is the cap's, not the client's)");
  }
  if (t.short_outputs > 0) {
    s.warnings.push_back(
        std::to_string(t.short_outputs) +
        " requests got fewer output tokens than requested: the server stopped early "
        "(send ignore_eos:true or min_tokens with --extra-inputs)");
  }
  if (t.without_usage > 0) {
    s.warnings.push_back(
        std::to_string(t.without_usage) +
        " streamed responses carried no usage; output tokens were counted by the client"
        " tokenizer where one was given");
  }
  if (t.over_cap > 0) {
    s.warnings.push_back("the server ignored the output cap on " + std::to_string(t.over_cap) +
                         " requests: OSL went past the tokens asked for (see "
                         "--max-tokens-field)");
  }
  if (t.usage_mismatches > 0) {
    s.warnings.push_back(std::to_string(t.usage_mismatches) +
                         " requests: the server's usage differs from the client tokenizer's count "
                         "of the streamed text by more than 10 % (a different tokenizer?)");
  }
  if (t.malformed > 0) {
    s.warnings.push_back(std::to_string(t.malformed) +
                         " malformed events (invalid JSON) were skipped");
  }
  if (!o.tokenizer && s.Distribution("input_sequence_length")) {
    s.warnings.push_back(
        "no --tokenizer: ISL is the server's usage.prompt_tokens (it includes the chat template)");
  }
}

}  // namespace

// One pass for the run's totals, then one per metric: only one metric's values are in memory at
// a time, however long the run.
CaseSummary Summarize(const RequestSource& requests, const SummaryOptions& o) {
  Tally tally;
  requests([&](const RequestMetrics& r) { tally.Add(r, o); }, false);
  CaseSummary s;
  AddDistributions(requests, s);
  AddRunValues(tally, o, s);
  AddTurns(requests, s);
  AddErrors(tally, s);
  AddWarnings(tally, o, s);
  return s;
}

}  // namespace servebench::metrics
