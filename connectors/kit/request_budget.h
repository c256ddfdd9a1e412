// The client-side request plan of one provider account: a token bucket (at most N requests
// per minute, refilled continuously), a gate of at most M requests in flight, and a daily
// quota over a rolling 24 hours. Every API call takes a ticket first, so the provider's
// limits are met by planning instead of by being throttled.
//
// Budgets are shared by every connector of the daemon on the same provider account: they
// come from the daemon's BudgetRegistry (ConnectorContext::services). Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <utility>

#include "gateway/common/clock.h"
#include "gateway/common/result.h"

namespace tributary::connectors::kit {

struct BudgetLimits {
  int per_minute = 0;     // 0: no rate limit
  int max_in_flight = 0;  // 0: no concurrency limit
  int64_t per_day = 0;    // 0: no daily quota (rolling 24 h)
};

class RequestBudget {
 public:
  RequestBudget(BudgetLimits limits, const Clock& clock);

  // Held while a request is in flight; gives its slot back on destruction.
  class Ticket {
   public:
    explicit Ticket(RequestBudget* budget) : budget_(budget) {}
    Ticket(Ticket&& other) noexcept : budget_(std::exchange(other.budget_, nullptr)) {}
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket();

   private:
    RequestBudget* budget_;
  };

  // Waits for a token and a free slot, then counts the request against the daily quota.
  // kCancelled when `stop` was requested first; kUnavailable, saying when the quota frees
  // up, when the daily quota is used (waiting a day is the caller's decision, not ours).
  Result<Ticket> Acquire(std::stop_token stop);
  // Whole requests left in the per-minute bucket now (per_minute when unlimited).
  int Remaining();
  // Requests counted in the last 24 hours, and what the quota leaves (-1: no quota).
  int64_t UsedToday();
  int64_t LeftToday();
  // Changes the daily quota (a connector learns it from the provider, e.g. a share of the
  // org's allocation); 0 removes it.
  void SetDailyQuota(int64_t per_day);
  // Counts `requests` made before this budget existed (e.g. read back from the store after
  // a restart) as made now.
  void CountPastUse(int64_t requests);

 private:
  static constexpr int kHourSlots = 24;
  void Refill();        // mutex_ held
  void RollHours();     // mutex_ held
  int64_t DayCount();   // mutex_ held

  BudgetLimits limits_;  // guarded by mutex_ (per_day changes)
  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  double tokens_;                                  // guarded by mutex_
  std::chrono::steady_clock::time_point updated_;  // guarded by mutex_
  int in_flight_ = 0;                              // guarded by mutex_
  // Requests per hour of the last 24 hours, a ring indexed by hour number; guarded by mutex_.
  std::array<int64_t, kHourSlots> hours_{};
  int64_t current_hour_ = 0;  // guarded by mutex_
};

// The budgets of one daemon, by provider account key ("quickbooks:<realm>"). Thread-safe;
// owned by the daemon's runtime and reached through ConnectorContext::services.
class BudgetRegistry {
 public:
  explicit BudgetRegistry(const Clock& clock) : clock_(clock) {}
  // The budget of `key`, created with `limits` on first use (later limits are ignored while
  // it lives).
  std::shared_ptr<RequestBudget> For(const std::string& key, BudgetLimits limits);

 private:
  const Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, std::weak_ptr<RequestBudget>> budgets_;  // guarded by mutex_
};

}  // namespace tributary::connectors::kit
