// The client-side request plan of one QuickBooks realm: a token bucket (at most N requests
// per minute, refilled continuously) and a gate of at most M requests in flight. Every API
// call takes a ticket first, so Intuit's limits (500 per minute, 10 concurrent, per realm
// and app) are met by planning instead of by being throttled.
//
// Shared by every connector of the process on the same realm (BudgetFor). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>

namespace tributary::connectors::quickbooks {

class RequestBudget {
 public:
  RequestBudget(int per_minute, int max_in_flight);

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

  // Waits for a token and a free slot. nullopt when `stop` was requested first.
  std::optional<Ticket> Acquire(std::stop_token stop);
  // Whole requests left in the bucket now.
  int Remaining();

 private:
  void Refill();  // mutex_ held

  const double per_second_;
  const double capacity_;
  const int max_in_flight_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  double tokens_;                                  // guarded by mutex_
  std::chrono::steady_clock::time_point updated_;  // guarded by mutex_
  int in_flight_ = 0;                              // guarded by mutex_
};

// The process-wide budget of `realm` (created with these limits on first use).
std::shared_ptr<RequestBudget> BudgetFor(const std::string& realm, int per_minute, int max_in_flight);

}  // namespace tributary::connectors::quickbooks
