// The durable state of the gateway, on SQLite (WAL mode, numbered migrations):
// the latest canonical version of every entity, the outbox of changes (monotonic seq),
// the ledger of processed files, rejects, dead letters, quarantined snapshots and the
// push cursor.
//
// Thread-safety: a Store owns one SQLite connection and is NOT thread-safe; every thread
// opens its own Store on the same path (WAL lets readers run beside the one writer).
// Writers wait on SQLite's busy timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/model/money.h"
#include "gateway/model/record_sink.h"
#include "gateway/store/action_jobs.h"
#include "gateway/store/api_state.h"
#include "gateway/store/retention.h"

namespace tributary::store {

enum class SyncMode { kSnapshot, kDelta };

// A file as the connector found it. A file is known by its content hash.
struct FileIdentity {
  std::string connector;
  std::string name;    // path relative to the connector's drop folder
  std::string sha256;  // lowercase hex of the content
  int64_t size = 0;
};

enum class FileState {
  kApplied,      // changes committed to the store (and outbox)
  kArchived,     // applied, delivered when push is on, moved to archive_dir
  kQuarantined,  // snapshot guard tripped, or unreadable rejects held closes back; nothing
                 // applied; waits for release or discard
  kReleased,     // an admin released the quarantine; to be applied without the guard (and
                 // with the closes unreadable rejects held back)
  kDiscarded,    // an admin discarded the quarantine; file goes to error_dir
  kFailed,       // could not be read at all; moved to error_dir with a .reason file
};
std::string_view FileStateName(FileState state);
std::optional<FileState> ParseFileState(std::string_view name);

struct FileEntry {
  int64_t id = 0;
  FileIdentity identity;
  FileState state = FileState::kApplied;
  int64_t rows = 0;      // records emitted + rejects
  int64_t rejects = 0;
  int64_t changes = 0;   // outbox rows this file produced
  int64_t last_seq = 0;  // highest outbox seq this file produced; 0 when none
  std::string error;     // why it failed, when kFailed
  std::string updated_at;
  int64_t closes_withheld = 0;  // snapshot closes not made: rejected records had no key
                                // but named their customer (ApplyOutcome::closes_withheld)
  std::string note;             // why, when closes_withheld > 0 (ApplyOutcome::withheld_reason)
  std::string moved_to;         // the archive or error path it was moved to; "" while in place or deleted
  std::string created_at;
};

// Which ledger entries ListFiles returns: newest first, ids below `before` (0: no bound).
struct FileQuery {
  std::string connector;         // "" for all
  std::optional<FileState> state;
  std::string after;             // RFC 3339: only entries created at or after it ("" for all)
  int64_t before_id = 0;
  int limit = 100;
};

// A connector an admin paused (POST /v1/connectors/{name}/pause).
struct ConnectorPause {
  std::string connector;
  std::string paused_at;
  std::string paused_by;  // the admin token's name, "" when none
};

struct ApplyOptions {
  std::string feed;  // snapshot scope: "<connector>/<file pattern>"
  SyncMode mode = SyncMode::kDelta;
  // Entities a snapshot closes by absence (e.g. {"receivable"}). Ignored in delta mode.
  std::vector<std::string> closing_entities;
  // Quarantine a snapshot that would close more than this share of the feed's active
  // closing entities. nullopt = no guard. The guard is skipped for a released file.
  std::optional<double> max_close_ratio;
  // Entities whose key may appear more than once in one file (e.g. customers repeated on
  // every open-item row); a repeated key of any other entity is rejected.
  std::vector<std::string> repeatable_entities;
  // The legal entity of the connector (config `legal_entity`), kept with each entity the
  // file writes, for the money metrics by legal entity; "" when not set.
  std::string legal_entity;
};

// The closes by absence of one entity that a snapshot did not make: rejected records of
// the entity had no key but named their customer, so the absent records of that customer
// stay open (store/rejected_keys.h).
struct WithheldCloses {
  std::string entity;
  int64_t closes = 0;               // active entities absent from the file, left open
  int64_t keyless_rejects = 0;      // rejected records of the entity without a key
  std::vector<int64_t> lines;       // their lines, the first kMaxWithheldLines
  std::vector<std::string> customers;  // the customers they name (canonical keys), sorted,
                                       // the first kMaxWithheldCustomers
  int64_t customer_count = 0;          // how many customers they name
};
inline constexpr size_t kMaxWithheldLines = 20;
inline constexpr size_t kMaxWithheldCustomers = 5;

// What Commit() did. When quarantined, only the quarantine fields are set: nothing of the
// file was applied (the guard tripped, or rejected records with neither key nor customer
// would have let closes through that they may stand for; snapshot_guard.h).
struct ApplyOutcome {
  bool quarantined = false;
  int64_t quarantine_id = 0;
  std::string quarantine_reason;
  int64_t created = 0;    // upserts of new keys
  int64_t updated = 0;    // upserts whose hash changed (includes reopening a closed key)
  int64_t unchanged = 0;
  int64_t closed = 0;     // closes by absence
  // Closes by absence not made because rejected records of the entity had no key but
  // named their customer (the store cannot tell which of that customer's records they
  // were); `withheld` says which and why.
  int64_t closes_withheld = 0;
  std::vector<WithheldCloses> withheld;
  // One sentence for logs and the ledger, e.g. "3 closes of customer erp:customer:C1
  // withheld: 2 rejected receivable rows have no key (lines 14, 90)"; empty when nothing
  // was withheld.
  std::string withheld_reason;
  // Keys of rejected records that a snapshot kept as they were instead of closing them.
  int64_t kept = 0;
  int64_t rejects = 0;
  int64_t first_seq = 0;  // outbox range this file produced; 0 when none
  int64_t last_seq = 0;
};

// One file being applied, inside one SQLite transaction. Feed it the mapping's output,
// then Commit(). Destroying it without Commit() rolls everything back. It holds the
// database's write lock until then, must not outlive the Store that began it, and while
// it is open that Store refuses other writes (kConflict); reads see the uncommitted work.
// After an OnRecord/OnReject error the application is spoiled: Commit() fails.
class FileApplication : public model::RecordSink {
 public:
  ~FileApplication() override = default;
  // Commits: closes absent entities (snapshot), checks the guard (may roll back and
  // record a quarantine instead), records the file in the ledger as kApplied (or
  // kQuarantined) and commits, all in the same transaction.
  virtual Result<ApplyOutcome> Commit() = 0;
};

// A row of the outbox: one change to one entity.
struct Change {
  int64_t seq = 0;
  std::string op;      // "upsert" | "close"
  std::string entity;
  std::string key;
  int64_t version = 0;
  std::string hash;    // upsert only
  std::string data;    // upsert only: the wire object as JSON text
  std::string reason;  // close only: kCloseReasonAbsentFromSnapshot
  std::string created_at;
};
// The reason of a close by absence from a snapshot.
inline constexpr std::string_view kCloseReasonAbsentFromSnapshot = "absent_from_snapshot";
// The change as the core contract spells it (one JSON object, no trailing newline).
std::string ChangeToJson(const Change& change);

// The current canonical version of an entity, with where it came from.
struct EntityVersion {
  std::string key;
  std::string entity;
  std::string feed;
  int64_t version = 0;
  std::string hash;
  std::string lifecycle;  // as stored: "closed_by_absence" after a snapshot closed it
  std::string data;       // the wire object as JSON text (its lifecycle follows the column)
  std::optional<int64_t> open_amount_minor;  // receivables: magnitude in minor units
  std::string currency;
  int64_t file_id = 0;   // ledger entry of the file that produced this version
  int64_t line = 0;      // line in that file; 0 for a close by absence
  std::string mapping;   // "name@version"
  std::string updated_at;
};

struct Reject {
  int64_t id = 0;
  std::string connector;
  std::string file_sha256;
  model::Reject reject;
  std::string created_at;
};

struct DeadLetter {
  int64_t id = 0;
  std::string batch_id;
  int64_t seq = 0;
  std::string entity;
  std::string key;
  std::string code;     // core's error code, or "http_<status>" for a refused batch
  std::string message;
  std::string change_json;
  std::string created_at;
  std::optional<std::string> replayed_at;
};

struct Quarantine {
  int64_t id = 0;
  std::string connector;
  std::string feed;
  FileIdentity file;
  std::string reason;
  // {"would_close":6,"active":10,"ratio":"0.600","max_close_ratio":"0.200","would_create":N,
  //  "would_update":N,"sample":[{"key":…,"open_amount":"12.50","currency":"EUR"},… ≤ 20]}
  std::string diff_json;
  std::string state;      // "pending" | "released" | "discarded"
  std::string created_at;
};

// The batch being pushed. Saved before the first attempt, so a restart re-sends exactly
// the same changes with the same Idempotency-Key.
struct PushBatch {
  std::string batch_id;
  int64_t first_seq = 0;
  int64_t last_seq = 0;
};

// Per-change answer of the core.
struct ChangeResult {
  int64_t seq = 0;
  std::string status;  // "applied" | "duplicate" | "rejected"
  std::string code;
  std::string message;
};

struct StoreOptions {
  // How long a write waits for another connection's write lock before kUnavailable.
  std::chrono::milliseconds busy_timeout{10000};
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens (creating when absent, with its parent folder) the database at `path` and runs
  // pending migrations. kConflict when the database was written by a newer build.
  static Result<std::unique_ptr<Store>> Open(const std::string& path);
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const StoreOptions& options);

