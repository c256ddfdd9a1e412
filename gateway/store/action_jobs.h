// The durable jobs of the actions contract (POST /v1/actions/*), the proof documents
// they keep, and the recent lookups that spare a billed call. Every change of a job's
// status is one SQLite transaction; a job's success commits its canonical records, their
// outbox changes and its proofs in the same transaction as its status.
//
// A job is claimed by its connector's runner (status `running`, attempts + 1); every later
// write of that run names the claim (Job::attempts) and is refused with kConflict when the
// job moved on meanwhile (cancelled), so a late result is dropped, never stored.
//
// Reached through Store::actions(). Same thread-safety as its Store.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/model/record_sink.h"

namespace tributary::store {

enum class JobStatus { kQueued, kRunning, kWaitingProvider, kSucceeded, kFailed, kCancelled };
std::string_view JobStatusName(JobStatus status);  // "queued", "waiting_provider", …
std::optional<JobStatus> ParseJobStatus(std::string_view name);
// True for succeeded, failed and cancelled.
bool IsFinal(JobStatus status);

struct Job {
  std::string id;      // uuid: /v1/actions/{id}
  int64_t number = 0;  // creation order, for paging (`after`)
  std::string kind;    // "score", "credit-limit", "registered-letter"
  std::string connector;
  std::string idempotency_key;
  std::string request_sha256;  // of the request as canonical JSON
  std::string request;         // the request body, as canonical JSON text
  JobStatus status = JobStatus::kQueued;
  int64_t attempts = 0;        // runs started
  int64_t next_run_at_ms = 0;  // unix ms: when a queued or waiting job is due
  std::string waiting_for;     // why a queued job waits (a throttled provider) or what a waiting one awaits
  std::string error;           // kFailed: the business reason; kCancelled: who cancelled
  std::string result_key;      // kSucceeded: the canonical key of the result
  bool from_cache = false;     // kSucceeded from a recent lookup, nothing billed
  std::string provider_ref;    // the provider's reference of the send or submission
  bool irreversible = false;   // an intent was committed: the job can no longer be cancelled
  std::string created_at;
  std::string updated_at;
  std::string finished_at;  // when it became final; "" before
};

struct NewJob {
  std::string id;
  std::string kind;
  std::string connector;
  std::string idempotency_key;
  std::string request;  // canonical JSON text
};

enum class CreateOutcome {
  kCreated,       // a new job
  kSameRequest,   // the key was used before with the same request: that job
  kOtherRequest,  // the key was used before with another request: that job, not changed
};

struct StoredProof {
  std::string sha256;  // lowercase hex of content
  std::string media_type;
  std::string filename;
  std::string content;
  std::string created_at;
};

// A job's success, in one transaction: feed it the result records (RecordSink), the
// proofs, the lookups to remember, then Commit(). Destroying it uncommitted rolls back.
// Holds the database write lock until then.
class JobCompletion : public model::RecordSink {
 public:
  ~JobCompletion() override = default;
  virtual Status SaveProof(const StoredProof& proof) = 0;  // idempotent by sha256
  // Remembers `result_key` under `subject` as looked up now (JobStoreView::RecentLookup).
  virtual Status RememberLookup(const std::string& subject, const std::string& result_key) = 0;
  // Sets the job's `result_key`, marks it succeeded when `succeeded` (else its status is
  // left to the Reschedule that follows: a job waiting for its provider stores its
  // intermediate versions so), and commits all. kConflict when the claim is stale (the
  // job was cancelled or re-claimed): nothing is stored.
  virtual Status Commit(const std::string& result_key, bool from_cache, bool succeeded) = 0;
};

class ActionJobs {
 public:
  virtual ~ActionJobs() = default;

