// A Clock that tests move by hand (gateway/common/clock.h).
//
// Time moves only through Advance(), or through SleepFor() in the kAdvanceAtOnce mode,
// where a wait is recorded and jumps the clock forward at once (backoffs and rate limits
// then cost no real time). In the kWaitForAdvance mode a wait blocks until another thread
// advances the clock past its end, or its stop is requested.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "gateway/common/clock.h"

namespace tributary::testing {

class FakeClock final : public Clock {
 public:
  enum class Waits { kAdvanceAtOnce, kWaitForAdvance };

  explicit FakeClock(std::chrono::system_clock::time_point start =
                         std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()),
                     Waits waits = Waits::kAdvanceAtOnce);

  [[nodiscard]] std::chrono::system_clock::time_point Now() const override;
  [[nodiscard]] std::chrono::steady_clock::time_point Steady() const override;
  bool SleepFor(std::chrono::milliseconds delay, std::stop_token stop) const override;

  void Advance(std::chrono::milliseconds by);
  // Every wait asked of SleepFor, in order.
  [[nodiscard]] std::vector<std::chrono::milliseconds> Waited() const;

 private:
  const Waits waits_;
  const std::chrono::system_clock::time_point start_;
  mutable std::mutex mutex_;
  mutable std::condition_variable_any advanced_;
  mutable std::chrono::milliseconds elapsed_{0};             // guarded by mutex_
  mutable std::vector<std::chrono::milliseconds> waited_;  // guarded by mutex_
};

}  // namespace tributary::testing
