// The one clock of the daemon: wall time, monotonic time and waiting. Every component that
// reads the time or waits takes a `const Clock&`; the daemon makes one RealClock and hands
// it down, and tests hand down a FakeClock (tests/testing/fake_clock.h) they move by hand.
#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>

namespace tributary {

// Thread-safe: every method may be called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time: timestamps, token expiries, provider windows.
  [[nodiscard]] virtual std::chrono::system_clock::time_point Now() const = 0;
  // Monotonic time: durations, rate limits.
  [[nodiscard]] virtual std::chrono::steady_clock::time_point Steady() const = 0;
  // Waits `delay` (by this clock) unless `stop` is requested first. True when the whole
  // delay passed, false when `stop` cut it short.
  virtual bool SleepFor(std::chrono::milliseconds delay, std::stop_token stop) const = 0;

  // Now() in whole unix seconds.
  [[nodiscard]] int64_t UnixSeconds() const;
};

// The machine's clocks; waits on a condition variable so a stop ends them at once.
class RealClock final : public Clock {
 public:
  [[nodiscard]] std::chrono::system_clock::time_point Now() const override;
  [[nodiscard]] std::chrono::steady_clock::time_point Steady() const override;
  bool SleepFor(std::chrono::milliseconds delay, std::stop_token stop) const override;
};

// A RealClock for components built without one (tools, the CLI). Stateless.
const Clock& MachineClock();

}  // namespace tributary