  // --- file ledger ---------------------------------------------------------------
  // The most recent ledger entry for this content in this connector, if any.
  virtual Result<std::optional<FileEntry>> FindFile(const std::string& connector,
                                                    const std::string& sha256) = 0;
  // Ledger entries of the connector in `state`, oldest first.
  virtual Result<std::vector<FileEntry>> FilesInState(const std::string& connector,
                                                      FileState state) = 0;
  // kNotFound when there is no such entry.
  virtual Status SetFileState(int64_t file_id, FileState state, const std::string& error = "") = 0;
  // Records a file that could not be read at all.
  virtual Result<int64_t> RecordFailedFile(const FileIdentity& file, const std::string& error) = 0;
  // Records where the latest entry of the connector's content `sha256` was moved to.
  virtual Status SetFileMovedTo(const std::string& connector, const std::string& sha256, const std::string& path) = 0;
  // The ledger, newest first (FileQuery).
  virtual Result<std::vector<FileEntry>> ListFiles(const FileQuery& query) = 0;

  // --- paused connectors -------------------------------------------------------------
  virtual Result<std::vector<ConnectorPause>> PausedConnectors() = 0;
  // Pauses (idempotent: the first pause's time stays) or resumes `connector`.
  virtual Status SetConnectorPaused(const std::string& connector, bool paused, const std::string& by) = 0;

