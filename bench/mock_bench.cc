// Micro-benchmarks of the mock's per-event work: building one streamed chunk, framing it.
#include <benchmark/benchmark.h>

#include "mock/http_reply.h"
#include "mock/openai_shapes.h"
#include "mock/request_plan.h"

namespace {

void BM_Mock_ChatDelta(benchmark::State& state) {
  const servebench::mock::ChunkShapes shapes("chatcmpl-mock-1", "chat.completion.chunk", "m", 0);
  int64_t token = 0;
  size_t bytes = 0;
  std::string out;
  for (auto _ : state) {
    out.clear();
    servebench::mock::AppendChunkFrame(
        out, shapes.ChatDelta("content", servebench::mock::TokenText(1, token++)));
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Mock_ChatDelta);

}  // namespace
