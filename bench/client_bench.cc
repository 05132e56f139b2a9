// Micro-benchmarks of the client's per-event and per-run work (issue: performance harness):
// SSE framing, chunk JSON parsing, summaries over a million records, prompt generation, and the
// schedule's timer precision. Throughputs are reported as counters; nothing here asserts timings.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>

#include "runner/base/clock.h"
#include "runner/endpoints/endpoint.h"
#include "runner/inputs/prompts.h"
#include "runner/metrics/summary.h"
#include "runner/records/records_file.h"
#include "runner/sse/framer.h"
#include "runner/transport/curl_multi_transport.h"

namespace servebench {
namespace {

// A stream as the mock writes it: a role delta, content chunks, finish, usage, [DONE].
std::string ChatStream(int tokens) {
  const std::string head =
      R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",)";
  std::string s = "data: " + head +
                  R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},)"
                  R"("logprobs":null,"finish_reason":null}]})"
                  "\n\n";
  for (int i = 0; i < tokens; ++i) {
    s += "data: " + head + R"("choices":[{"index":0,"delta":{"content":" tok)" + std::to_string(i) +
         R"("},"logprobs":null,"finish_reason":null}]})"
         "\n\n";
  }
  s += "data: " + head + R"("choices":[],"usage":{"prompt_tokens":9,"completion_tokens":)" +
       std::to_string(tokens) +
       R"(,"total_tokens":9}})"
       "\n\ndata: [DONE]\n\n";
  return s;
}

// Framing a stream delivered in reads of state.range(0) bytes (the last one shorter).
void BM_SseFraming(benchmark::State& state) {
  const std::string stream = ChatStream(1000);
  const size_t read_size = static_cast<size_t>(state.range(0));
  std::vector<records::Event> events;
  events.reserve(1100);
  size_t count = 0;
  for (auto _ : state) {
    sse::Framer framer;
    events.clear();
    for (size_t at = 0; at < stream.size(); at += read_size) {
      framer.Feed(std::string_view(stream).substr(at, read_size), static_cast<int64_t>(at), events);
    }
    framer.Finish(events);
    count += events.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(count), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SseFraming)->Arg(7)->Arg(64)->Arg(1500)->Arg(16384);

void BM_ParseChatChunk(benchmark::State& state) {
  const std::string data =
      R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",)"
      R"("choices":[{"index":0,"delta":{"content":" hello"},"logprobs":null,)"
      R"("finish_reason":null}]})";
  for (auto _ : state) {
    endpoints::Chunk c = endpoints::ParseEvent(endpoints::EndpointType::kChat, data);
    benchmark::DoNotOptimize(c.text.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_ParseChatChunk);

// A streamed request's records line: 256 chat chunks, each escaped into the line (the records
// thread's largest cost per event).
void BM_RecordLine(benchmark::State& state) {
  records::Record r;
  r.streaming = true;
  sse::Framer framer;
  framer.Feed(ChatStream(256), 1, r.events);
  for (auto _ : state) {
    std::string line = records::RecordLine(r);
    benchmark::DoNotOptimize(line.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(r.events.size()));
}
BENCHMARK(BM_RecordLine);

// Output in other scripts (Chinese, Russian, an emoji, an escaped accent): the scanner reads it
// too. Arg 1 parses the full document instead, for the ratio.
void BM_ParseMultilingualChunk(benchmark::State& state) {
  const std::string data =
      R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",)"
      R"("choices":[{"index":0,"delta":{"content":"世界 Привет 🙂 caf\u00e9"},"logprobs":null,)"
      R"("finish_reason":null}]})";
  const bool document = state.range(0) == 1;
  for (auto _ : state) {
    endpoints::Chunk c = document
                             ? endpoints::ParseEventDocument(endpoints::EndpointType::kChat, data)
                             : endpoints::ParseEvent(endpoints::EndpointType::kChat, data);
    benchmark::DoNotOptimize(c.text.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseMultilingualChunk)->Arg(0)->Arg(1);

void BM_ParseUsageChunk(benchmark::State& state) {
  const std::string data =
      R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",)"
      R"("choices":[],"usage":{"prompt_tokens":128,"completion_tokens":50,"total_tokens":178,)"
      R"("completion_tokens_details":{"reasoning_tokens":0}}})";
  for (auto _ : state) {
    endpoints::Chunk c = endpoints::ParseEvent(endpoints::EndpointType::kChat, data);
    benchmark::DoNotOptimize(c.usage.has_value());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseUsageChunk);

// The run summary (every distribution with its percentiles) over a million measured requests.
void BM_SummarizeMillionRecords(benchmark::State& state) {
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> ttft(std::log(50.0), 0.3), itl(std::log(10.0), 0.1);
  std::vector<metrics::RequestMetrics> requests(1'000'000);
  int64_t t = 0;
  for (auto& r : requests) {
    r.start_ns = t += 1000;
    r.last_content_ns = t + 500'000'000;
    r.time_to_first_token = ttft(rng);
    r.inter_token_latency = itl(rng);
    r.request_latency = *r.time_to_first_token + 49 * *r.inter_token_latency;
    r.output_sequence_length = 50;
    r.input_sequence_length = 128;
    r.schedule_lag = 0.01;
  }
  metrics::SummaryOptions options;
  for (auto _ : state) {
    metrics::CaseSummary s = metrics::Summarize(requests, options);
    benchmark::DoNotOptimize(s.distributions.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(requests.size()));
}
BENCHMARK(BM_SummarizeMillionRecords)->Unit(benchmark::kMillisecond);

// Synthetic prompts of exactly --isl tokens in the project's own test tokenizer.
void BM_MakePrompts(benchmark::State& state) {
  auto tokenizer = tokenizers::Tokenizer::Load(SERVEBENCH_TEST_TOKENIZER);
  if (!tokenizer) {
    state.SkipWithError("no test tokenizer (build the test_tokenizer target)");
    return;
  }
  inputs::PromptOptions options;
  options.isl = state.range(0);
  options.count = 100;
  for (auto _ : state) {
    auto prompts = inputs::MakePrompts(options, tokenizer->get());
    benchmark::DoNotOptimize(prompts->data());
  }
  state.counters["tokens_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * options.count * options.isl),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MakePrompts)->Arg(128)->Arg(2048)->Unit(benchmark::kMillisecond);

// How late the client's event loop wakes for a scheduled start (timerfd + epoll, as the
// engine waits), 200 µs ahead: p50 and p99 of the lateness.
void BM_ScheduleTimerPrecision(benchmark::State& state) {
  transport::CurlMultiTransport loop({});
  std::vector<records::Record> finished;
  std::vector<double> late_us;
  for (auto _ : state) {
    const int64_t due = base::MonotonicNs() + 200'000;
    loop.Poll(due, finished);
    late_us.push_back(static_cast<double>(base::MonotonicNs() - due) / 1e3);
  }
  std::sort(late_us.begin(), late_us.end());
  state.counters["late_p50_us"] = late_us[late_us.size() / 2];
  state.counters["late_p99_us"] = late_us[late_us.size() * 99 / 100];
}
BENCHMARK(BM_ScheduleTimerPrecision)->Iterations(2000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace servebench

BENCHMARK_MAIN();
