// The mock's timing, checked against its own send log and the test client's receive times.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "mock/request_plan.h"
#include "tests/support/mock_fixture.h"
#include "tests/support/send_log_reader.h"

namespace servebench::testing {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (name + "-" + std::to_string(::getpid()) + ".jsonl"))
      .string();
}

TEST(MockTiming, TimesItCannotHonourAreRefusedNotWrappedAround) {
  const auto error = [](auto set) {
    mock::MockOptions o;
    set(o);
    const auto status = mock::ValidateMockOptions(o);
    return status ? std::string("(accepted)") : status.error().message;
  };
  EXPECT_EQ(error([](auto& o) { o.ttft_ms = 1e13; }),
            "mock: --ttft-ms 10000000000000 is out of range: give 0 to 86400000 ms (a day)");
  EXPECT_EQ(error([](auto& o) { o.stall_ms = 1e13; }),
            "mock: --stall-ms 10000000000000 is out of range: give 0 to 86400000 ms (a day)");
  EXPECT_EQ(error([](auto& o) { o.itl_jitter_cv = 1e6; }), "mock: jitter CVs must be from 0 to 10");
  EXPECT_EQ(error([](auto& o) { o.ttft_ms = mock::kMaxMockMs; }), "(accepted)");
  // A draw far in the jitter's tail stays within the day, never past int64 nanoseconds.
  EXPECT_EQ(mock::NsOfMs(1e300), static_cast<int64_t>(mock::kMaxMockMs * 1e6));
}

// The send log's arrival time is the kernel's receive stamp: before the loop read the request,
// and not long before (a second bounds a clock converted wrongly, not the loop's speed). The
// kernel turns stamping on a moment after the mock asks, so the first requests of a fresh
// process may go unstamped: requests are sent one at a time until one is stamped.
TEST(MockTiming, TheSendLogHasTheKernelsArrivalTimeBeforeTheRead) {
  mock::MockOptions o;
  o.ttft_ms = 0;
  o.itl_ms = 0;
  o.send_log = TempPath("arrival");
  {
    RunningMock mock(o);
    for (int i = 0; i < 200; ++i) {
      ASSERT_EQ(mock.Chat({{"max_completion_tokens", 1}}).status, 200);
      const auto log = ReadSendLog(o.send_log);  // (an entry may be written just after)
      if (!log.empty() && log.back().arrived_ns > 0) break;
    }
  }
  const auto log = ReadSendLog(o.send_log);
  const auto stamped_at =
      std::find_if(log.begin(), log.end(), [](const LoggedRequest& r) { return r.arrived_ns > 0; });
  ASSERT_NE(stamped_at, log.end()) << "none of " << log.size() << " requests was stamped";
  const LoggedRequest& stamped = *stamped_at;
  EXPECT_LE(stamped.arrived_ns, stamped.received_ns);
  EXPECT_LT(stamped.received_ns - stamped.arrived_ns, 1'000'000'000);
  std::filesystem::remove(o.send_log);
}

TEST(MockTiming, EventsFollowAbsoluteTargetsAndMatchWhatTheClientReceives) {
  mock::MockOptions o;
  o.ttft_ms = 30;
  o.itl_ms = 5;
  o.send_log = TempPath("timing");
  std::vector<HttpReply> replies(8);
  {
    RunningMock mock(o);
    std::vector<std::thread> clients;
    for (size_t i = 0; i < replies.size(); ++i) {
      clients.emplace_back([&, i] {
        replies[i] =
            mock.Chat({{"stream", true}, {"max_completion_tokens", 20}, {"ignore_eos", true}},
                      {"X-Request-Id: r" + std::to_string(i)});
      });
    }
    for (auto& c : clients) c.join();
  }
  const auto log = ReadSendLog(o.send_log);
  ASSERT_EQ(log.size(), replies.size());
  // Invariants only: how late the events are on a loaded machine is the capacity benchmark's
  // business (bench/capacity.sh), not a unit test's.
  for (const auto& entry : log) {
    const auto content = entry.ContentNs();
    const auto due = entry.ContentDueNs();
    ASSERT_EQ(content.size(), 20u);
    // Absolute schedule: the first token is due exactly TTFT after the request arrived, and the
    // targets are exactly one ITL apart, whatever the lateness.
    EXPECT_EQ(due[0] - entry.received_ns, 30'000'000);
    for (size_t k = 0; k < content.size(); ++k) {
      EXPECT_GE(content[k], due[k]);  // never early
      if (k > 0) {
        EXPECT_EQ(due[k] - due[k - 1], 5'000'000);
      }
    }
    const int index = std::stoi(entry.request_id.substr(1));
    const auto events = ReadSse(replies[index]);
    std::vector<int64_t> received;
    for (const auto& e : events) {
      if (e.data.find("\"content\":\" ") != std::string::npos) received.push_back(e.first_byte_ns);
    }
    ASSERT_EQ(received.size(), content.size());
    for (size_t k = 0; k < content.size(); ++k) {
      EXPECT_GE(received[k], content[k]);  // a byte arrives after it was sent
    }
  }
  std::filesystem::remove(o.send_log);
}

TEST(MockTiming, MaxBatchMakesLaterStreamsWaitForASlot) {
  mock::MockOptions o;
  o.ttft_ms = 5;
  o.itl_ms = 1;
  o.max_batch = 1;
  o.send_log = TempPath("batch");
  {
    RunningMock mock(o);
    std::vector<std::thread> clients;
    for (int i = 0; i < 3; ++i) {
      clients.emplace_back([&] {
        mock.Chat({{"stream", true}, {"max_completion_tokens", 10}, {"ignore_eos", true}});
      });
    }
    for (auto& c : clients) c.join();
  }
  auto log = ReadSendLog(o.send_log);
  ASSERT_EQ(log.size(), 3u);
  std::sort(log.begin(), log.end(),
            [](const auto& a, const auto& b) { return a.events_ns[0] < b.events_ns[0]; });
  for (size_t i = 1; i < log.size(); ++i) {
    // With one decode slot, a stream's first event comes after the previous stream's last.
    EXPECT_GT(log[i].events_ns.front(), log[i - 1].events_ns.back());
  }
  std::filesystem::remove(o.send_log);
}

TEST(MockTiming, PrefillCostGrowsWithThePrompt) {
  mock::MockOptions o;
  o.ttft_ms = 1;
  o.itl_ms = 0;
  o.prefill_us_per_token = 100;  // 4 bytes a token without a tokenizer
  o.send_log = TempPath("prefill");
  {
    RunningMock mock(o);
    const std::string long_prompt(4000, 'a');  // 1000 tokens: 100 ms of prefill
    mock.Chat({{"stream", true},
               {"max_tokens", 1},
               {"ignore_eos", true},
               {"messages", {{{"role", "user"}, {"content", long_prompt}}}}});
  }
  const auto log = ReadSendLog(o.send_log);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_GE(log[0].ContentNs()[0] - log[0].received_ns, 101'000'000);
  std::filesystem::remove(o.send_log);
}

}  // namespace
}  // namespace servebench::testing