  // Creates the job, or finds the one created earlier with the same idempotency key.
  // A new job is queued and due at `now_ms`.
  virtual Result<std::pair<CreateOutcome, Job>> Create(const NewJob& job, int64_t now_ms) = 0;
  // kNotFound when there is no such job.
  virtual Result<Job> Get(const std::string& id) = 0;
  // Up to `limit` jobs with number > after, oldest first; of `status` only when given.
  virtual Result<std::vector<Job>> List(std::optional<JobStatus> status, int64_t after, int limit) = 0;
  // The `limit` most recent jobs, newest first.
  virtual Result<std::vector<Job>> Latest(int limit) = 0;
  // Cancels a job that is not final and has no committed intent. kNotFound; kConflict
  // (with the reason) when it is final or an irreversible step was taken.
  virtual Result<Job> Cancel(const std::string& id) = 0;

  // --- the runner ---------------------------------------------------------------------
  // Claims the connector's next due job (queued or waiting_provider, next_run_at_ms <=
  // now_ms; the earliest due first): status running, attempts + 1. nullopt when none is due.
  virtual Result<std::optional<Job>> ClaimDue(const std::string& connector, int64_t now_ms) = 0;
  // When the connector's next queued or waiting job is due (unix ms); nullopt when none.
  virtual Result<std::optional<int64_t>> NextDue(const std::string& connector) = 0;
  // Makes the job `id` due now when it is waiting for its provider (the provider's feed
  // says it decided): its runner asks at its next check instead of at the next poll.
  // Nothing happens when no such job waits.
  virtual Status WakeWaiting(const std::string& id) = 0;
  // The claimed job waits: status queued (a retry) or waiting_provider, due at
  // `next_run_at_ms`, with what it waits for. kConflict when the claim is stale.
  virtual Status Reschedule(const Job& claimed, JobStatus status, int64_t next_run_at_ms,
                            const std::string& waiting_for, const std::string& provider_ref) = 0;
  // The claimed job failed for `reason`. kConflict when the claim is stale.
  virtual Status FailJob(const Job& claimed, const std::string& reason) = 0;
  // Commits the intent of an irreversible send (Job::irreversible, provider_ref).
  // kConflict when the claim is stale.
  virtual Status CommitIntent(const Job& claimed, const std::string& provider_ref) = 0;
  // Starts the claimed job's success (JobCompletion); its lookups are remembered as made
  // at `now_ms`. kConflict when the claim is stale.
  virtual Result<std::unique_ptr<JobCompletion>> BeginCompletion(const Job& claimed, int64_t now_ms) = 0;

  // --- start of the daemon ------------------------------------------------------------
  // Jobs left `running` by a stop or a crash go back to queued, due now, or to
  // waiting_provider when they carry a provider reference (the connector then asks the
  // provider what became of it before anything else). Returns how many.
  virtual Result<int64_t> RequeueInterrupted(int64_t now_ms) = 0;
  // Jobs not final whose connector is not in `configured` fail with a reason naming it.
  // Returns how many.
  virtual Result<int64_t> FailOrphans(const std::vector<std::string>& configured) = 0;

  // --- reads --------------------------------------------------------------------------
  // The result key remembered under (connector, subject) at or after `since_ms`.
  virtual Result<std::optional<std::string>> RecentLookup(const std::string& connector, const std::string& subject,
                                                          int64_t since_ms) = 0;
  virtual Result<std::optional<StoredProof>> GetProof(const std::string& sha256) = 0;
  // Job counts by status, for metrics: {status, count}.
  virtual Result<std::vector<std::pair<JobStatus, int64_t>>> CountByStatus() = 0;
  // The jobs waiting for their provider's decision, by connector and kind, for metrics.
  struct Waiting {
    std::string connector;
    std::string kind;
    int64_t jobs = 0;
    int64_t oldest_created_unix = 0;  // unix seconds of the oldest one's creation
  };
  virtual Result<std::vector<Waiting>> WaitingByConnector() = 0;
  // The insurer covers in force (credit_limit entities decided approved, partially_approved
  // or reduced, granted > 0), by source connector and currency, for metrics.
  struct CoverTotal {
    std::string connector;
    std::string currency;
    int64_t granted_minor = 0;  // exact; saturates at INT64_MAX rather than wrap
    int64_t covers = 0;
  };
  virtual Result<std::vector<CoverTotal>> CoversInForce() = 0;
};

}  // namespace tributary::store
