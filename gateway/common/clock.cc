#include "gateway/common/clock.h"

#include <condition_variable>
#include <mutex>

namespace tributary {

int64_t Clock::UnixSeconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch()).count();
}

std::chrono::system_clock::time_point RealClock::Now() const { return std::chrono::system_clock::now(); }

std::chrono::steady_clock::time_point RealClock::Steady() const { return std::chrono::steady_clock::now(); }

bool RealClock::SleepFor(std::chrono::milliseconds delay, std::stop_token stop) const {
  if (delay <= std::chrono::milliseconds::zero()) return !stop.stop_requested();
  std::mutex mutex;
  std::condition_variable_any cv;
  std::unique_lock lock(mutex);
  cv.wait_for(lock, stop, delay, [] { return false; });
  return !stop.stop_requested();
}

const Clock& MachineClock() {
  static const RealClock kClock;
  return kClock;
}

}  // namespace tributary
