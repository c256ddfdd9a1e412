// The last known state of every connector, written by the daemon's connector runners and
// read by the admin API. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace tributary::admin {

struct ConnectorStatus {
  std::string name;
  std::string type;
  std::string state = "starting";  // starting | idle | polling | failing | stopped
  std::string last_run_at;         // RFC 3339; "" before the first poll
  std::string last_success_at;
  std::string last_error;          // "" when the last poll succeeded
  int64_t polls = 0;
  int64_t failures = 0;
};

class ConnectorStatusBoard {
 public:
  void Put(const ConnectorStatus& status) {
    std::lock_guard lock(mutex_);
    statuses_[status.name] = status;
  }
  void Remove(const std::string& name) {
    std::lock_guard lock(mutex_);
    statuses_.erase(name);
  }
  [[nodiscard]] std::vector<ConnectorStatus> All() const {
    std::lock_guard lock(mutex_);
    std::vector<ConnectorStatus> out;
    for (const auto& [name, status] : statuses_) out.push_back(status);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, ConnectorStatus> statuses_;  // guarded by mutex_
};

}  // namespace tributary::admin
