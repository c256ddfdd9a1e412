// Faults a provider double can be told to show, for the suites that drive the real daemon:
// down (every call answers the provider's 503), held (a billed call blocks, unanswered,
// the way a provider looks to a daemon killed in the middle of the call) and slow (a
// billed call answers after a latency, as a real provider's does).
//
// Thread-safe: the test sets faults while the double's handler threads read them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace tributary::testing {

class ProviderFaults {
 public:
  ~ProviderFaults() { Release(); }

  void Break() { Set(broken_, true); }
  void Repair() { Set(broken_, false); }
  [[nodiscard]] bool broken() const {
    std::lock_guard lock(mutex_);
    return broken_;
  }

  void Hold() { Set(held_, true); }
  void Release() { Set(held_, false); }
  // Billed calls that arrived while held.
  [[nodiscard]] int held_calls() const {
    std::lock_guard lock(mutex_);
    return held_calls_;
  }
  void SetLatency(std::chrono::milliseconds latency) {
    std::lock_guard lock(mutex_);
    latency_ = latency;
  }
  // Called by a billed call's handler before it takes the double's own lock: blocks while
  // held (at most a minute, so that a forgotten Release cannot hang a test run), then
  // for the latency.
  void WaitWhileHeld() {
    std::unique_lock lock(mutex_);
    if (held_) {
      ++held_calls_;
      released_.wait_for(lock, std::chrono::minutes(1), [this] { return !held_; });
    }
    const auto latency = latency_;
    lock.unlock();
    if (latency.count() > 0) std::this_thread::sleep_for(latency);
  }

 private:
  void Set(bool& flag, bool value) {
    {
      std::lock_guard lock(mutex_);
      flag = value;
    }
    released_.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable released_;
  bool broken_ = false;  // guarded by mutex_
  bool held_ = false;    // guarded by mutex_
  int held_calls_ = 0;   // guarded by mutex_
  std::chrono::milliseconds latency_{0};  // guarded by mutex_
};

}  // namespace tributary::testing
