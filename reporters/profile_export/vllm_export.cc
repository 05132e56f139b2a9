#include "reporters/profile_export/vllm_export.h"

#include <cmath>

#include "runner/metrics/catalog.h"
#include "runner/metrics/distribution.h"

namespace servebench::reporters {
namespace {

using Json = nlohmann::json;

// mean_, median_, std_ and p90/p95/p99 _<name>_ms of values in ms (0 when empty, as vLLM).
void PutStats(Json& out, const char* name, const std::vector<double>& values_ms) {
  const auto s = metrics::Summarize(values_ms);
  const std::string suffix = std::string("_") + name + "_ms";
  out["mean" + suffix] = s ? s->avg : 0.0;
  out["median" + suffix] = s ? s->p50 : 0.0;
  out["std" + suffix] = s ? s->std : 0.0;
  out["p90" + suffix] = s ? s->p90 : 0.0;
  out["p95" + suffix] = s ? s->p95 : 0.0;
  out["p99" + suffix] = s ? s->p99 : 0.0;
}

double Finite(double v) { return std::isfinite(v) ? v : 0.0; }

// The time metrics vLLM summarises (mean_<name>_ms, ...): the catalog's rows with a vLLM name
// in ms, over the valid requests (a list metric pools every request's values).
void PutTimeStats(Json& out, const std::vector<metrics::RequestMetrics>& requests) {
  for (const auto& m : metrics::kMetrics) {
    if (m.kind != metrics::MetricKind::kPerRequest || *m.vllm == '\0' ||
        std::string_view(m.unit) != "ms")
      continue;
    std::vector<double> values;
    for (const auto& r : requests) {
      if (!r.valid()) continue;
      if (m.field == nullptr) {
        values.insert(values.end(), r.inter_chunk_latency.begin(), r.inter_chunk_latency.end());
      } else if (const auto& v = r.*(m.field)) {
        values.push_back(*v);
      }
    }
    PutStats(out, m.vllm, values);
  }
}

}  // namespace

Json VllmResult(const std::vector<metrics::RequestMetrics>& requests, double duration_s) {
  std::vector<double> ttfts_s;
  Json input_lens = Json::array(), output_lens = Json::array(), itls = Json::array(),
       errors = Json::array();
  int64_t completed = 0, failed = 0;
  double total_input = 0, total_output = 0;
  for (const auto& r : requests) {
    input_lens.push_back(r.input_sequence_length.value_or(0));
    if (!r.valid()) {
      ++failed;
      output_lens.push_back(0);
      errors.push_back(r.error->type + ": " + r.error->message);
      continue;
    }
    ++completed;
    total_input += r.input_sequence_length.value_or(0);
    total_output += r.output_sequence_length.value_or(0);
    output_lens.push_back(r.output_sequence_length.value_or(0));
    errors.push_back("");
    if (r.time_to_first_token) ttfts_s.push_back(*r.time_to_first_token / 1000);
    Json gaps = Json::array();
    for (double g : r.inter_chunk_latency) gaps.push_back(g / 1000);
    itls.push_back(std::move(gaps));
  }
  const double d = duration_s > 0 ? duration_s : 0;
  Json out = {{"duration", d},
              {"completed", completed},
              {"failed", failed},
              {"total_input_tokens", total_input},
              {"total_output_tokens", total_output},
              {"request_throughput", d > 0 ? Finite(completed / d) : 0.0},
              {"output_throughput", d > 0 ? Finite(total_output / d) : 0.0},
              {"total_token_throughput", d > 0 ? Finite((total_input + total_output) / d) : 0.0},
              {"input_lens", input_lens},
              {"output_lens", output_lens},
              {"ttfts", ttfts_s},
              {"itls", itls},
              {"errors", errors}};
  PutTimeStats(out, requests);
  return out;
}

}  // namespace servebench::reporters
