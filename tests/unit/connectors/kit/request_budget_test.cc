#include "connectors/kit/request_budget.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/testing/fake_clock.h"

namespace tributary::connectors::kit {
namespace {

using namespace std::chrono_literals;

TEST(RequestBudget, ARateLimitWaitsOnTheClockForTheNextToken) {
  testing::FakeClock clock;
  RequestBudget budget({.per_minute = 3}, clock);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(budget.Acquire({}).has_value());
  EXPECT_TRUE(clock.Waited().empty());
  ASSERT_TRUE(budget.Acquire({}).has_value());
  // One token comes back every 20 s.
  ASSERT_FALSE(clock.Waited().empty());
  std::chrono::milliseconds waited{0};
  for (auto wait : clock.Waited()) waited += wait;
  EXPECT_GE(waited, 19s);
  EXPECT_LE(waited, 21s);
}

TEST(RequestBudget, TheDailyQuotaRefusesUntilTheWindowFreesUp) {
  testing::FakeClock clock;
  RequestBudget budget({.per_day = 5}, clock);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(budget.Acquire({}).has_value());
  EXPECT_EQ(budget.UsedToday(), 5);
  EXPECT_EQ(budget.LeftToday(), 0);
  auto refused = budget.Acquire({});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(refused.error().message.find("the daily request quota (5 in 24 h) is used"), std::string::npos)
      << refused.error().message;
  clock.Advance(23h);
  EXPECT_FALSE(budget.Acquire({}).has_value());
  clock.Advance(2h);
  EXPECT_TRUE(budget.Acquire({}).has_value());
}

TEST(RequestBudget, PastUseAndAQuotaLearntLaterCount) {
  testing::FakeClock clock;
  RequestBudget budget({}, clock);
  budget.CountPastUse(7);
  EXPECT_EQ(budget.LeftToday(), -1);
  budget.SetDailyQuota(8);
  EXPECT_EQ(budget.LeftToday(), 1);
  EXPECT_TRUE(budget.Acquire({}).has_value());
  EXPECT_FALSE(budget.Acquire({}).has_value());
}

TEST(RequestBudget, InFlightSlotsComeBackWithTheirTickets) {
  testing::FakeClock clock;
  RequestBudget budget({.max_in_flight = 1}, clock);
  auto first = budget.Acquire({});
  ASSERT_TRUE(first.has_value());
  std::stop_source stop;
  std::jthread waiter([&] {
    auto second = budget.Acquire(stop.get_token());
    EXPECT_TRUE(second.has_value());
  });
  { auto released = std::move(*first); }
  waiter.join();
}

TEST(BudgetRegistry, OneBudgetPerAccountWhileItLives) {
  testing::FakeClock clock;
  BudgetRegistry registry(clock);
  auto a = registry.For("quickbooks:1", {.per_minute = 10});
  auto b = registry.For("quickbooks:1", {.per_minute = 99});
  auto c = registry.For("quickbooks:2", {.per_minute = 10});
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
}

}  // namespace
}  // namespace tributary::connectors::kit
