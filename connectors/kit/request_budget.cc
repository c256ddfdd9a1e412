#include "connectors/kit/request_budget.h"

#include <algorithm>
#include <numeric>

#include "gateway/common/time_format.h"

namespace tributary::connectors::kit {
namespace {

int64_t HourOf(std::chrono::steady_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::hours>(at.time_since_epoch()).count();
}

}  // namespace

RequestBudget::RequestBudget(BudgetLimits limits, const Clock& clock)
    : limits_(limits), clock_(clock), tokens_(limits.per_minute), updated_(clock.Steady()),
      current_hour_(HourOf(clock.Steady())) {}

RequestBudget::Ticket::~Ticket() {
  if (budget_ == nullptr) return;
  {
    std::lock_guard lock(budget_->mutex_);
    --budget_->in_flight_;
  }
  budget_->changed_.notify_all();
}

void RequestBudget::Refill() {
  const auto now = clock_.Steady();
  if (limits_.per_minute > 0) {
    tokens_ = std::min<double>(limits_.per_minute, tokens_ + std::chrono::duration<double>(now - updated_).count() *
                                                                 limits_.per_minute / 60.0);
  }
  updated_ = now;
}

void RequestBudget::RollHours() {
  const int64_t hour = HourOf(clock_.Steady());
  for (int64_t h = current_hour_ + 1; h <= hour && h <= current_hour_ + kHourSlots; ++h) {
    hours_[static_cast<size_t>(h % kHourSlots)] = 0;
  }
  current_hour_ = std::max(current_hour_, hour);
}

int64_t RequestBudget::DayCount() {
  RollHours();
  return std::accumulate(hours_.begin(), hours_.end(), int64_t{0});
}

Result<RequestBudget::Ticket> RequestBudget::Acquire(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (stop.stop_requested()) return Fail(ErrorCode::kCancelled, "stopped while waiting for the request budget");
    if (limits_.per_day > 0 && DayCount() >= limits_.per_day) {
      // The oldest hour with requests leaves the window first.
      int64_t frees_in_hours = kHourSlots;
      for (int64_t back = kHourSlots - 1; back >= 0; --back) {
        if (hours_[static_cast<size_t>((current_hour_ - back) % kHourSlots + kHourSlots) % kHourSlots] > 0) {
          frees_in_hours = kHourSlots - back;
          break;
        }
      }
      const auto frees_at = std::chrono::floor<std::chrono::hours>(clock_.Now()) + std::chrono::hours(frees_in_hours);
      return Fail(ErrorCode::kUnavailable, "the daily request quota (" + std::to_string(limits_.per_day) +
                                               " in 24 h) is used; requests resume from about " +
                                               FormatRfc3339(frees_at));
    }
    Refill();
    const bool token = limits_.per_minute <= 0 || tokens_ >= 1.0;
    const bool slot = limits_.max_in_flight <= 0 || in_flight_ < limits_.max_in_flight;
    if (token && slot) {
      if (limits_.per_minute > 0) tokens_ -= 1.0;
      ++in_flight_;
      ++hours_[static_cast<size_t>(current_hour_ % kHourSlots)];
      return Ticket(this);
    }
    if (!slot) {
      // A ticket given back notifies.
      changed_.wait_for(lock, stop, std::chrono::milliseconds(100),
                        [&] { return in_flight_ < limits_.max_in_flight; });
      continue;
    }
    // Until the next token is due, on the clock's wait: a test's fake clock moves instead of
    // the test waiting.
    const auto wait = std::chrono::milliseconds(1) + std::chrono::duration_cast<std::chrono::milliseconds>(
                                                         std::chrono::duration<double>((1.0 - tokens_) * 60.0 /
                                                                                       limits_.per_minute));
    lock.unlock();
    clock_.SleepFor(wait, stop);
    lock.lock();
  }
}

int RequestBudget::Remaining() {
  std::lock_guard lock(mutex_);
  Refill();
  return limits_.per_minute > 0 ? static_cast<int>(tokens_) : 0;
}

int64_t RequestBudget::UsedToday() {
  std::lock_guard lock(mutex_);
  return DayCount();
}

int64_t RequestBudget::LeftToday() {
  std::lock_guard lock(mutex_);
  if (limits_.per_day <= 0) return -1;
  return std::max<int64_t>(0, limits_.per_day - DayCount());
}

void RequestBudget::SetDailyQuota(int64_t per_day) {
  {
    std::lock_guard lock(mutex_);
    limits_.per_day = std::max<int64_t>(0, per_day);
  }
  changed_.notify_all();
}

void RequestBudget::CountPastUse(int64_t requests) {
  std::lock_guard lock(mutex_);
  RollHours();
  hours_[static_cast<size_t>(current_hour_ % kHourSlots)] += std::max<int64_t>(0, requests);
}

std::shared_ptr<RequestBudget> BudgetRegistry::For(const std::string& key, BudgetLimits limits) {
  std::lock_guard lock(mutex_);
  std::shared_ptr<RequestBudget> budget = budgets_[key].lock();
  if (!budget) {
    budget = std::make_shared<RequestBudget>(limits, clock_);
    budgets_[key] = budget;
  }
  return budget;
}

}  // namespace tributary::connectors::kit
