// The SQLite implementation of Store. Internal to the store module: everyone else uses
// Store::Open and the Store interface.
//
// Thread-safety: none (one connection); see store.h.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/store/sqlite_action_jobs.h"
#include "gateway/store/sqlite_api_state.h"
#include "gateway/store/sqlite_db.h"
#include "gateway/store/store.h"

namespace tributary::store {

// "applied" → FileState::kApplied, …; nullopt for an unknown name.

// An entity's current wire object, as an SQL expression over a row of `entities`: the
// outbox row `data_seq` names, else the row's own `data` (migration 5).
inline constexpr std::string_view kEntityDataSql =
    "COALESCE((SELECT outbox.data FROM outbox WHERE outbox.seq = entities.data_seq), entities.data)";

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Database> db)
      : db_(std::move(db)), api_(MakeSqliteApiState(*this)), actions_(MakeSqliteActionJobs(*this)) {}

  Result<std::optional<FileEntry>> FindFile(const std::string& connector,
                                            const std::string& sha256) override;
  Result<std::vector<FileEntry>> FilesInState(const std::string& connector,
                                              FileState state) override;
  Status SetFileState(int64_t file_id, FileState state, const std::string& error) override;
  Result<int64_t> RecordFailedFile(const FileIdentity& file, const std::string& error) override;
  Result<std::unique_ptr<FileApplication>> BeginFile(const FileIdentity& file,
                                                     const ApplyOptions& options) override;

  Result<EntityVersion> GetEntity(const std::string& key) override;

  Result<std::vector<Change>> ChangesAfter(int64_t after_seq, int limit) override;
  Result<int64_t> LastSeq() override;

  Result<std::vector<Reject>> ListRejects(const std::string& connector, int64_t after_id,
                                          int limit) override;
  Result<std::vector<Reject>> LatestRejects(int limit) override;

  Result<std::vector<Quarantine>> ListQuarantine(bool pending_only) override;
  Status SetFileMovedTo(const std::string& connector, const std::string& sha256, const std::string& path) override;
  Result<std::vector<FileEntry>> ListFiles(const FileQuery& query) override;
  Result<std::vector<ConnectorPause>> PausedConnectors() override;
  Status SetConnectorPaused(const std::string& connector, bool paused, const std::string& by) override;
  Result<Quarantine> GetQuarantine(int64_t id) override;
  Status ReleaseQuarantine(int64_t id) override;
  Status DiscardQuarantine(int64_t id) override;

  // Push cursor and dead letters: push_state.cc.
  Result<int64_t> DeliveredThrough() override;
  Result<std::optional<PushBatch>> PendingBatch() override;
  Status SavePendingBatch(const PushBatch& batch) override;
  Status AcknowledgeBatch(const PushBatch& batch,
                          const std::vector<ChangeResult>& results) override;
  Status ParkBatch(const PushBatch& batch, const std::string& code,
                   const std::string& message) override;
  Result<std::vector<DeadLetter>> ListDeadLetters(bool pending_only, int64_t after_id,
                                                  int limit) override;
  Result<int64_t> ReplayDeadLetter(int64_t id) override;

  // retention.cc
  Result<RetentionReport> ApplyRetention(const RetentionPolicy& policy,
                                         std::chrono::system_clock::time_point now,
                                         std::stop_token stop) override;

  Result<std::vector<OpenBalance>> OpenBalances() override;
  Result<int64_t> DeadLetterCount() override;
  ApiState& api() override { return *api_; }
  ActionJobs& actions() override { return *actions_; }

  // --- for FileApplication ---
  Database& db() { return *db_; }
  // Cleared by the FileApplication when it ends (commit, failure or destruction).
  void EndFileApplication() { file_open_ = false; }

  // Appends one change to the outbox and returns its seq. Needs an open transaction.
  Result<int64_t> AppendChange(const Change& change, std::optional<int64_t> file_id);
  // The same for an upsert whose text the caller holds: written without a copy.
  Result<int64_t> AppendUpsert(std::string_view entity, std::string_view key, int64_t version,
                               std::string_view hash, std::string_view data, int64_t file_id,
                               std::string_view created_at);

 private:
  // kConflict while a FileApplication holds this connection's transaction.
  Status CheckNoFileOpen() const;
  Status DecideQuarantine(int64_t id, std::string_view decision, FileState file_state);
  Result<std::vector<OpenBalance>> ScanOpenBalances();
  Result<int64_t> InsertChange(std::string_view op, std::string_view entity, std::string_view key, int64_t version,
                               std::string_view hash, std::string_view reason, std::optional<int64_t> file_id,
                               std::string_view created_at, std::string_view data);
  // kConflict naming the newer file when a later ledger row of the quarantined file's feed
  // (`file_id`) was applied: its release would apply stale data.
  Status CheckNotStale(int64_t quarantine_id, int64_t file_id);
  // The outbox row `seq`, or kNotFound.
  Result<Change> ChangeAt(int64_t seq);
  struct Refusal {
    int64_t seq = 0;
    std::string code;
    std::string message;
  };
  // In one transaction: dead letters for every change of `batch` when `refuse_all` is
  // set, else for each refusal whose seq is in `batch`; the cursor moved to
  // batch.last_seq and the pending batch cleared. kConflict when `batch` is not the
  // pending one.
  Status CloseBatch(const PushBatch& batch, const std::vector<Refusal>& refusals,
                    const Refusal* refuse_all);
  Status InsertDeadLetter(const std::string& batch_id, const Change& change,
                          const std::string& code, const std::string& message);

  std::unique_ptr<Database> db_;
  // OpenBalances as of an outbox seq: recomputed only when the outbox moved.
  std::optional<std::pair<int64_t, std::vector<OpenBalance>>> balances_;
  bool file_open_ = false;
  std::unique_ptr<ApiState> api_;  // sqlite_api_state.cc
  std::unique_ptr<ActionJobs> actions_;  // sqlite_action_jobs.cc
};

}  // namespace tributary::store
