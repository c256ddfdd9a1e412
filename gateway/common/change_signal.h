// Wakes threads that wait for new changes in the outbox (long polls, the pusher).
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace tributary {

class ChangeSignal {
 public:
  // Called after a transaction that appended to the outbox has committed.
  void Notify() {
    {
      std::lock_guard lock(mutex_);
      ++generation_;
    }
    cv_.notify_all();
  }
  [[nodiscard]] uint64_t generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
  }
  // Waits until the generation differs from `seen` or `timeout` passes. Returns true when
  // it changed.
  bool WaitFor(uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return generation_ != seen; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  uint64_t generation_ = 0;  // guarded by mutex_
};

}  // namespace tributary
