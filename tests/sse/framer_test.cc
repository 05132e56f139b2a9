// SSE framing cases of wire.md.
#include "runner/sse/framer.h"

#include <gtest/gtest.h>

namespace servebench::sse {
namespace {

std::vector<records::Event> FeedAll(const std::vector<std::pair<std::string, int64_t>>& reads,
                                    bool finish = true) {
  Framer framer;
  std::vector<records::Event> out;
  for (const auto& [bytes, ns] : reads) framer.Feed(bytes, ns, out);
  if (finish) framer.Finish(out);
  return out;
}

TEST(SseFramer, EveryLineEndingFramesTheSameEvents) {
  for (const std::string eol : {"\n", "\r\n", "\r"}) {
    const auto events = FeedAll({{"data: a" + eol + eol + "data: b" + eol + eol, 5}});
    ASSERT_EQ(events.size(), 2u) << eol.size();
    EXPECT_EQ(events[0].data, "a");
    EXPECT_EQ(events[1].data, "b");
  }
}

TEST(SseFramer, AnEventSplitAcrossReadsIsStampedAtItsFirstByte) {
  const auto events = FeedAll({{"da", 10}, {"ta: hel", 20}, {"lo\n", 30}, {"\n", 40}});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "hello");
  EXPECT_EQ(events[0].ns, 10);
}

TEST(SseFramer, ACrLfSplitBetweenReadsIsOneLineEnd) {
  const auto events = FeedAll({{"data: x\r", 1}, {"\n\r", 2}, {"\ndata: y\r\n\r\n", 3}});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "x");
  EXPECT_EQ(events[1].data, "y");
  EXPECT_EQ(events[1].ns, 3);
}

TEST(SseFramer, ManyEventsInOneReadShareItsTime) {
  const auto events = FeedAll({{"data: 1\n\ndata: 2\n\ndata: 3\n\n", 7}});
  ASSERT_EQ(events.size(), 3u);
  for (const auto& e : events) EXPECT_EQ(e.ns, 7);
}

TEST(SseFramer, MultiLineDataIsJoinedWithNewlines) {
  const auto events = FeedAll({{"data: {\"a\":\ndata:1}\n\n", 1}});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "{\"a\":\n1}");  // the space after the colon is optional
}

TEST(SseFramer, CommentsAndOtherFieldsCarryNoEvent) {
  const auto events = FeedAll({{": ping\n\nid: 4\nretry: 100\n\n: ping\ndata: x\n\n", 1}});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "x");
}

TEST(SseFramer, EventErrorIsMarked) {
  const auto events = FeedAll({{"event: error\ndata: {\"error\":\"boom\"}\n\ndata: ok\n\n", 1}});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].is_error);
  EXPECT_FALSE(events[1].is_error);
}

TEST(SseFramer, AnUnterminatedLastEventIsCompleteAtEndOfStream) {
  EXPECT_TRUE(FeedAll({{"data: [DONE]", 1}}, false).empty());
  const auto events = FeedAll({{"data: a\n\ndata: [DONE]", 1}});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].data, "[DONE]");
  EXPECT_EQ(FeedAll({{"data: z\n", 1}}).back().data, "z");
}

}  // namespace
}  // namespace servebench::sse
