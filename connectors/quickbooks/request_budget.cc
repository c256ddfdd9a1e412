#include "connectors/quickbooks/request_budget.h"

#include <algorithm>
#include <map>

namespace tributary::connectors::quickbooks {

RequestBudget::RequestBudget(int per_minute, int max_in_flight)
    : per_second_(per_minute / 60.0),
      capacity_(per_minute),
      max_in_flight_(max_in_flight),
      tokens_(per_minute),
      updated_(std::chrono::steady_clock::now()) {}

RequestBudget::Ticket::~Ticket() {
  if (budget_ == nullptr) return;
  {
    std::lock_guard lock(budget_->mutex_);
    --budget_->in_flight_;
  }
  budget_->changed_.notify_all();
}

void RequestBudget::Refill() {
  const auto now = std::chrono::steady_clock::now();
  tokens_ = std::min(capacity_, tokens_ + std::chrono::duration<double>(now - updated_).count() * per_second_);
  updated_ = now;
}

std::optional<RequestBudget::Ticket> RequestBudget::Acquire(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (stop.stop_requested()) return std::nullopt;
    Refill();
    if (tokens_ >= 1.0 && in_flight_ < max_in_flight_) {
      tokens_ -= 1.0;
      ++in_flight_;
      return Ticket(this);
    }
    // Until the next token is due (or a slot frees up, which notifies).
    const double missing = std::max(0.0, 1.0 - tokens_);
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(missing / per_second_)) + std::chrono::milliseconds(1);
    changed_.wait_for(lock, stop, wait, [] { return false; });
  }
}

int RequestBudget::Remaining() {
  std::lock_guard lock(mutex_);
  Refill();
  return static_cast<int>(tokens_);
}

std::shared_ptr<RequestBudget> BudgetFor(const std::string& realm, int per_minute, int max_in_flight) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<RequestBudget>> registry;  // guarded by registry_mutex
  std::lock_guard lock(registry_mutex);
  std::shared_ptr<RequestBudget> budget = registry[realm].lock();
  if (!budget) {
    budget = std::make_shared<RequestBudget>(per_minute, max_in_flight);
    registry[realm] = budget;
  }
  return budget;
}

}  // namespace tributary::connectors::quickbooks
