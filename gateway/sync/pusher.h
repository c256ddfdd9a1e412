// Delivers the outbox to the collection core (core sync contract v1, push side):
// `POST {url}/batches` with the changes after the delivered cursor, in seq order, one
// batch in flight. A batch is saved in the store before its first attempt, so every
// retry and every restart re-sends exactly the same changes under the same
// Idempotency-Key until the core answers for good.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <stop_token>
#include <string>
#include <vector>

#include "gateway/common/clock.h"
#include "gateway/common/metrics.h"
#include "gateway/common/result.h"
#include "gateway/common/secret_redactor.h"
#include "gateway/http/http_client.h"
#include "gateway/http/retry_policy.h"
#include "gateway/store/store.h"

namespace tributary::sync {

struct PushOptions {
  std::string url;     // the core's sync base URL; batches go to `url + "/batches"`
  std::string token;   // bearer token; never logged
  // The config's secrets, taken out of the core's answers before they are logged or
  // stored (dead letters). Null: answers are kept as they are.
  SharedRedactor redactor;
  std::string tenant;  // sent in every batch body
  int batch_size = 500;  // changes per batch (at least 1)
  // A new batch stops growing before its body exceeds this many bytes (a single change
  // larger than that still goes, alone). Keeps batches under the core's body limit.
  size_t max_batch_bytes = 1 << 20;
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{300000};
  // How long Run() waits for Notify() before looking at the outbox again when idle.
  std::chrono::milliseconds idle_wait{1000};
  // The daemon's clock: waits between attempts, Retry-After dates, timestamps. Tests give
  // a FakeClock that records the waits and returns at once.
  const Clock* clock = &MachineClock();
  // The process's metrics (may be null): the pusher adds to the push counters
  // (tributary_push_batches_total, _changes_total, _batches_parked_total, _retries_total)
  // as it goes, and records each HTTP exchange with the core in the histogram
  // tributary_push_batch_duration_seconds. Described by the caller. A pusher rebuilt on a
  // reload keeps adding to the same counters.
  Metrics* metrics = nullptr;
};

// Counters for /readyz and the gauges, for this Pusher's life only (the metrics' counters
// are PushOptions::metrics). Written by the pushing thread, readable anywhere.
struct PushStats {
  std::atomic<int64_t> batches_sent{0};    // batches the core acknowledged (2xx)
  std::atomic<int64_t> batches_parked{0};  // batches the core refused for good (4xx)
  std::atomic<int64_t> changes_applied{0};
  std::atomic<int64_t> duplicates{0};
  std::atomic<int64_t> rejected{0};        // changes the core rejected (now dead letters)
  std::atomic<int64_t> retries{0};         // attempts that failed and will be retried
  std::atomic<int64_t> last_latency_ms{0};       // of the last HTTP exchange
  std::atomic<int64_t> last_success_unix_ms{0};  // last acknowledged or parked batch
  std::atomic<int64_t> consecutive_failures{0};  // reset by an answer for good
};

enum class StepKind {
  kIdle,       // nothing to send
  kDelivered,  // the core acknowledged the batch; the cursor advanced
  kParked,     // the core refused the batch; its changes are dead letters
  kRetry,      // not delivered; the same batch goes again later
};

struct StepOutcome {
  StepKind kind = StepKind::kIdle;
  std::string batch_id;
  int64_t changes = 0;  // changes in the batch
  // kRetry: the wait the core asked for (Retry-After), when it did.
  std::optional<std::chrono::milliseconds> retry_after;
  std::string reason;  // kRetry / kParked: why, for logs and the admin
};

// Not thread-safe except Notify() and stats(): Step() and Run() belong to one thread,
// which alone uses `store` and `client`. Both must outlive the Pusher.
class Pusher {
 public:
  Pusher(store::Store& store, http::HttpClient& client, PushOptions options);

  // One attempt: re-sends the saved pending batch, or builds the next one (changes after
  // the delivered cursor, up to batch_size) and saves it under a new UUIDv7 batch id
  // BEFORE sending. Transport failures, 408, 429, 5xx and unusable 2xx answers are
  // kRetry outcomes; errors are store failures (the attempt changed nothing).
  Result<StepOutcome> Step();

  // Calls Step() until `stop` is requested: after a failure it waits with exponential
  // backoff and full jitter (capped at max_backoff; a longer Retry-After wins, up to one
  // hour); when idle it waits for Notify() or idle_wait. Returns promptly on stop.
  void Run(std::stop_token stop);

  // New changes are in the outbox: wakes an idle Run(). Thread-safe.
  void Notify();

  const PushStats& stats() const { return stats_; }

  // The wait before attempt number `failures` + 1 (failures >= 1): the common backoff
  // (gateway/http/retry_policy.h) from initial_backoff to max_backoff, raised to
  // `retry_after` when that is longer (capped at one hour).
  std::chrono::milliseconds Backoff(int64_t failures,
                                    std::optional<std::chrono::milliseconds> retry_after);

 private:
  Result<StepOutcome> Attempt();
  Result<std::vector<store::Change>> LoadPendingChanges(const store::PushBatch& batch);
  void Count(const std::string& metric, const Labels& labels, int64_t delta);
  StepOutcome Retry(const store::PushBatch& batch, int64_t changes, std::string reason,
                    std::optional<std::chrono::milliseconds> retry_after = std::nullopt);
  void Sleep(std::chrono::milliseconds delay, std::stop_token stop);

  store::Store& store_;
  http::HttpClient& client_;
  const PushOptions options_;
  const std::string batches_url_;
  PushStats stats_;
  http::Backoff backoff_;

  std::mutex mutex_;
  std::condition_variable_any cv_;
  uint64_t generation_ = 0;  // guarded by mutex_; bumped by Notify()
};

}  // namespace tributary::sync
