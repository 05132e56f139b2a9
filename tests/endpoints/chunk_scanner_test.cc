// The fast chunk path must read every event exactly as the full JSON document does, or step
// aside. Each case is checked both ways.
#include "runner/endpoints/chunk_scanner.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "runner/base/utf8.h"
#include "runner/endpoints/dialect.h"

namespace servebench::endpoints {
namespace {

void ExpectSameAsDocument(EndpointType type, const std::string& data, bool fast_expected) {
  const Chunk reference = ParseEventDocument(type, data);
  EXPECT_EQ(ParseEvent(type, data), reference) << data;
  EXPECT_EQ(DialectOf(type).ScanEvent(data).has_value(), fast_expected) << data;
}

const char* kHead =
    R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",)";

TEST(ChunkScanner, ReadsCommonChatChunksWithoutADocument) {
  for (
      const char* body : {
          R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]})",
          R"("choices":[{"index":0,"delta":{"content":" hello"},"logprobs":null,"finish_reason":null}]})",
          R"("choices":[{"index":0,"delta":{"content":"a\"b\\c\/d\n\t\u0041"}}]})",
          R"("choices":[{"delta":{"reasoning_content":"think","content":null}}]})",
          R"("choices":[{"delta":{"reasoning":"r"}}]})",
          R"("choices":[{"delta":{"reasoning_content":"","reasoning":"r2"}}]})",
          R"("choices":[{"delta":{"tool_calls":[]}}]})",
          R"("choices":[],"usage":{"prompt_tokens":12,"completion_tokens":50,"total_tokens":62,"completion_tokens_details":{"reasoning_tokens":7}}})",
          R"("choices":[{"delta":{"content":"x"},"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":2}})",
          R"("choices":[],"usage":{"prompt_tokens":1.5,"completion_tokens":-2,"x":[1,{"y":null}]}})",
          R"("choices":[],"usage":{}})",
          R"("choices":[],"usage":null,"error":null})",
          R"("choices":[{"delta":"not an object"}]})",
          R"("choices":"not a list"})",
          R"("choices":[1,{"delta":{"content":"second"}}]})",
          R"("choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"}}]})",
          R"("choices":[{"delta":{"content":"first","content":"last"}}]})",
          R"("choices":[{"delta":{"content":5}}],"extra":{"deep":[[[true,false]],1e5,-0.25]}})",
          " \"choices\" : [ { \"delta\" : { \"content\" : \" spaced\" } } ] }\n",
      }) {
    ExpectSameAsDocument(EndpointType::kChat, std::string(kHead) + body, true);
  }
  ExpectSameAsDocument(EndpointType::kCompletions,
                       R"({"id":"c","choices":[{"text":" t","index":0,"finish_reason":null}]})",
                       true);
}

TEST(ChunkScanner, StepsAsideForWhatItDoesNotReadItself) {
  for (
      const std::string& data : {
          // Not UTF-8: an overlong form, an encoded surrogate, past U+10FFFF, a cut sequence.
          std::string(kHead) + "\"choices\":[{\"delta\":{\"content\":\"\xC0\x80\"}}]}",
          std::string(kHead) + "\"choices\":[{\"delta\":{\"content\":\"\xED\xA0\x80\"}}]}",
          std::string(kHead) + "\"choices\":[{\"delta\":{\"content\":\"\xF4\x90\x80\x80\"}}]}",
          std::string(kHead) + "\"choices\":[{\"delta\":{\"content\":\"\xE2\x82\"}}]}",
          std::string(kHead) + "\"choices\":[{\"delta\":{\"content\":\"\x80\"}}]}",
          // Lone surrogates.
          std::string(kHead) + R"("choices":[{"delta":{"content":"\ud800"}}]})",
          std::string(kHead) + R"("choices":[{"delta":{"content":"\udc00"}}]})",
          std::string(kHead) + R"("choices":[{"delta":{"content":"\ud800\u0041"}}]})",
          std::string(R"({"error":{"message":"boom","type":"server_error"}})"),
          std::string(R"({"error":"plain"})"),
          std::string(R"({"choices":[{"delta":{"content":"x"}}],)"),  // truncated
          std::string(R"({"choices":[{"delta":{"content":"x"}}]} trailing)"),
          std::string(R"({"a":01})"),
          std::string(R"({"a":1.})"),
          std::string(R"({"a":tru})"),
          std::string(R"({"a":[1,]})"),
          std::string("[1,2]"),
          std::string(""),
          std::string(R"({"usage":{"prompt_tokens":99999999999999999999}})"),
          // A tool call's argument text sits in nested objects: the document reads it.
          std::string(kHead) +
              R"("choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}]})",
      }) {
    ExpectSameAsDocument(EndpointType::kChat, data, false);
  }
}

// Random chunks built from the parts servers send, in random orders: both paths agree.
// Found by fuzz/chunk_scanner_fuzz.cc: strtol took "+021" as hex, so the scanner accepted an
// escape that JSON (and the document) refuses.
TEST(ChunkScanner, AUnicodeEscapeIsExactlyFourHexDigits) {
  ExpectSameAsDocument(EndpointType::kCompletions,
                       R"({"choices":[{"index":0,"text":" world\u+021","finish_reason":null}]})",
                       false);
  ExpectSameAsDocument(EndpointType::kChat, R"({"choices":[{"delta":{"content":"\u 041"}}]})",
                       false);
}

