// The fast chunk path must read every event exactly as the full JSON document does, or step
// aside. Each case is checked both ways.
#include "runner/endpoints/chunk_scanner.h"

#include <gtest/gtest.h>

#include <random>

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
          std::string(kHead) + R"("choices":[{"delta":{"content":"é"}}]})",  // non-ASCII
          std::string(kHead) + R"("choices":[{"delta":{"content":"\u00e9"}}]})",
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

}  // namespace
}  // namespace servebench::endpoints
