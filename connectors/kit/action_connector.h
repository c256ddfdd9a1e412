// What an action connector is to the daemon: it drives one durable job at a time to an
// outcome (a score looked up, a cover requested, a letter sent). The job itself (its
// request, status, attempts, idempotency) lives in the store (gateway/store/action_jobs.h)
// and is run by the daemon's action runner, which turns the ActionOutcome into one
// transaction: the job's new status together with the canonical records and proof
// documents the outcome carries.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/common/result.h"
#include "gateway/model/canonical.h"
#include "gateway/store/store.h"

namespace tributary::connectors {

// The kinds of action of the actions contract, by their path under /v1/actions/.
enum class ActionKind { kScore, kCreditLimit, kRegisteredLetter };
std::string_view ActionKindName(ActionKind kind);  // "score", "credit-limit", "registered-letter"
std::optional<ActionKind> ParseActionKind(std::string_view name);

// A document kept for audit (a credit report, a proof of deposit): stored once by its
// sha256 and served by GET /v1/proofs/{sha256}.
struct ProofDocument {
  std::string content;     // the bytes as the provider sent them
  std::string media_type;  // "application/json", "application/pdf"
  std::string filename;    // a name for a download ("creditsafe-FR-X-123.json"); may be empty
  // Lowercase hex SHA-256 of `content`.
  [[nodiscard]] std::string Sha256() const { return model::Sha256Hex(content); }
};

// One job as its connector sees it.
struct ActionJob {
  std::string id;  // the job's id in /v1/actions/{id}
  ActionKind kind = ActionKind::kScore;
  nlohmann::json request;  // the body the core posted, already checked for its kind (actions/)
  int64_t attempt = 1;     // 1 for the first run; a run after a crash or a retry is > 1
  // The provider's reference of a send committed earlier (JobStoreView::CommitIntent), or
  // of the submission the provider is deciding on; empty when none.
  std::string provider_ref;
  bool waiting_provider = false;  // the job was submitted; this run asks how it stands
};

// What a run decided.
struct ActionOutcome {
  enum class Kind {
    kSucceeded,        // done; `records`, `proofs` and `result_key` are stored with the status
    kFailed,           // done, for a business reason a person can read (`reason`)
    kRetryLater,       // the provider is down or throttling: run again after a backoff
    kWaitingProvider,  // submitted; the provider decides later: run again at `next_run`
  };
  Kind kind = Kind::kFailed;
  // kFailed: the business reason, as the core shows it. kRetryLater / kWaitingProvider:
  // what the job waits for ("Creditsafe answered 429 Too Many Requests").
  std::string reason;
  // kRetryLater: the earliest next run the provider asked for (Retry-After); nullopt: the
  // runner's backoff decides. kWaitingProvider: when to ask again; nullopt: the
  // connector's schedule.
  std::optional<std::chrono::system_clock::time_point> next_run;
  // kSucceeded (and kWaitingProvider, for intermediate versions): canonical records to
  // store with the job's status, in one transaction, and the documents they refer to.
  std::vector<model::CanonicalRecord> records;
  std::vector<ProofDocument> proofs;
  std::string result_key;   // the canonical key of the job's result entity
  bool from_cache = false;  // answered from a recent lookup: nothing was billed
  // Subjects under which `result_key` is remembered as a recent lookup
  // (JobStoreView::RecentLookup), e.g. "company:FR-X-49481445200012".
  std::vector<std::string> lookup_subjects;
  std::string provider_ref;  // kWaitingProvider: the provider's reference of the submission

  static ActionOutcome Succeeded(std::string result_key) {
    ActionOutcome outcome;
    outcome.kind = Kind::kSucceeded;
    outcome.result_key = std::move(result_key);
    return outcome;
  }
  static ActionOutcome Failed(std::string reason) {
    ActionOutcome outcome;
    outcome.kind = Kind::kFailed;
    outcome.reason = std::move(reason);
    return outcome;
  }
  static ActionOutcome RetryLater(std::string reason,
                                  std::optional<std::chrono::system_clock::time_point> not_before = std::nullopt) {
    ActionOutcome outcome;
    outcome.kind = Kind::kRetryLater;
    outcome.reason = std::move(reason);
    outcome.next_run = not_before;
    return outcome;
  }
  // The outcome of an error from a provider call: kRetryLater when it may succeed later
  // (Error::Retryable(), or kCancelled: the daemon is stopping), else kFailed with its
  // message.
  static ActionOutcome FromError(const Error& error);
};

// The store as a running job sees it. Used on the runner's thread only.
class JobStoreView {
 public:
  virtual ~JobStoreView() = default;
  // The result key remembered under `subject` by this connector, when the lookup is at most
  // `max_age` old.
  virtual Result<std::optional<std::string>> RecentLookup(const std::string& subject, std::chrono::seconds max_age) = 0;
  // The current version of the entity `key`; nullopt when the store never saw it.
  virtual Result<std::optional<store::EntityVersion>> Entity(const std::string& key) = 0;
  // Commits the intent of an irreversible send before it is made: the job can no longer
  // be cancelled, and a run after a crash sees `provider_ref` in ActionJob and asks the
  // provider what became of it before it ever sends again. kConflict when the job was
  // cancelled meanwhile (then send nothing).
  virtual Status CommitIntent(const std::string& provider_ref) = 0;
};

// An action connector. Run() is called by one worker of its connector's runner, one job at
// a time; a runner with several workers makes one instance per worker (the factory's
// make_action again), so an instance never runs two jobs at once. Instances share the
// daemon-wide request budget and grant of their provider account.
class ActionConnector {
 public:
  virtual ~ActionConnector() = default;
  [[nodiscard]] virtual const std::string& name() const = 0;
  // How many jobs of this connector may run at once: a provider answering in a second
  // must not hold the others back. Their requests still obey the connector's budget.
  [[nodiscard]] virtual int workers() const { return 1; }
  // Drives `job` one step: to its end, or to a wait. Never throws; a provider error is an
  // outcome (ActionOutcome::FromError). Must be safe to run again after a crash at any
  // instant: a lookup may be repeated; a send may not (see JobStoreView::CommitIntent).
  virtual ActionOutcome Run(const ActionJob& job, JobStoreView& store, std::stop_token stop) = 0;
};

}  // namespace tributary::connectors