  // Starts applying a file: takes the write lock (waiting the busy timeout, then
  // kUnavailable) and opens the file's ledger entry. Only one FileApplication may be open
  // per Store (kConflict). When the latest entry of this content is kReleased, that entry
  // is applied without the guard; when it is kQuarantined, kConflict. kInvalidArgument for
  // a snapshot without a feed or a negative max_close_ratio.
  virtual Result<std::unique_ptr<FileApplication>> BeginFile(const FileIdentity& file,
                                                             const ApplyOptions& options) = 0;

  // The current version of the entity `key`; kNotFound when the store never saw it.
  virtual Result<EntityVersion> GetEntity(const std::string& key) = 0;

  // --- outbox / change feed -----------------------------------------------------------
  // Up to `limit` (> 0) changes with seq > after_seq, in seq order.
  virtual Result<std::vector<Change>> ChangesAfter(int64_t after_seq, int limit) = 0;
  // The highest seq ever committed; 0 for an empty outbox.
  virtual Result<int64_t> LastSeq() = 0;

  // --- rejects ------------------------------------------------------------------------
  // Up to `limit` (> 0) rejects with id > after_id, oldest first.
  virtual Result<std::vector<Reject>> ListRejects(const std::string& connector,  // "" = all
                                                  int64_t after_id, int limit) = 0;
  // The `limit` most recent rejects, newest first.
  virtual Result<std::vector<Reject>> LatestRejects(int limit) = 0;

