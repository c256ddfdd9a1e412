// Runs the jobs of one action connector on its workers' threads (one instance of the
// connector each, ActionConnector::workers): each claims the next due job, drives it one
// step through ActionConnector::Run, and stores the outcome in one transaction
// (store/action_jobs.h). A claim is a transaction, so two workers never run one job. A job
// waits without holding a thread: a throttled provider's job is rescheduled with backoff,
// and the next due job runs meanwhile.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "connectors/kit/action_connector.h"
#include "gateway/common/clock.h"
#include "gateway/common/metrics.h"
#include "gateway/http/retry_policy.h"
#include "gateway/store/store.h"

namespace tributary::connectors::kit {

struct ActionRunnerOptions {
  std::string state_path;
  const Clock* clock = &MachineClock();
  Metrics* metrics = nullptr;
  std::function<void()> notify_changes;  // after a commit that appended changes; thread-safe
  // The wait before a job whose provider was down or throttling runs again: exponential
  // with jitter by the job's attempts, raised to what the provider asked for.
  http::BackoffPolicy backoff{.initial = std::chrono::seconds(1), .max = std::chrono::minutes(5)};
  // A job waiting for its provider's decision runs again after this when its connector
  // names no time.
  std::chrono::milliseconds provider_poll{std::chrono::minutes(15)};
  // The runner looks for due jobs at least this often, even unwoken.
  std::chrono::milliseconds idle_check{std::chrono::seconds(5)};
  bool paused = false;  // start paused (an admin paused the connector)
};

// Claims `connector`'s next due job in `store` and runs it one step. False when no job
// was due. Errors are the store's. Used by ActionRunner's thread and by tests.
Result<bool> RunNextDueJob(ActionConnector& connector, store::Store& store, const ActionRunnerOptions& options,
                           http::Backoff& backoff, std::stop_token stop);

class ActionRunner {
 public:
  // `workers`: the connector's instances, one per worker thread (at least one), all of
  // the same connector.
  ActionRunner(std::vector<std::unique_ptr<ActionConnector>> workers, ActionRunnerOptions options);
  ~ActionRunner();  // requests stop and joins; the jobs in flight are rescheduled, not lost

  void RequestStop();  // thread-safe, idempotent
  void Wake();         // a job was created: look now (thread-safe)
  // A paused runner starts no job step (the steps in flight finish); jobs wait queued.
  void SetPaused(bool paused);  // thread-safe, idempotent
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  void Loop(ActionConnector& connector, std::stop_token stop);

  std::vector<std::unique_ptr<ActionConnector>> workers_;
  std::string name_;
  ActionRunnerOptions options_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  uint64_t wakes_ = 0;                 // guarded by mutex_; each worker compares its last seen
  bool paused_ = false;                // guarded by mutex_
  std::vector<std::jthread> threads_;  // last: start after every member above exists
};

}  // namespace tributary::connectors::kit
