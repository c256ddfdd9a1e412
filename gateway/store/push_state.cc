// SqliteStore: the push cursor, the pending batch and dead letters.
#include <algorithm>
#include <cstdint>
#include <string>

#include "gateway/model/canonical.h"
#include "gateway/store/sqlite_store.h"

namespace tributary::store {
namespace {

DeadLetter ReadDeadLetter(const Statement& row) {
  DeadLetter letter;
  letter.id = row.Int(0);
  letter.batch_id = row.Text(1);
  letter.seq = row.Int(2);
  letter.entity = row.Text(3);
  letter.key = row.Text(4);
  letter.code = row.Text(5);
  letter.message = row.Text(6);
  letter.change_json = row.Text(7);
  letter.created_at = row.Text(8);
  letter.replayed_at = row.OptionalText(9);
  return letter;
}

#define TRIBUTARY_DEAD_LETTER_SELECT                                                     \
  "SELECT id, batch_id, seq, entity, key, code, message, change_json, created_at, "      \
  "replayed_at FROM dead_letters "

// The pending batch as stored, read inside the caller's transaction (or snapshot).
Result<std::optional<PushBatch>> ReadPendingBatch(Database& db) {
  auto stmt = db.Prepare(
      "SELECT batch_id, batch_first_seq, batch_last_seq FROM push_state WHERE id = 1");
  if (!stmt) return std::unexpected(stmt.error());
  if (auto row = stmt->StepRow("push state"); !row) return std::unexpected(row.error());
  if (stmt->IsNull(0)) return std::optional<PushBatch>{};
  return std::optional<PushBatch>{PushBatch{stmt->Text(0), stmt->Int(1), stmt->Int(2)}};
}

bool SameBatch(const PushBatch& a, const PushBatch& b) {
  return a.batch_id == b.batch_id && a.first_seq == b.first_seq && a.last_seq == b.last_seq;
}

std::string Describe(const PushBatch& batch) {
  return "batch " + batch.batch_id + " (seq " + std::to_string(batch.first_seq) + ".." +
         std::to_string(batch.last_seq) + ")";
}

}  // namespace

Result<int64_t> SqliteStore::DeliveredThrough() {
  return db_->QueryInt("SELECT delivered_seq FROM push_state WHERE id = 1");
}

Result<std::optional<PushBatch>> SqliteStore::PendingBatch() { return ReadPendingBatch(*db_); }

Status SqliteStore::SavePendingBatch(const PushBatch& batch) {
  if (auto status = CheckNoFileOpen(); !status) return status;
  if (batch.batch_id.empty() || batch.first_seq <= 0 || batch.last_seq < batch.first_seq) {
    return Fail(ErrorCode::kInvalidArgument, "malformed " + Describe(batch));
  }
  auto txn = Transaction::Begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  auto pending = ReadPendingBatch(*db_);
  if (!pending) return std::unexpected(pending.error());
  if (*pending) {
    // Saving the same batch again (a retry of the save itself) changes nothing.
    if (SameBatch(**pending, batch)) return Ok();
    return Fail(ErrorCode::kConflict,
                Describe(**pending) + " is pending; acknowledge or park it first");
  }
  auto delivered = db_->QueryInt("SELECT delivered_seq FROM push_state WHERE id = 1");
  if (!delivered) return std::unexpected(delivered.error());
  auto last = db_->QueryInt("SELECT COALESCE(MAX(seq), 0) FROM outbox");
  if (!last) return std::unexpected(last.error());
  if (batch.first_seq <= *delivered || batch.last_seq > *last) {
    return Fail(ErrorCode::kInvalidArgument,
                Describe(batch) + " is outside the undelivered outbox (delivered through " +
                    std::to_string(*delivered) + ", last seq " + std::to_string(*last) + ")");
  }
  auto stmt = db_->Prepare(
      "UPDATE push_state SET batch_id = ?, batch_first_seq = ?, batch_last_seq = ?, "
      "updated_at = ? WHERE id = 1");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(batch.batch_id, batch.first_seq, batch.last_seq, UtcNowRfc3339());
  if (auto status = stmt->Run(); !status) return status;
  return txn->Commit();
}

Status SqliteStore::AcknowledgeBatch(const PushBatch& batch,
                                     const std::vector<ChangeResult>& results) {
  std::vector<Refusal> refusals;
  for (const ChangeResult& result : results) {
    if (result.status != "rejected") continue;
    refusals.push_back({result.seq, result.code.empty() ? "rejected" : result.code,
                        result.message});
  }
  return CloseBatch(batch, refusals, nullptr);
}

Status SqliteStore::ParkBatch(const PushBatch& batch, const std::string& code,
                              const std::string& message) {
  const Refusal all{0, code, message};
  return CloseBatch(batch, {}, &all);
}

Status SqliteStore::InsertDeadLetter(const std::string& batch_id, const Change& change,
                                     const std::string& code, const std::string& message) {
  auto stmt = db_->Prepare(
      "INSERT INTO dead_letters (batch_id, seq, entity, key, code, message, created_at, "
      "change_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(batch_id, change.seq, change.entity, change.key, code, message, UtcNowRfc3339(),
             ChangeToJson(change));
  return stmt->Run();
}

Status SqliteStore::CloseBatch(const PushBatch& batch, const std::vector<Refusal>& refusals,
                               const Refusal* refuse_all) {
  if (auto status = CheckNoFileOpen(); !status) return status;
  auto txn = Transaction::Begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  auto pending = ReadPendingBatch(*db_);
  if (!pending) return std::unexpected(pending.error());
  if (!*pending || !SameBatch(**pending, batch)) {
    return Fail(ErrorCode::kConflict, Describe(batch) + " is not the pending batch");
  }
  if (refuse_all != nullptr) {
    const int64_t count = batch.last_seq - batch.first_seq + 1;
    auto changes = ChangesAfter(batch.first_seq - 1,
                                static_cast<int>(std::min<int64_t>(count, INT32_MAX)));
    if (!changes) return std::unexpected(changes.error());
    for (const Change& change : *changes) {
      if (auto status =
              InsertDeadLetter(batch.batch_id, change, refuse_all->code, refuse_all->message);
          !status) {
        return status;
      }
    }
  }
  for (const Refusal& refusal : refusals) {
    // A result for a seq outside the batch is not ours to record.
    if (refusal.seq < batch.first_seq || refusal.seq > batch.last_seq) continue;
    auto change = ChangeAt(refusal.seq);
    if (!change) return std::unexpected(change.error());
    if (auto status = InsertDeadLetter(batch.batch_id, *change, refusal.code, refusal.message);
        !status) {
      return status;
    }
  }
  auto cursor = db_->Prepare(
      "UPDATE push_state SET delivered_seq = MAX(delivered_seq, ?), batch_id = NULL, "
      "batch_first_seq = NULL, batch_last_seq = NULL, updated_at = ? WHERE id = 1");
  if (!cursor) return std::unexpected(cursor.error());
  if (auto status = cursor->Bind(batch.last_seq, UtcNowRfc3339()).Run(); !status) return status;
  return txn->Commit();
}

Result<std::vector<DeadLetter>> SqliteStore::ListDeadLetters(bool pending_only, int64_t after_id,
                                                             int limit) {
  if (limit <= 0) return Fail(ErrorCode::kInvalidArgument, "limit must be positive");
  auto stmt = pending_only ? db_->Prepare(TRIBUTARY_DEAD_LETTER_SELECT
                                          "WHERE id > ? AND replayed_at IS NULL "
                                          "ORDER BY id LIMIT ?")
                           : db_->Prepare(TRIBUTARY_DEAD_LETTER_SELECT
                                          "WHERE id > ? ORDER BY id LIMIT ?");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(after_id, limit);
  std::vector<DeadLetter> letters;
  while (true) {
    auto row = stmt->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return letters;
    letters.push_back(ReadDeadLetter(*stmt));
  }
}

Result<int64_t> SqliteStore::ReplayDeadLetter(int64_t id) {
  if (auto status = CheckNoFileOpen(); !status) return std::unexpected(status.error());
  auto txn = Transaction::Begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  std::string key;
  {
    auto letter = db_->Prepare("SELECT key, replayed_at, replay_seq FROM dead_letters WHERE id = ?");
    if (!letter) return std::unexpected(letter.error());
    letter->Bind(id);
    if (auto row = letter->StepRow("dead letter " + std::to_string(id)); !row) {
      return std::unexpected(row.error());
    }
    if (!letter->IsNull(1)) {
      return Fail(ErrorCode::kConflict, "dead letter " + std::to_string(id) +
                                            " was already replayed at " + letter->Text(1) +
                                            " as seq " + std::to_string(letter->Int(2)));
    }
    key = letter->Text(0);
  }
  // The entity as it is now, not as it was refused: the core must end up current.
  auto current = GetEntity(key);
  if (!current) return std::unexpected(current.error());
  Change change{.entity = current->entity, .key = key, .version = current->version};
  if (current->lifecycle == model::kLifecycleClosedByAbsence) {
    change.op = "close";
    change.reason = std::string(kCloseReasonAbsentFromSnapshot);
  } else if (current->lifecycle == model::kLifecycleDeleted) {
    change.op = "close";
    change.reason = std::string(kCloseReasonDeletedInSource);
  } else {
    change.op = "upsert";
    change.hash = std::move(current->hash);
    change.data = std::move(current->data);
  }
  change.created_at = UtcNowRfc3339();
  auto seq = AppendChange(change, std::nullopt);
  if (!seq) return std::unexpected(seq.error());
  auto mark = db_->Prepare("UPDATE dead_letters SET replayed_at = ?, replay_seq = ? WHERE id = ?");
  if (!mark) return std::unexpected(mark.error());
  if (auto status = mark->Bind(change.created_at, *seq, id).Run(); !status) {
    return std::unexpected(status.error());
  }
  if (auto status = txn->Commit(); !status) return std::unexpected(status.error());
  return *seq;
}

#undef TRIBUTARY_DEAD_LETTER_SELECT

}  // namespace tributary::store