  // --- quarantine ---------------------------------------------------------------------
  // Oldest first.
  virtual Result<std::vector<Quarantine>> ListQuarantine(bool pending_only) = 0;
  virtual Result<Quarantine> GetQuarantine(int64_t id) = 0;
  // Marks the quarantine released and its file kReleased (the connector then applies it
  // without the guard, closes included). kNotFound; kConflict when not pending, or when a
  // newer snapshot of the same feed was applied since it was quarantined (releasing it
  // would apply stale data over the newer one: discard it instead).
  virtual Status ReleaseQuarantine(int64_t id) = 0;
  // Marks it discarded and its file kDiscarded. kNotFound / kConflict when not pending.
  virtual Status DiscardQuarantine(int64_t id) = 0;

  // --- push -----------------------------------------------------------------------------
  // The highest seq the core has answered for (0 at first).
  virtual Result<int64_t> DeliveredThrough() = 0;
  virtual Result<std::optional<PushBatch>> PendingBatch() = 0;
  // Idempotent for the batch already pending; kConflict when another one is pending;
  // kInvalidArgument unless delivered < first_seq <= last_seq <= LastSeq().
  virtual Status SavePendingBatch(const PushBatch& batch) = 0;
  // The core answered 200: records dead letters for rejected changes, advances the
  // delivered cursor to batch.last_seq and clears the pending batch, in one transaction.
  // kConflict unless `batch` is the pending batch. Results for seqs outside it are ignored.
  virtual Status AcknowledgeBatch(const PushBatch& batch, const std::vector<ChangeResult>& results) = 0;
  // The core refused the whole batch for good (4xx other than 408/429): every change of
  // it becomes a dead letter with `code`/`message`, and the cursor advances. kConflict
  // unless `batch` is the pending batch.
  virtual Status ParkBatch(const PushBatch& batch, const std::string& code, const std::string& message) = 0;

  // --- dead letters ---------------------------------------------------------------------
  // Up to `limit` (> 0) dead letters with id > after_id, oldest first.
  virtual Result<std::vector<DeadLetter>> ListDeadLetters(bool pending_only, int64_t after_id,
                                                          int limit) = 0;
  // Re-enqueues the entity's current version as a new outbox change (new seq): an upsert
  // of its current data, or a close when it is closed by absence. Marks the dead letter
  // replayed and returns the new seq. kNotFound for an unknown id; kConflict when it was
  // already replayed.
  virtual Result<int64_t> ReplayDeadLetter(int64_t id) = 0;

  // --- metrics --------------------------------------------------------------------------
  struct OpenBalance {
    std::string currency;
    std::string legal_entity;  // of the connectors that wrote them; "" when not set
    model::MinorUnitsSum open_minor = 0;  // signed: credit notes and payments on account lower it
    int64_t open_items = 0;  // active receivables with a non-zero open amount
  };
  // Active receivables per currency and legal entity, ordered by currency, then legal
  // entity.
  virtual Result<std::vector<OpenBalance>> OpenBalances() = 0;
  virtual Result<int64_t> DeadLetterCount() = 0;                 // not replayed

  // --- retention (retention.h) ----------------------------------------------------------
  // One pass of `policy` as of `now`: compacts the outbox, deletes old rejects and finished
  // ledger rows nothing refers to, at most policy.batch_rows rows per transaction, then
  // checkpoints the WAL (TRUNCATE) when it removed anything. Idempotent; safe beside other
  // connections writing (each batch takes the write lock briefly). Stops between batches
  // once `stop` is requested (report.complete is then false). kConflict while a
  // FileApplication is open on this Store.
  virtual Result<RetentionReport> ApplyRetention(const RetentionPolicy& policy,
                                                 std::chrono::system_clock::time_point now,
                                                 std::stop_token stop) = 0;

  // API source connectors: batches with their cursor, OAuth grants (api_state.h).
  virtual ApiState& api() = 0;
  // The jobs of the actions contract, their proofs and recent lookups (action_jobs.h).
  virtual ActionJobs& actions() = 0;
};

}  // namespace tributary::store
