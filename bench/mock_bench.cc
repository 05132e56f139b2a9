// Micro-benchmarks of the mock's per-event work: building one streamed chunk.
#include <benchmark/benchmark.h>

#include "mock/openai_shapes.h"
#include "mock/request_plan.h"
#include "runner/inputs/corpus.h"

namespace {

void BM_Mock_ChatDelta(benchmark::State& state) {
  const servebench::mock::ChunkShapes shapes("chatcmpl-mock-1", "chat.completion.chunk", "m", 0);
  int64_t token = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string event = shapes.ChatDelta("content", servebench::mock::TokenText(1, token++));
    bytes += event.size();
    benchmark::DoNotOptimize(event.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Mock_ChatDelta);

void BM_Inputs_GenerateCorpus(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(servebench::inputs::GenerateCorpus(1 << 16, 1).size());
  }
  state.SetBytesProcessed(state.iterations() * (1 << 16));
}
BENCHMARK(BM_Inputs_GenerateCorpus);

}  // namespace

BENCHMARK_MAIN();
