#include "runner/base/flags.h"

#include <gtest/gtest.h>

namespace servebench::base {
namespace {

TEST(FlagSet, ParsesEveryKindAndReturnsPositionals) {
  bool stream = false;
  int64_t count = 0;
  double rate = 0;
  std::string url;
  std::vector<std::string> headers;
  FlagSet flags("profile");
  flags.Bool("--streaming", &stream, "");
  flags.Int("--request-count", &count, "");
  flags.Double("--request-rate", &rate, "");
  flags.String("--url", &url, "");
  flags.StringList("--header", &headers, "");
  flags.Alias("-H", "--header");
  auto rest = flags.Parse({"--streaming", "--request-count", "12", "--request-rate=2.5",
                           "suite.yaml", "--url", "mock", "-H", "A: b", "--header=C: d"});
  ASSERT_TRUE(rest.ok()) << rest.error().message;
  EXPECT_TRUE(stream);
  EXPECT_EQ(count, 12);
  EXPECT_DOUBLE_EQ(rate, 2.5);
  EXPECT_EQ(url, "mock");
  EXPECT_EQ(headers, (std::vector<std::string>{"A: b", "C: d"}));
  EXPECT_EQ(*rest, std::vector<std::string>{"suite.yaml"});
  EXPECT_TRUE(flags.WasSet("--header"));
  EXPECT_FALSE(flags.WasSet("--nothing"));
}

TEST(FlagSet, ErrorsNameTheFlagAndTheFix) {
  int64_t count = 0;
  FlagSet flags("profile");
  flags.Int("--request-count", &count, "");
  auto bad = flags.Parse({"--request-count", "ten"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "profile: --request-count: expected a whole number, got 'ten'");
  auto unknown = flags.Parse({"--request-cuont", "1"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown flag --request-cuont"), std::string::npos);
  auto missing = flags.Parse({"--request-count"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "profile: --request-count needs a value");
}

}  // namespace
}  // namespace servebench::base
