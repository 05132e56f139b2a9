// Every fault flag produces exactly its seeded effect: request i is faulted exactly when
// DecideFaults(seed, i) says so, and the mock's counters agree with what the client saw.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "mock/request_plan.h"
#include "tests/support/mock_fixture.h"
#include "tests/support/send_log_reader.h"

namespace servebench::testing {
namespace {

constexpr int kRequests = 40;

mock::MockOptions Faulty(uint64_t seed) {
  mock::MockOptions o;
  o.ttft_ms = 0;
  o.itl_ms = 0.1;
  o.seed = seed;
  return o;
}

// Sends kRequests streams one after another, so request i has index i at the mock.
std::vector<HttpReply> SendEach(RunningMock& mock) {
  std::vector<HttpReply> replies;
  for (int i = 0; i < kRequests; ++i) {
    replies.push_back(
        mock.Chat({{"stream", true}, {"max_completion_tokens", 8}, {"ignore_eos", true}}));
  }
  return replies;
}

int Expected(const mock::MockOptions& o, bool mock::Faults::*fault) {
  int n = 0;
  for (int i = 0; i < kRequests; ++i) n += (mock::DecideFaults(o, i).*fault) ? 1 : 0;
  return n;
}

bool HasInvalidJsonEvent(const HttpReply& reply) {
  for (const auto& e : ReadSse(reply)) {
    if (e.data != "[DONE]" && nlohmann::json::parse(e.data, nullptr, false).is_discarded())
      return true;
  }
  return false;
}

TEST(MockFaults, ErrorRateAnswersExactlyTheSeededRequestsWith500) {
  auto o = Faulty(11);
  o.error_rate = 0.3;
  RunningMock mock(o);
  const auto replies = SendEach(mock);
  for (int i = 0; i < kRequests; ++i) {
    const bool expected = mock::DecideFaults(o, i).server_error;
    EXPECT_EQ(replies[i].status, expected ? 500 : 200) << i;
    if (expected) {
      EXPECT_EQ(Json(replies[i].body)["error"]["type"], "server_error");
    }
  }
  EXPECT_EQ(mock.server().Stats().server_errors, Expected(o, &mock::Faults::server_error));
  EXPECT_GT(mock.server().Stats().server_errors, 0);
}

TEST(MockFaults, RateLimitAnswers429WithRetryAfter) {
  auto o = Faulty(12);
  o.rate_limit_rate = 0.3;
  RunningMock mock(o);
  const auto replies = SendEach(mock);
  for (int i = 0; i < kRequests; ++i) {
    const bool expected = mock::DecideFaults(o, i).rate_limit;
    EXPECT_EQ(replies[i].status, expected ? 429 : 200) << i;
    if (expected) {
      EXPECT_EQ(replies[i].Header("Retry-After"), "1");
    }
  }
  EXPECT_EQ(mock.server().Stats().rate_limited, Expected(o, &mock::Faults::rate_limit));
}

TEST(MockFaults, DisconnectCutsTheStreamMidway) {
  auto o = Faulty(13);
  o.disconnect_rate = 0.3;
  RunningMock mock(o);
  const auto replies = SendEach(mock);
  for (int i = 0; i < kRequests; ++i) {
    const bool expected = mock::DecideFaults(o, i).disconnect;
    EXPECT_EQ(replies[i].complete, !expected) << i;
    const auto events = ReadSse(replies[i]);
    if (expected) {
      EXPECT_LT(events.size(), 8u);  // role + about half the content, no [DONE]
      EXPECT_NE(events.back().data, "[DONE]");
    } else {
      EXPECT_EQ(events.back().data, "[DONE]");
    }
  }
  EXPECT_EQ(mock.server().Stats().disconnects, Expected(o, &mock::Faults::disconnect));
}

TEST(MockFaults, MalformedSendsOneInvalidEventAndFinishesTheStream) {
  auto o = Faulty(14);
  o.malformed_rate = 0.3;
  RunningMock mock(o);
  const auto replies = SendEach(mock);
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(HasInvalidJsonEvent(replies[i]), mock::DecideFaults(o, i).malformed) << i;
    EXPECT_TRUE(replies[i].complete);
  }
  EXPECT_EQ(mock.server().Stats().malformed, Expected(o, &mock::Faults::malformed));
}

// Judged on the mock's own schedule (its send log's due times), which load cannot move, and on
// the invariant that no event reaches the client before it was due.
TEST(MockFaults, StallPausesTheSeededStreamsMidway) {
  auto o = Faulty(15);
  o.stall_ms = 40;
  o.stall_rate = 0.5;
  o.send_log =
      (std::filesystem::temp_directory_path() / ("stall-" + std::to_string(::getpid()) + ".jsonl"))
          .string();
  std::vector<HttpReply> replies;
  int64_t stalls = 0;
  {
    RunningMock mock(o);
    replies = SendEach(mock);
    stalls = mock.server().Stats().stalls;
  }
  const auto log = ReadSendLog(o.send_log);
  std::filesystem::remove(o.send_log);
  ASSERT_EQ(log.size(), static_cast<size_t>(kRequests));
  for (int i = 0; i < kRequests; ++i) {
    const auto events = ReadSse(replies[i]);
    ASSERT_EQ(events.size(), log[i].due_ns.size()) << i;
    int64_t widest = 0;
    for (size_t k = 0; k < events.size(); ++k) {
      EXPECT_GE(events[k].first_byte_ns, log[i].due_ns[k]) << i << " " << k;
      if (k > 0) widest = std::max(widest, log[i].due_ns[k] - log[i].due_ns[k - 1]);
    }
    if (mock::DecideFaults(o, i).stall) {
      EXPECT_GE(widest, 40'000'000) << i;
    } else {
      EXPECT_LT(widest, 40'000'000) << i;
    }
  }
  EXPECT_EQ(stalls, Expected(o, &mock::Faults::stall));
}

TEST(MockFaults, ApiKeyIsRequiredWhenSet) {
  auto o = Faulty(16);
  o.api_key = "sk-test";
  RunningMock mock(o);
  EXPECT_EQ(mock.Chat({}).status, 401);
  EXPECT_EQ(mock.Chat({}, {"Authorization: Bearer wrong"}).status, 401);
  EXPECT_EQ(mock.Chat({}, {"Authorization: Bearer sk-test"}).status, 200);
  EXPECT_EQ(mock.server().Stats().unauthorized, 2);
}

TEST(MockFaults, TheSameSeedFaultsTheSameRequests) {
  auto o = Faulty(17);
  o.error_rate = 0.5;
  std::vector<int> first, second;
  for (auto* out : {&first, &second}) {
    RunningMock mock(o);
    for (const auto& r : SendEach(mock)) out->push_back(r.status);
  }
  EXPECT_EQ(first, second);
}

}  // namespace
}  // namespace servebench::testing
