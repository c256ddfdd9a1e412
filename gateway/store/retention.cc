// SqliteStore::ApplyRetention: compaction of the outbox, deletion of old rejects and of
// finished ledger rows nothing refers to, in small transactions (retention.h).
#include "gateway/store/retention.h"

#include <algorithm>
#include <optional>
#include <string>

#include "gateway/common/time_format.h"
#include "gateway/store/sqlite_store.h"

namespace tributary::store {
namespace {

// Timestamps are stored as UtcNowRfc3339() writes them (fixed width, UTC, milliseconds), so
// a text comparison is a time comparison.
std::string Cutoff(std::chrono::system_clock::time_point now, std::chrono::seconds max_age) {
  return FormatRfc3339(now - max_age, true);
}

// The conditions (b) to (e) of retention.h for the outbox row `o` joined to its entity `e`;
// (a) is the caller's seq range and `o.created_at < ?`.
#define TRIBUTARY_COMPACTABLE                                                        \
  "FROM outbox o JOIN entities e ON e.key = o.key "                                  \
  "WHERE o.seq > ? AND o.seq <= ? AND o.created_at < ? "                             \
  /* A later change of the key exists: versions of a key only grow with seq, and  */ \
  /* the entity's current version always has its row, which is never removed.     */ \
  "AND o.version < e.version "                                                       \
  "AND (e.data_seq IS NULL OR e.data_seq <> o.seq) "                                 \
  "AND o.seq NOT IN (SELECT seq FROM dead_letters WHERE replayed_at IS NULL)"

// Up to batch_rows rows of the window (from, to]: its last seq, or 0 when it is empty.
Result<int64_t> WindowEnd(Database& db, int64_t from, int64_t to, int64_t rows) {
  auto stmt = db.Prepare(
      "SELECT COALESCE(MAX(seq), 0) FROM "
      "(SELECT seq FROM outbox WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?)");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(from, to, rows);
  if (auto row = stmt->StepRow("outbox window"); !row) return std::unexpected(row.error());
  return stmt->Int(0);
}

// The first seq of (from, to] not older than `cutoff`, if any.
Result<std::optional<int64_t>> FirstYoung(Database& db, int64_t from, int64_t to, const std::string& cutoff) {
  auto stmt = db.Prepare("SELECT MIN(seq) FROM outbox WHERE seq > ? AND seq <= ? AND created_at >= ?");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(from, to, cutoff);
  if (auto row = stmt->StepRow("outbox age"); !row) return std::unexpected(row.error());
  return stmt->OptionalInt(0);
}

Result<int64_t> CountCompactable(Database& db, int64_t from, int64_t to, const std::string& cutoff) {
  auto stmt = db.Prepare("SELECT COUNT(*) " TRIBUTARY_COMPACTABLE);
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(from, to, cutoff);
  if (auto row = stmt->StepRow("compactable changes"); !row) return std::unexpected(row.error());
  return stmt->Int(0);
}

// Deletes the compactable rows of (from, to] in one transaction; the conditions are read
// again under the write lock, so what changed since the count is respected.
Result<int64_t> DeleteCompactable(Database& db, int64_t from, int64_t to, const std::string& cutoff) {
  auto txn = Transaction::Begin(db);
  if (!txn) return std::unexpected(txn.error());
  int64_t removed = 0;
  {
    auto stmt = db.Prepare("DELETE FROM outbox WHERE seq IN (SELECT o.seq " TRIBUTARY_COMPACTABLE ")");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(from, to, cutoff);
    if (auto status = stmt->Run(); !status) return std::unexpected(status.error());
    removed = db.Changes();
  }
  if (auto status = txn->Commit(); !status) return std::unexpected(status.error());
  return removed;
}

struct Deleted {
  int64_t rows = 0;
  bool last = false;  // nothing older is left
};

// One transaction: the oldest rejects (by id, the order they were written) up to `batch`,
// ending at the first one not older than `cutoff`.
Result<Deleted> DeleteOldRejects(Database& db, const std::string& cutoff, int64_t batch) {
  auto txn = Transaction::Begin(db);
  if (!txn) return std::unexpected(txn.error());
  int64_t to = 0;
  {
    auto end = db.Prepare("SELECT COALESCE(MAX(id), 0) FROM (SELECT id FROM rejects ORDER BY id LIMIT ?)");
    if (!end) return std::unexpected(end.error());
    end->Bind(batch);
    if (auto row = end->StepRow("rejects window"); !row) return std::unexpected(row.error());
    to = end->Int(0);
  }
  std::optional<int64_t> first_young;
  {
    auto young = db.Prepare("SELECT MIN(id) FROM rejects WHERE id <= ? AND created_at >= ?");
    if (!young) return std::unexpected(young.error());
    young->Bind(to, cutoff);
    if (auto row = young->StepRow("rejects age"); !row) return std::unexpected(row.error());
    first_young = young->OptionalInt(0);
  }
  if (first_young) to = *first_young - 1;
  Deleted deleted;
  {
    auto remove = db.Prepare("DELETE FROM rejects WHERE id <= ? AND created_at < ?");
    if (!remove) return std::unexpected(remove.error());
    if (auto status = remove->Bind(to, cutoff).Run(); !status) return std::unexpected(status.error());
    deleted.rows = db.Changes();
  }
  if (auto status = txn->Commit(); !status) return std::unexpected(status.error());
  deleted.last = first_young.has_value() || deleted.rows < batch;
  return deleted;
}

// One transaction: up to `batch` ledger rows finished (archived, discarded, failed) before
// `cutoff` that no entity, change, reject or quarantine refers to.
Result<int64_t> DeleteFinishedFiles(Database& db, const std::string& cutoff, int64_t batch) {
  auto txn = Transaction::Begin(db);
  if (!txn) return std::unexpected(txn.error());
  int64_t removed = 0;
  {
    // Every column that refers to a ledger row has an index (migration 6), so these checks,
    // and those of the foreign keys, are lookups rather than scans.
    auto remove = db.Prepare(
        "DELETE FROM files WHERE id IN (SELECT f.id FROM files f "
        "WHERE f.state IN ('archived', 'discarded', 'failed') AND f.updated_at < ? "
        "AND NOT EXISTS (SELECT 1 FROM entities WHERE last_file_id = f.id) "
        "AND NOT EXISTS (SELECT 1 FROM outbox WHERE file_id = f.id) "
        "AND NOT EXISTS (SELECT 1 FROM rejects WHERE file_id = f.id) "
        "AND NOT EXISTS (SELECT 1 FROM quarantine WHERE file_id = f.id) "
        "ORDER BY f.id LIMIT ?)");
    if (!remove) return std::unexpected(remove.error());
    if (auto status = remove->Bind(cutoff, batch).Run(); !status) return std::unexpected(status.error());
    removed = db.Changes();
  }
  if (auto status = txn->Commit(); !status) return std::unexpected(status.error());
  return removed;
}

}  // namespace

std::string DescribeRetention(const RetentionReport& report) {
  auto count = [](int64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  return "removed " + count(report.changes_removed, "change", "changes") + ", " +
         count(report.rejects_removed, "reject", "rejects") + ", " +
         count(report.files_removed, "ledger row", "ledger rows") +
         (report.complete ? "" : " (stopped before the end)");
}

Result<RetentionReport> SqliteStore::ApplyRetention(const RetentionPolicy& policy,
                                                    std::chrono::system_clock::time_point now,
                                                    std::stop_token stop) {
  if (auto status = CheckNoFileOpen(); !status) return std::unexpected(status.error());
  const int64_t batch = std::max<int64_t>(policy.batch_rows, 1);
  RetentionReport report;
  Database& db = *db_;

  if (policy.changes_max_age) {
    const std::string cutoff = Cutoff(now, *policy.changes_max_age);
    auto last = db.QueryInt("SELECT COALESCE(MAX(seq), 0) FROM outbox");
    if (!last) return std::unexpected(last.error());
    int64_t bound = *last - std::max<int64_t>(policy.changes_kept, 0);
    if (policy.require_delivered) {
      auto delivered = DeliveredThrough();
      if (!delivered) return std::unexpected(delivered.error());
      bound = std::min(bound, *delivered);
    }
    // Windows of at most `batch` rows in seq order: each is read without the write lock,
    // and only a window with something to remove takes it, for one short transaction.
    for (int64_t from = 0; from < bound;) {
      if (stop.stop_requested()) {
        report.complete = false;
        break;
      }
      auto end = WindowEnd(db, from, bound, batch);
      if (!end) return std::unexpected(end.error());
      if (*end == 0) break;
      // Rows are written in time order: past the first young one, nothing is old enough.
      // (A row that a clock step back made look older merely waits.)
      auto young = FirstYoung(db, from, *end, cutoff);
      if (!young) return std::unexpected(young.error());
      if (*young) bound = **young - 1;
      const int64_t to = std::min(*end, bound);
      auto found = CountCompactable(db, from, to, cutoff);
      if (!found) return std::unexpected(found.error());
      if (*found > 0) {
        auto removed = DeleteCompactable(db, from, to, cutoff);
        if (!removed) return std::unexpected(removed.error());
        report.changes_removed += *removed;
      }
      from = *end;
    }
  }

  if (policy.rejects_max_age && report.complete) {
    const std::string cutoff = Cutoff(now, *policy.rejects_max_age);
    while (true) {
      if (stop.stop_requested()) {
        report.complete = false;
        break;
      }
      auto removed = DeleteOldRejects(db, cutoff, batch);
      if (!removed) return std::unexpected(removed.error());
      report.rejects_removed += removed->rows;
      if (removed->last) break;
    }
  }

  if (policy.files_max_age && report.complete) {
    const std::string cutoff = Cutoff(now, *policy.files_max_age);
    while (true) {
      if (stop.stop_requested()) {
        report.complete = false;
        break;
      }
      auto removed = DeleteFinishedFiles(db, cutoff, batch);
      if (!removed) return std::unexpected(removed.error());
      report.files_removed += *removed;
      if (*removed < batch) break;
    }
  }

  // Freed pages are reused by later writes; the WAL that carried the deletes is emptied so
  // it does not stay at its largest size.
  if (report.changes_removed + report.rejects_removed + report.files_removed > 0) {
    if (auto status = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); !status) return std::unexpected(status.error());
  }
  return report;
}

#undef TRIBUTARY_COMPACTABLE

}  // namespace tributary::store
