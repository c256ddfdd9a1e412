// RepeatedErrorLog: a failure said once, repeated with a count after 1, 2, 4… minutes (at
// most an hour apart), a new message at once, a recovery once.
#include "gateway/app/repeated_error.h"

#include <gtest/gtest.h>

namespace tributary::app {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(RepeatedErrorLog, TheSameFailureIsRepeatedAfterADoublingIntervalWithItsCount) {
  RepeatedErrorLog log;
  const auto start = std::chrono::system_clock::time_point(seconds(1795435200));
  auto first = log.Failed("connection refused", start);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->failures, 1);
  EXPECT_FALSE(first->repeated);
  // A poll every 2 s: silent for a minute, then one line with the count.
  std::vector<std::pair<int64_t, int64_t>> logged;  // (seconds since start, failures)
  for (int s = 2; s <= 4 * 3600; s += 2) {
    if (auto line = log.Failed("connection refused", start + seconds(s))) {
      EXPECT_TRUE(line->repeated);
      EXPECT_EQ(line->since, start);
      logged.emplace_back(s, line->failures);
    }
  }
  ASSERT_GE(logged.size(), 7u);
  EXPECT_EQ(logged[0], std::make_pair(int64_t{60}, int64_t{31}));
  EXPECT_EQ(logged[1].first, 60 + 120);
  EXPECT_EQ(logged[2].first, 180 + 240);
  // Never more than an hour apart once the interval reached it.
  for (size_t i = 1; i < logged.size(); ++i) {
    EXPECT_LE(logged[i].first - logged[i - 1].first, 3600);
  }
  EXPECT_EQ(logged.back().first - logged[logged.size() - 2].first, 3600);
  // 4 hours of polls every 2 s: a handful of lines, not 7200.
  EXPECT_LE(logged.size(), 10u);
}

TEST(RepeatedErrorLog, ADifferentMessageIsSaidAtOnceAndARecoveryOnce) {
  RepeatedErrorLog log;
  const auto start = std::chrono::system_clock::time_point(seconds(1795435200));
  ASSERT_TRUE(log.Failed("connection refused", start));
  EXPECT_FALSE(log.Failed("connection refused", start + seconds(2)));
  auto other = log.Failed("authentication failed", start + seconds(4));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->failures, 1);
  EXPECT_FALSE(log.Failed("authentication failed", start + seconds(6)));
  auto recovered = log.Succeeded();
  ASSERT_TRUE(recovered);
  EXPECT_EQ(recovered->failures, 2);
  EXPECT_EQ(recovered->since, start + seconds(4));
  EXPECT_FALSE(log.Succeeded());
  // After a recovery the same message is new again.
  EXPECT_TRUE(log.Failed("connection refused", start + minutes(1)));
}

}  // namespace
}  // namespace tributary::app
