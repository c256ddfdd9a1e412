// The last known state of every connector, written by the daemon's connector runners (the
// pass: state, times, errors) and by the connectors themselves (the file in progress, the
// files matching no pattern), and read by the admin API and the status page. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tributary::admin {

// The file a connector is reading now.
struct FileProgress {
  std::string name;
  int64_t size = 0;        // bytes; 0 when unknown
  int64_t bytes_read = 0;
  int64_t rows_read = 0;
  std::string started_at;  // RFC 3339
};

// A file in a watched folder that no pattern of the connector matches: never picked up.
struct UnmatchedFile {
  std::string name;
  int64_t size = 0;
  std::string seen_at;  // RFC 3339, when first seen
};

struct ConnectorStatus {
  std::string name;
  std::string type;
  std::string state = "starting";  // starting | idle | polling | failing | paused | stopped
  std::string schedule;            // the configured interval, as written ("5m")
  std::string last_run_at;         // RFC 3339; "" before the first poll
  std::string last_success_at;
  std::string last_error;          // "" when the last poll succeeded
  std::string last_error_at;
  int64_t polls = 0;
  int64_t failures = 0;
  // Written by the connector, not the runner: kept across Put().
  std::optional<FileProgress> current_file;
  std::vector<UnmatchedFile> unmatched_files;
};

class ConnectorStatusBoard {
 public:
  // Replaces the runner's part of `status`; the connector's part (progress, unmatched
  // files) stays as the connector last set it.
  void Put(const ConnectorStatus& status) {
    std::lock_guard lock(mutex_);
    ConnectorStatus& slot = statuses_[status.name];
    auto current_file = std::move(slot.current_file);
    auto unmatched = std::move(slot.unmatched_files);
    slot = status;
    slot.current_file = std::move(current_file);
    slot.unmatched_files = std::move(unmatched);
  }
  void SetCurrentFile(const std::string& name, std::optional<FileProgress> progress) {
    std::lock_guard lock(mutex_);
    ConnectorStatus& slot = statuses_[name];
    slot.name = name;
    slot.current_file = std::move(progress);
  }
  void SetUnmatchedFiles(const std::string& name, std::vector<UnmatchedFile> files) {
    std::lock_guard lock(mutex_);
    ConnectorStatus& slot = statuses_[name];
    slot.name = name;
    slot.unmatched_files = std::move(files);
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
  [[nodiscard]] std::optional<ConnectorStatus> Get(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto found = statuses_.find(name);
    if (found == statuses_.end()) return std::nullopt;
    return found->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, ConnectorStatus> statuses_;  // guarded by mutex_
};

}  // namespace tributary::admin