// Found by the same fuzzer: a number past a double's range makes the document refuse the chunk.
TEST(ChunkScanner, NumbersPastADoublesRangeStepAside) {
  ExpectSameAsDocument(EndpointType::kChat, R"({"":6E312})", false);
  ExpectSameAsDocument(EndpointType::kChat, R"({"created":1E-400,"choices":[]})", true);
}

// A finish_reason is what tells a finished stream from a cut one; both paths read it.
TEST(ChunkScanner, ReadsTheFinishReason) {
  const std::string finished = R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})";
  ExpectSameAsDocument(EndpointType::kChat, finished, true);
  EXPECT_TRUE(ParseEvent(EndpointType::kChat, finished).finished);
  const std::string open = R"({"choices":[{"index":0,"text":"a","finish_reason":null}]})";
  ExpectSameAsDocument(EndpointType::kCompletions, open, true);
  EXPECT_FALSE(ParseEvent(EndpointType::kCompletions, open).finished);
}

TEST(ChunkScanner, AgreesWithTheDocumentOnGeneratedChunks) {
  std::mt19937 rng(7);
  const std::vector<std::string> fields = {
      R"("id":"x")",
      R"("created":1)",
      R"("usage":{"prompt_tokens":3,"completion_tokens":4})",
      R"("usage":null)",
      R"("error":null)",
      R"("system_fingerprint":"fp")",
      R"("choices":[{"index":0,"delta":{"content":" w"},"finish_reason":null}])",
      R"("choices":[{"delta":{"reasoning_content":" r","content":""}}])",
      R"("choices":[])",
      R"("nested":{"a":[1,2,{"b":"c"}],"d":-1.5e-3})"};
  for (int round = 0; round < 2000; ++round) {
    std::string data = "{";
    const int n = static_cast<int>(rng() % 5);
    for (int i = 0; i < n; ++i) {
      if (i > 0) data += rng() % 2 ? "," : " , ";
      data += fields[rng() % fields.size()];
    }
    data += "}";
    if (rng() % 10 == 0) data.erase(rng() % data.size(), 1);  // sometimes broken
    EXPECT_EQ(ParseEvent(EndpointType::kChat, data), ParseEventDocument(EndpointType::kChat, data))
        << data;
  }
}

// Text in many scripts, written as UTF-8 or as \u escapes (astral ones as surrogate pairs),
// sometimes broken: both paths agree, and the fast one reads every well-formed chunk.
std::string Utf8(uint32_t code) {
  std::string out;
  base::AppendCodePoint(out, code);
  return out;
}

std::string Escaped(uint32_t code) {
  char buffer[16];
  if (code < 0x10000) {
    std::snprintf(buffer, sizeof buffer, "\\u%04x", code);
    return buffer;
  }
  const uint32_t v = code - 0x10000;
  std::snprintf(buffer, sizeof buffer, "\\u%04X\\u%04X", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
  return buffer;
}

TEST(ChunkScanner, ReadsTextInEveryScriptAsTheDocumentDoes) {
  // Latin, Greek, Cyrillic, Hebrew, Arabic, Devanagari, Thai, Hangul, CJK, combining marks,
  // emoji and other astral planes, the last code point.
  const std::vector<std::pair<uint32_t, uint32_t>> scripts = {
      {0x20, 0x7E},   {0xA0, 0x24F},      {0x370, 0x3FF},     {0x400, 0x4FF},      {0x5D0, 0x5EA},
      {0x600, 0x6FF}, {0x900, 0x97F},     {0xE00, 0xE7F},     {0xAC00, 0xD7A3},    {0x4E00, 0x9FFF},
      {0x300, 0x36F}, {0x1F300, 0x1F6FF}, {0x20000, 0x2A6DF}, {0x10FFF0, 0x10FFFF}};
  std::mt19937 rng(11);
  int fast = 0, broken = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int length = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < length; ++i) {
      const auto [low, high] = scripts[rng() % scripts.size()];
      const uint32_t code = low + rng() % (high - low + 1);
      if (code == '"' || code == '\\') continue;
      text += rng() % 3 == 0 ? Escaped(code) : Utf8(code);
    }
    const bool breaks = rng() % 8 == 0;
    if (breaks) {
      const std::vector<std::string> faults = {
          "\xC1\xBF", "\xED\xB0\x80", "\xF8", "\xE4\xB8", "\\udfff", "\\ud83d", "\\ud83d\\u0020"};
      text.insert(rng() % (text.size() + 1), faults[rng() % faults.size()]);
      ++broken;
    }
    const EndpointType type = rng() % 2 ? EndpointType::kChat : EndpointType::kCompletions;
    const std::string data =
        type == EndpointType::kChat
            ? std::string(kHead) + R"("choices":[{"index":0,"delta":{"content":")" + text +
                  R"("},"finish_reason":null}]})"
            : R"({"id":"c","choices":[{"index":0,"text":")" + text + R"(","finish_reason":null}]})";
    const Chunk reference = ParseEventDocument(type, data);
    EXPECT_EQ(ParseEvent(type, data), reference) << data;
    const bool scanned = DialectOf(type).ScanEvent(data).has_value();
    // A fault cut apart by an insertion can still leave well-formed text; only clean text must
    // take the fast path.
    if (!breaks) {
      EXPECT_TRUE(scanned) << data;
    }
    fast += scanned ? 1 : 0;
  }
  EXPECT_GT(broken, 200);
  EXPECT_GT(fast, 2000);
}

}  // namespace
}  // namespace servebench::endpoints
