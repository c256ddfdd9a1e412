#include "gateway/store/sqlite_store.h"

#include "gateway/store/file_application.h"

namespace tributary::store {
namespace {

// Columns of FileEntry, in ReadFileEntry's order.
#define TRIBUTARY_FILE_COLUMNS \
  "id, connector, name, sha256, size, state, rows, rejects, changes, last_seq, error, updated_at, " \
  "closes_withheld, note, moved_to, created_at"

FileEntry ReadFileEntry(const Statement& row) {
  FileEntry entry;
  entry.id = row.Int(0);
  entry.identity.connector = row.Text(1);
  entry.identity.name = row.Text(2);
  entry.identity.sha256 = row.Text(3);
  entry.identity.size = row.Int(4);
  // The CHECK constraint of files.state admits only known names.
  entry.state = ParseFileState(row.Text(5)).value_or(FileState::kFailed);
  entry.rows = row.Int(6);
  entry.rejects = row.Int(7);
  entry.changes = row.Int(8);
  entry.last_seq = row.Int(9);
  entry.error = row.Text(10);
  entry.updated_at = row.Text(11);
  entry.closes_withheld = row.Int(12);
  entry.note = row.Text(13);
  entry.moved_to = row.Text(14);
  entry.created_at = row.Text(15);
  return entry;
}

#define TRIBUTARY_CHANGE_COLUMNS "seq, op, entity, key, version, hash, reason, created_at, data"

Change ReadChange(const Statement& row) {
  Change change;
  change.seq = row.Int(0);
  change.op = row.Text(1);
  change.entity = row.Text(2);
  change.key = row.Text(3);
  change.version = row.Int(4);
  change.hash = row.Text(5);
  change.reason = row.Text(6);
  change.created_at = row.Text(7);
  change.data = row.Text(8);
  return change;
}

#define TRIBUTARY_QUARANTINE_SELECT                                                        \
  "SELECT q.id, f.connector, q.feed, f.name, f.sha256, f.size, q.reason, q.diff_json, "    \
  "q.state, q.created_at FROM quarantine q JOIN files f ON f.id = q.file_id "

Quarantine ReadQuarantine(const Statement& row) {
  Quarantine quarantine;
  quarantine.id = row.Int(0);
  quarantine.connector = row.Text(1);
  quarantine.feed = row.Text(2);
  quarantine.file.connector = quarantine.connector;
  quarantine.file.name = row.Text(3);
  quarantine.file.sha256 = row.Text(4);
  quarantine.file.size = row.Int(5);
  quarantine.reason = row.Text(6);
  quarantine.diff_json = row.Text(7);
  quarantine.state = row.Text(8);
  quarantine.created_at = row.Text(9);
  return quarantine;
}

#define TRIBUTARY_REJECT_SELECT                                                              \
  "SELECT id, connector, file_sha256, file_name, line, col, field, reason, raw, created_at " \
  "FROM rejects "

Reject ReadReject(const Statement& row) {
  Reject reject;
  reject.id = row.Int(0);
  reject.connector = row.Text(1);
  reject.file_sha256 = row.Text(2);
  reject.reject.file = row.Text(3);
  reject.reject.line = row.Int(4);
  reject.reject.column = static_cast<int>(row.Int(5));
  reject.reject.field = row.Text(6);
  reject.reject.reason = row.Text(7);
  reject.reject.raw = row.Text(8);
  reject.created_at = row.Text(9);
  return reject;
}

Status CheckLimit(int limit) {
  if (limit <= 0) return Fail(ErrorCode::kInvalidArgument, "limit must be positive");
  return Ok();
}

// Runs `stmt` to the end, reading each row with `read`.
template <typename T, typename Read>
Result<std::vector<T>> CollectRows(Statement& stmt, Read read) {
  std::vector<T> rows;
  while (true) {
    auto row = stmt.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return rows;
    rows.push_back(read(stmt));
  }
}

}  // namespace

Status SqliteStore::CheckNoFileOpen() const {
  if (file_open_) {
    return Fail(ErrorCode::kConflict, "a file is being applied on this store connection");
  }
  return Ok();
}

// --- file ledger -----------------------------------------------------------------------------

Result<std::optional<FileEntry>> SqliteStore::FindFile(const std::string& connector,
                                                       const std::string& sha256) {
  auto stmt = db_->Prepare("SELECT " TRIBUTARY_FILE_COLUMNS
                           " FROM files WHERE connector = ? AND sha256 = ? "
                           "ORDER BY id DESC LIMIT 1");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(connector, sha256);
  auto row = stmt->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<FileEntry>{};
  return std::optional<FileEntry>{ReadFileEntry(*stmt)};
}

Result<std::vector<FileEntry>> SqliteStore::FilesInState(const std::string& connector,
                                                         FileState state) {
  auto stmt = db_->Prepare("SELECT " TRIBUTARY_FILE_COLUMNS
                           " FROM files WHERE connector = ? AND state = ? ORDER BY id");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(connector, FileStateName(state));
  return CollectRows<FileEntry>(*stmt, ReadFileEntry);
}

Status SqliteStore::SetFileMovedTo(const std::string& connector, const std::string& sha256, const std::string& path) {
  auto stmt = db_->Prepare(
      "UPDATE files SET moved_to = ?, updated_at = ? WHERE id = "
      "(SELECT id FROM files WHERE connector = ? AND sha256 = ? ORDER BY id DESC LIMIT 1)");
  if (!stmt) return std::unexpected(stmt.error());
  return stmt->Bind(path, UtcNowRfc3339(), connector, sha256).Run();
}

Result<std::vector<FileEntry>> SqliteStore::ListFiles(const FileQuery& query) {
  // Every filter is bound; an empty one matches everything.
  auto stmt = db_->Prepare("SELECT " TRIBUTARY_FILE_COLUMNS
                           " FROM files WHERE (?1 = '' OR connector = ?1) AND (?2 = '' OR state = ?2) "
                           "AND (?3 = '' OR created_at >= ?3) AND (?4 = 0 OR id < ?4) ORDER BY id DESC LIMIT ?5");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(query.connector, query.state ? std::string(FileStateName(*query.state)) : std::string(), query.after,
             query.before_id, static_cast<int64_t>(query.limit));
  return CollectRows<FileEntry>(*stmt, ReadFileEntry);
}

Status SqliteStore::SetFileState(int64_t file_id, FileState state, const std::string& error) {
  if (auto status = CheckNoFileOpen(); !status) return status;
  auto stmt = db_->Prepare("UPDATE files SET state = ?, error = ?, updated_at = ? WHERE id = ?");
  if (!stmt) return std::unexpected(stmt.error());
  if (auto status = stmt->Bind(FileStateName(state), error, UtcNowRfc3339(), file_id).Run();
      !status) {
    return status;
  }
  if (db_->Changes() == 0) {
    return Fail(ErrorCode::kNotFound, "file " + std::to_string(file_id) + " not found");
  }
  return Ok();
}

Result<int64_t> SqliteStore::RecordFailedFile(const FileIdentity& file, const std::string& error) {
  if (auto status = CheckNoFileOpen(); !status) return std::unexpected(status.error());
  auto stmt = db_->Prepare(
      "INSERT INTO files (connector, name, sha256, size, state, error, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, 'failed', ?, ?, ?)");
  if (!stmt) return std::unexpected(stmt.error());
  const std::string now = UtcNowRfc3339();
  if (auto status =
          stmt->Bind(file.connector, file.name, file.sha256, file.size, error, now, now).Run();
      !status) {
    return std::unexpected(status.error());
  }
  return db_->LastInsertRowId();
}

Result<std::unique_ptr<FileApplication>> SqliteStore::BeginFile(const FileIdentity& file,
                                                                const ApplyOptions& options) {
  if (auto status = CheckNoFileOpen(); !status) return std::unexpected(status.error());
  auto application = BeginFileApplication(*this, file, options);
  if (application) file_open_ = true;
  return application;
}

Result<EntityVersion> SqliteStore::GetEntity(const std::string& key) {
  auto stmt = db_->Prepare("SELECT key, entity, feed, version, hash, lifecycle, " + std::string(kEntityDataSql) +
                           ", open_amount_minor, currency, last_file_id, last_line, mapping, updated_at "
                           "FROM entities WHERE key = ?");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(key);
  if (auto row = stmt->StepRow("entity " + key); !row) return std::unexpected(row.error());
  return EntityVersion{.key = stmt->Text(0),
                       .entity = stmt->Text(1),
                       .feed = stmt->Text(2),
                       .version = stmt->Int(3),
                       .hash = stmt->Text(4),
                       .lifecycle = stmt->Text(5),
                       .data = stmt->Text(6),
                       .open_amount_minor = stmt->OptionalInt(7),
                       .currency = stmt->Text(8),
                       .file_id = stmt->Int(9),
                       .line = stmt->Int(10),
                       .mapping = stmt->Text(11),
                       .updated_at = stmt->Text(12)};
}

// --- outbox ----------------------------------------------------------------------------------

Result<int64_t> SqliteStore::AppendChange(const Change& change, std::optional<int64_t> file_id) {
  return InsertChange(change.op, change.entity, change.key, change.version, change.hash, change.reason, file_id,
                      change.created_at.empty() ? UtcNowRfc3339() : change.created_at, change.data);
}

Result<int64_t> SqliteStore::AppendUpsert(std::string_view entity, std::string_view key, int64_t version,
                                          std::string_view hash, std::string_view data, int64_t file_id,
                                          std::string_view created_at) {
  return InsertChange("upsert", entity, key, version, hash, "", file_id, created_at, data);
}

Result<int64_t> SqliteStore::InsertChange(std::string_view op, std::string_view entity, std::string_view key,
                                          int64_t version, std::string_view hash, std::string_view reason,
                                          std::optional<int64_t> file_id, std::string_view created_at,
                                          std::string_view data) {
  auto stmt = db_->Prepare(
      "INSERT INTO outbox (op, entity, key, version, hash, reason, file_id, created_at, data) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(op, entity, key, version, hash, reason, file_id, created_at, data);
  if (auto status = stmt->Run(); !status) return std::unexpected(status.error());
  return db_->LastInsertRowId();
}

Result<std::vector<Change>> SqliteStore::ChangesAfter(int64_t after_seq, int limit) {
  if (auto status = CheckLimit(limit); !status) return std::unexpected(status.error());
  auto stmt = db_->Prepare("SELECT " TRIBUTARY_CHANGE_COLUMNS
                           " FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(after_seq, limit);
  return CollectRows<Change>(*stmt, ReadChange);
}

Result<Change> SqliteStore::ChangeAt(int64_t seq) {
  auto stmt = db_->Prepare("SELECT " TRIBUTARY_CHANGE_COLUMNS " FROM outbox WHERE seq = ?");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(seq);
  if (auto row = stmt->StepRow("change " + std::to_string(seq)); !row) {
    return std::unexpected(row.error());
  }
  return ReadChange(*stmt);
}

Result<int64_t> SqliteStore::LastSeq() {
  return db_->QueryInt("SELECT COALESCE(MAX(seq), 0) FROM outbox");
}

// --- rejects ---------------------------------------------------------------------------------

Result<std::vector<Reject>> SqliteStore::ListRejects(const std::string& connector,
                                                     int64_t after_id, int limit) {
  if (auto status = CheckLimit(limit); !status) return std::unexpected(status.error());
  auto stmt = connector.empty()
                  ? db_->Prepare(TRIBUTARY_REJECT_SELECT "WHERE id > ? ORDER BY id LIMIT ?")
                  : db_->Prepare(TRIBUTARY_REJECT_SELECT
                                 "WHERE connector = ? AND id > ? ORDER BY id LIMIT ?");
  if (!stmt) return std::unexpected(stmt.error());
  if (!connector.empty()) stmt->Bind(connector);
  stmt->Bind(after_id, limit);
  return CollectRows<Reject>(*stmt, ReadReject);
}

Result<std::vector<Reject>> SqliteStore::LatestRejects(int limit) {
  if (auto status = CheckLimit(limit); !status) return std::unexpected(status.error());
  auto stmt = db_->Prepare(TRIBUTARY_REJECT_SELECT "ORDER BY id DESC LIMIT ?");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(static_cast<int64_t>(limit));
  return CollectRows<Reject>(*stmt, ReadReject);
}

// --- quarantine ------------------------------------------------------------------------------

Result<std::vector<Quarantine>> SqliteStore::ListQuarantine(bool pending_only) {
  auto stmt = pending_only
                  ? db_->Prepare(TRIBUTARY_QUARANTINE_SELECT
                                 "WHERE q.state = 'pending' ORDER BY q.id")
                  : db_->Prepare(TRIBUTARY_QUARANTINE_SELECT "ORDER BY q.id");
  if (!stmt) return std::unexpected(stmt.error());
  return CollectRows<Quarantine>(*stmt, ReadQuarantine);
}

Result<Quarantine> SqliteStore::GetQuarantine(int64_t id) {
  auto stmt = db_->Prepare(TRIBUTARY_QUARANTINE_SELECT "WHERE q.id = ?");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(id);
  if (auto row = stmt->StepRow("quarantine " + std::to_string(id)); !row) {
    return std::unexpected(row.error());
  }
  return ReadQuarantine(*stmt);
}

Status SqliteStore::ReleaseQuarantine(int64_t id) {
  return DecideQuarantine(id, "released", FileState::kReleased);
}

Status SqliteStore::DiscardQuarantine(int64_t id) {
  return DecideQuarantine(id, "discarded", FileState::kDiscarded);
}

Status SqliteStore::DecideQuarantine(int64_t id, std::string_view decision,
                                     FileState file_state) {
  if (auto status = CheckNoFileOpen(); !status) return status;
  auto txn = Transaction::Begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  int64_t file_id = 0;
  {
    auto stmt = db_->Prepare("SELECT state, file_id FROM quarantine WHERE id = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(id);
    if (auto row = stmt->StepRow("quarantine " + std::to_string(id)); !row) return row;
    if (const std::string state = stmt->Text(0); state != "pending") {
      return Fail(ErrorCode::kConflict,
                  "quarantine " + std::to_string(id) + " is already " + state);
    }
    file_id = stmt->Int(1);
  }
  if (file_state == FileState::kReleased) {
    if (auto status = CheckNotStale(id, file_id); !status) return status;
  }
  const std::string now = UtcNowRfc3339();
  auto quarantine =
      db_->Prepare("UPDATE quarantine SET state = ?, decided_at = ? WHERE id = ?");
  if (!quarantine) return std::unexpected(quarantine.error());
  if (auto status = quarantine->Bind(decision, now, id).Run(); !status) return status;
  auto file = db_->Prepare("UPDATE files SET state = ?, updated_at = ? WHERE id = ?");
  if (!file) return std::unexpected(file.error());
  if (auto status = file->Bind(FileStateName(file_state), now, file_id).Run(); !status) {
    return status;
  }
  return txn->Commit();
}

Status SqliteStore::CheckNotStale(int64_t quarantine_id, int64_t file_id) {
  // Ledger ids grow in the order files are met: a later row of the same feed that was
  // applied holds newer data than the quarantined file.
  auto stmt = db_->Prepare(
      "SELECT newer.id, newer.name, newer.feed FROM files quarantined JOIN files newer "
      "ON newer.connector = quarantined.connector AND newer.feed = quarantined.feed "
      "AND newer.id > quarantined.id AND newer.state IN ('applied', 'archived') "
      "WHERE quarantined.id = ? ORDER BY newer.id DESC LIMIT 1");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(file_id);
  auto row = stmt->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return Ok();
  return Fail(ErrorCode::kConflict,
              "quarantine " + std::to_string(quarantine_id) + " cannot be released: a newer snapshot of feed " +
                  stmt->Text(2) + ", " + stmt->Text(1) + " (file " + std::to_string(stmt->Int(0)) +
                  "), was applied since; releasing would apply stale data over it. Discard it instead");
}

// --- metrics ---------------------------------------------------------------------------------

Result<std::vector<Store::OpenBalance>> SqliteStore::OpenBalances() {
  // Every change of an entity appends to the outbox: the balances of the same last seq are
  // the same, and a scrape between two files costs one read.
  auto last_seq = LastSeq();
  if (!last_seq) return std::unexpected(last_seq.error());
  if (balances_ && balances_->first == *last_seq) return balances_->second;
  auto balances = ScanOpenBalances();
  if (!balances) return std::unexpected(balances.error());
  // Not while a file is being applied on this connection: its seqs may be rolled back
  // and given again to other changes.
  if (!file_open_) balances_.emplace(*last_seq, *balances);
  return balances;
}

Result<std::vector<Store::OpenBalance>> SqliteStore::ScanOpenBalances() {
  // Amounts are magnitudes; credit notes and payments on account lower the balance. A scan
  // of the entities (migration 5 dropped the partial index that covered it).
  // SQLite sums in int64 and fails on overflow, so each amount is summed in two halves
  // (quotient and remainder by 10^9) that cannot overflow for any count of rows SQLite can
  // hold, and the halves are joined in 128 bits.
  auto stmt = db_->Prepare(
      "SELECT currency, le, SUM(signed / 1000000000), SUM(signed % 1000000000), SUM(open_amount_minor <> 0) "
      "FROM (SELECT currency, coalesce(legal_entity, '') AS le, open_amount_minor, "
      "CASE WHEN kind IN ('credit_note', 'payment_on_account') "
      "THEN -open_amount_minor ELSE open_amount_minor END AS signed "
      "FROM entities WHERE entity = 'receivable' AND lifecycle = 'active') "
      "GROUP BY currency, le ORDER BY currency, le");
  if (!stmt) return std::unexpected(stmt.error());
  return CollectRows<OpenBalance>(*stmt, [](const Statement& row) {
    const model::MinorUnitsSum high = row.Int(2);
    return OpenBalance{row.Text(0), row.Text(1), high * 1'000'000'000 + row.Int(3), row.Int(4)};
  });
}

Result<int64_t> SqliteStore::DeadLetterCount() {
  return db_->QueryInt("SELECT COUNT(*) FROM dead_letters WHERE replayed_at IS NULL");
}

#undef TRIBUTARY_FILE_COLUMNS
#undef TRIBUTARY_CHANGE_COLUMNS
#undef TRIBUTARY_QUARANTINE_SELECT
#undef TRIBUTARY_REJECT_SELECT

}  // namespace tributary::store
