#include "tests/testing/fake_clock.h"

namespace tributary::testing {

FakeClock::FakeClock(std::chrono::system_clock::time_point start, Waits waits) : waits_(waits), start_(start) {}

std::chrono::system_clock::time_point FakeClock::Now() const {
  std::lock_guard lock(mutex_);
  return start_ + elapsed_;
}

std::chrono::steady_clock::time_point FakeClock::Steady() const {
  std::lock_guard lock(mutex_);
  // A fixed, far-from-zero origin so that subtracting a few hours never goes negative.
  return std::chrono::steady_clock::time_point(std::chrono::hours(24 * 365)) + elapsed_;
}

bool FakeClock::SleepFor(std::chrono::milliseconds delay, std::stop_token stop) const {
  std::unique_lock lock(mutex_);
  waited_.push_back(delay);
  if (waits_ == Waits::kAdvanceAtOnce) {
    if (stop.stop_requested()) return false;
    if (delay > std::chrono::milliseconds::zero()) elapsed_ += delay;
    advanced_.notify_all();
    return true;
  }
  const auto until = elapsed_ + delay;
  advanced_.wait(lock, stop, [&] { return elapsed_ >= until; });
  return !stop.stop_requested();
}

void FakeClock::Advance(std::chrono::milliseconds by) {
  {
    std::lock_guard lock(mutex_);
    elapsed_ += by;
  }
  advanced_.notify_all();
}

std::vector<std::chrono::milliseconds> FakeClock::Waited() const {
  std::lock_guard lock(mutex_);
  return waited_;
}

}  // namespace tributary::testing
