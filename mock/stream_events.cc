#include "mock/stream_events.h"

#include <algorithm>
#include <ctime>

namespace servebench::mock {

StreamEvents::StreamEvents(const MockOptions& options, StreamAsk ask, int64_t admitted_ns,
                           FaultCounters counters)
    : options_(options),
      ask_(std::move(ask)),
      counters_(counters),
      shapes_((ask_.chat ? "chatcmpl-mock-" : "cmpl-mock-") + std::to_string(ask_.index),
              ask_.chat ? "chat.completion.chunk" : "text_completion", ask_.model,
              std::time(nullptr)),
      rng_(base::HashOf(options.seed, ask_.index, 0x717e)) {
  log_ = ask_.log;
  log_.index = ask_.index;
  log_.request_id = ask_.request_id;
  log_.endpoint = ask_.chat ? "chat" : "completions";
  log_.status = 200;
  log_.received_ns = ask_.received_ns;
  due_ns_ = FirstTokenDueNs(options_, rng_, admitted_ns,
                            ask_.prompt_tokens - std::max<int64_t>(0, ask_.cached_tokens));
}

Usage StreamEvents::usage() const {
  return {ask_.prompt_tokens, ask_.reasoning_tokens + ask_.content_tokens, ask_.reasoning_tokens,
          ask_.cached_tokens};
}

int64_t StreamEvents::chunks() const {
  return ChunksOf(options_, ask_.reasoning_tokens) + ChunksOf(options_, ask_.content_tokens);
}

// Reasoning chunks come first; each chunk holds up to --tokens-per-chunk tokens.
std::string StreamEvents::ChunkEvent(int64_t chunk) const {
  const int64_t per = options_.tokens_per_chunk;
  const int64_t reasoning_chunks = ChunksOf(options_, ask_.reasoning_tokens);
  const bool reasoning = chunk < reasoning_chunks;
  const int64_t first =
      reasoning ? chunk * per : ask_.reasoning_tokens + (chunk - reasoning_chunks) * per;
  const int64_t end = reasoning
                          ? std::min(ask_.reasoning_tokens, first + per)
                          : std::min(ask_.reasoning_tokens + ask_.content_tokens, first + per);
  const std::string text =
      TokensText(ask_.index, reasoning ? 0 : ask_.reasoning_tokens, first, end, ask_.words);
  if (!ask_.chat) return shapes_.CompletionText(text);
  return shapes_.ChatDelta(reasoning ? "reasoning_content" : "content", text);
}

bool StreamEvents::Next(Piece& piece) {
  const int64_t middle = chunks() / 2;
  piece = Piece{};
  piece.due_ns = due_ns_;
  switch (step_) {
    case Step::kChunk:
      if (chunk_ > 0) due_ns_ += GapNs(options_, rng_);
      if (chunk_ == middle && ask_.faults.stall) {
        ++counters_.stalls;
        due_ns_ += NsOfMs(options_.stall_ms);
      }
      piece.due_ns = due_ns_;
      piece.bytes = ChunkEvent(chunk_);
      piece.logged = {1};
      if (chunk_ == 0 && ask_.chat) {
        // The role delta and the first token leave in one write, as a real server's first
        // decode step produces them together.
        piece.bytes = shapes_.ChatRole() + piece.bytes;
        piece.logged = {0, 1};
      }
      step_ = chunk_ == middle && ask_.faults.malformed    ? Step::kMalformed
              : chunk_ == middle && ask_.faults.disconnect ? Step::kDisconnect
              : chunk_ + 1 < chunks()                      ? Step::kChunk
                                                           : Step::kFinish;
      ++chunk_;
      return true;
    case Step::kMalformed:
      ++counters_.malformed;
      piece.bytes = MalformedEvent();
      piece.logged = {0};
      step_ = ask_.faults.disconnect ? Step::kDisconnect
              : chunk_ < chunks()    ? Step::kChunk
                                     : Step::kFinish;
      return true;
    case Step::kDisconnect:
      ++counters_.disconnects;
      piece.disconnect = true;
      step_ = Step::kEnd;
      return true;
    case Step::kFinish: {
      const char* reason = FinishReason(ask_.content_tokens, ask_.max_tokens);
      piece.bytes = ask_.chat ? shapes_.ChatFinish(reason) : shapes_.CompletionFinish(reason);
      piece.logged = {0};
      step_ = ask_.include_usage ? Step::kUsage : Step::kDone;
      return true;
    }
    case Step::kUsage:
      piece.bytes = shapes_.UsageEvent(usage());
      piece.logged = {0};
      step_ = Step::kDone;
      return true;
    case Step::kDone:
      piece.bytes = DoneEvent();
      piece.logged = {0};
      step_ = Step::kEnd;
      return true;
    case Step::kEnd:
      return false;
  }
  return false;
}

void StreamEvents::Sent(const Piece& piece, int64_t sent_ns) {
  for (uint8_t content : piece.logged) {
    log_.events_ns.push_back(sent_ns);
    log_.due_ns.push_back(piece.due_ns);
    log_.content_events.push_back(content);
  }
}

}  // namespace servebench::mock
