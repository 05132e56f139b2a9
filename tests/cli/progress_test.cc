// The suite's progress display on a fake clock: the case and repetition, the time elapsed and
// left at the pace so far, and the live rate; plain lines at most every 10 s; nothing for none.
#include "runner/cli/progress.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "tests/support/fakes.h"

namespace servebench::cli {
namespace {

using testing::kMs;

constexpr int64_t kS = 1000 * kMs;

// What a SuiteProgress wrote.
class Captured {
 public:
  Captured() : file_(open_memstream(&data_, &size_)) {}
  ~Captured() {
    std::fclose(file_);
    std::free(data_);
  }
  FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  FILE* file_;
};

TEST(Progress, PlainLinesSayWhereTheSuiteIsAndHowLongIsLeft) {
  testing::FakeClock clock(0);
  Captured out;
  SuiteProgress progress(ProgressMode::kPlain, 4, clock, out.file());
  progress.StartCase("s/chat/concurrency:1", 1, 2);
  progress.StartRepetition(1, 2);
  auto live = progress.Live();
  clock.Set(5 * kS);
  live({50, 100, 1, 5 * kS, false});  // under 10 s since the last line: nothing
  clock.Set(12 * kS);
  live({120, 100, 2, 12 * kS, false});
  clock.Set(20 * kS);
  progress.EndRepetition();
  progress.StartRepetition(2, 2);  // one of four done in 20 s: 60 s left
  EXPECT_EQ(out.text(),
            "[case 1/2] s/chat/concurrency:1  repetition 1/2  elapsed 0:00  left ~?\n"
            "[case 1/2] s/chat/concurrency:1  repetition 1/2  elapsed 0:12  left ~?  120 "
            "requests  10.0 req/s  2 errors\n"
            "[case 1/2] s/chat/concurrency:1  repetition 2/2  elapsed 0:20  left ~1:00\n");
}

TEST(Progress, ABarRedrawsOneLineAndNoneWritesNothing) {
  testing::FakeClock clock(0);
  Captured bar, none;
  SuiteProgress drawn(ProgressMode::kBar, 1, clock, bar.file());
  SuiteProgress quiet(ProgressMode::kNone, 1, clock, none.file());
  for (SuiteProgress* p : {&drawn, &quiet}) {
    p->StartCase("s/chat", 1, 1);
    p->StartRepetition(1, 1);
    if (auto live = p->Live()) live({3, 0, 0, 1 * kS, true});
    p->EndRepetition();
  }
  EXPECT_EQ(bar.text(),
            "\r[case 1/1] s/chat  repetition 1/1  elapsed 0:00  left ~?\033[K"
            "\r[case 1/1] s/chat  repetition 1/1  elapsed 0:00  left ~?  warmup 3 requests  3.0 "
            "req/s  0 errors\033[K\n");
  EXPECT_EQ(none.text(), "");
  EXPECT_EQ(DurationText(3 * 3600 * kS + 62 * kS), "3:01:02");
}

TEST(Progress, ModesAreNamedAndAutoFollowsTheTerminal) {
  EXPECT_EQ(*ParseProgressMode("auto", true), ProgressMode::kBar);
  EXPECT_EQ(*ParseProgressMode("auto", false), ProgressMode::kPlain);
  EXPECT_EQ(*ParseProgressMode("none", true), ProgressMode::kNone);
  EXPECT_EQ(ParseProgressMode("fancy", true).error().message,
            "--progress: expected none, plain, bar or auto, got 'fancy'");
}

}  // namespace
}  // namespace servebench::cli
