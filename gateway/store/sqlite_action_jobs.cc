#include "gateway/store/sqlite_action_jobs.h"

#include <algorithm>
#include <array>
#include <climits>
#include <map>
#include <utility>

#include "gateway/model/canonical.h"
#include "gateway/model/money.h"
#include "gateway/store/sqlite_store.h"

namespace tributary::store {

namespace {

constexpr std::array<std::pair<JobStatus, std::string_view>, 6> kStatusNames = {{
    {JobStatus::kQueued, "queued"},
    {JobStatus::kRunning, "running"},
    {JobStatus::kWaitingProvider, "waiting_provider"},
    {JobStatus::kSucceeded, "succeeded"},
    {JobStatus::kFailed, "failed"},
    {JobStatus::kCancelled, "cancelled"},
}};

constexpr std::string_view kJobColumns =
    "id, number, kind, connector, idempotency_key, request_sha256, request, status, attempts, next_run_at_ms, "
    "waiting_for, error, result_key, from_cache, provider_ref, irreversible, created_at, updated_at, finished_at";

Job JobOfRow(const Statement& row) {
  Job job;
  job.id = row.Text(0);
  job.number = row.Int(1);
  job.kind = row.Text(2);
  job.connector = row.Text(3);
  job.idempotency_key = row.Text(4);
  job.request_sha256 = row.Text(5);
  job.request = row.Text(6);
  job.status = ParseJobStatus(row.Text(7)).value_or(JobStatus::kFailed);
  job.attempts = row.Int(8);
  job.next_run_at_ms = row.Int(9);
  job.waiting_for = row.Text(10);
  job.error = row.Text(11);
  job.result_key = row.Text(12);
  job.from_cache = row.Int(13) != 0;
  job.provider_ref = row.Text(14);
  job.irreversible = row.Int(15) != 0;
  job.created_at = row.Text(16);
  job.updated_at = row.Text(17);
  job.finished_at = row.Text(18);
  return job;
}

std::string RequestSha256(const std::string& kind, const std::string& connector, const std::string& request) {
  return model::Sha256Hex(kind + "\n" + connector + "\n" + request);
}

Result<std::optional<Job>> FindJob(Database& db, std::string_view where, const std::string& value) {
  auto stmt = db.Prepare("SELECT " + std::string(kJobColumns) + " FROM action_jobs WHERE " + std::string(where));
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(value);
  auto row = stmt->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<Job>{};
  return std::optional<Job>{JobOfRow(*stmt)};
}

// kConflict unless the job is still running under the claim `claimed` was given.
Status CheckClaim(Database& db, const Job& claimed) {
  auto current = FindJob(db, "id = ?", claimed.id);
  if (!current) return std::unexpected(current.error());
  if (!*current) return Fail(ErrorCode::kNotFound, "no job " + claimed.id);
  if ((*current)->status != JobStatus::kRunning || (*current)->attempts != claimed.attempts) {
    return Fail(ErrorCode::kConflict, "job " + claimed.id + " is " + std::string(JobStatusName((*current)->status)) +
                                          " now; the result of its run is dropped");
  }
  return Ok();
}

class SqliteJobCompletion final : public JobCompletion {
 public:
  SqliteJobCompletion(Database& db, std::unique_ptr<ApiBatch> batch, Job claimed)
      : db_(db), batch_(std::move(batch)), claimed_(std::move(claimed)) {}

  Status OnRecord(model::CanonicalRecord&& record) override { return batch_->OnRecord(std::move(record)); }
  Status OnReject(model::Reject&& reject) override { return batch_->OnReject(std::move(reject)); }
  Status SaveProof(const StoredProof& proof) override { return batch_->SaveProof(proof); }

  Status RememberLookup(const std::string& subject, const std::string& result_key) override {
    auto stmt = db_.Prepare(
        "INSERT INTO action_lookups (connector, subject, result_key, looked_up_ms) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (connector, subject) DO UPDATE SET result_key = excluded.result_key, "
        "looked_up_ms = excluded.looked_up_ms");
    if (!stmt) return std::unexpected(stmt.error());
    return stmt->Bind(claimed_.connector, subject, result_key, now_ms_).Run();
  }

  Status Commit(const std::string& result_key, bool from_cache, bool succeeded) override {
    const std::string now = UtcNowRfc3339();
    if (succeeded) {
      auto stmt = db_.Prepare(
          "UPDATE action_jobs SET status = 'succeeded', result_key = ?, from_cache = ?, waiting_for = '', "
          "error = '', updated_at = ?, finished_at = ? WHERE id = ?");
      if (!stmt) return std::unexpected(stmt.error());
      if (auto status = stmt->Bind(result_key, from_cache ? 1 : 0, now, now, claimed_.id).Run(); !status) return status;
    } else {
      auto stmt = db_.Prepare("UPDATE action_jobs SET result_key = ?, updated_at = ? WHERE id = ?");
      if (!stmt) return std::unexpected(stmt.error());
      if (auto status = stmt->Bind(result_key, now, claimed_.id).Run(); !status) return status;
    }
    auto committed = batch_->Commit();
    if (!committed) return std::unexpected(committed.error());
    return Ok();
  }

  void set_now_ms(int64_t now_ms) { now_ms_ = now_ms; }

 private:
  Database& db_;
  std::unique_ptr<ApiBatch> batch_;
  Job claimed_;
  int64_t now_ms_ = 0;
};

class SqliteActionJobs final : public ActionJobs {
 public:
  explicit SqliteActionJobs(SqliteStore& store) : store_(store) {}

  Result<std::pair<CreateOutcome, Job>> Create(const NewJob& job, int64_t now_ms) override {
    Database& db = store_.db();
    auto txn = Transaction::Begin(db);
    if (!txn) return std::unexpected(txn.error());
    const std::string sha = RequestSha256(job.kind, job.connector, job.request);
    auto existing = FindJob(db, "idempotency_key = ?", job.idempotency_key);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) {
      const CreateOutcome outcome =
          (*existing)->request_sha256 == sha ? CreateOutcome::kSameRequest : CreateOutcome::kOtherRequest;
      return std::pair{outcome, std::move(**existing)};
    }
    const std::string now = UtcNowRfc3339();
    auto insert = db.Prepare(
        "INSERT INTO action_jobs (id, kind, connector, idempotency_key, request_sha256, request, status, "
        "next_run_at_ms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)");
    if (!insert) return std::unexpected(insert.error());
    if (auto status =
            insert->Bind(job.id, job.kind, job.connector, job.idempotency_key, sha, job.request, now_ms, now, now).Run();
        !status) {
      return std::unexpected(status.error());
    }
    if (auto status = txn->Commit(); !status) return std::unexpected(status.error());
    auto created = Get(job.id);
    if (!created) return std::unexpected(created.error());
    return std::pair{CreateOutcome::kCreated, std::move(*created)};
  }

  Result<Job> Get(const std::string& id) override {
    auto job = FindJob(store_.db(), "id = ?", id);
    if (!job) return std::unexpected(job.error());
    if (!*job) return Fail(ErrorCode::kNotFound, "no job " + id);
    return std::move(**job);
  }

  Result<std::vector<Job>> List(std::optional<JobStatus> status, int64_t after, int limit) override {
    std::string sql = "SELECT " + std::string(kJobColumns) + " FROM action_jobs WHERE number > ?";
    if (status) sql += " AND status = ?";
    sql += " ORDER BY number LIMIT ?";
    auto stmt = store_.db().Prepare(sql);
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(after);
    if (status) stmt->Bind(JobStatusName(*status));
    stmt->Bind(static_cast<int64_t>(limit));
    std::vector<Job> jobs;
    while (true) {
      auto row = stmt->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return jobs;
      jobs.push_back(JobOfRow(*stmt));
    }
  }

  Result<std::vector<Job>> Latest(int limit) override {
    auto stmt = store_.db().Prepare("SELECT " + std::string(kJobColumns) + " FROM action_jobs ORDER BY number DESC LIMIT ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(static_cast<int64_t>(limit));
    std::vector<Job> jobs;
    while (true) {
      auto row = stmt->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return jobs;
      jobs.push_back(JobOfRow(*stmt));
    }
  }

  Result<Job> Cancel(const std::string& id) override {
    Database& db = store_.db();
    auto txn = Transaction::Begin(db);
    if (!txn) return std::unexpected(txn.error());
    auto job = FindJob(db, "id = ?", id);
    if (!job) return std::unexpected(job.error());
    if (!*job) return Fail(ErrorCode::kNotFound, "no job " + id);
    if (IsFinal((*job)->status)) {
      return Fail(ErrorCode::kConflict, "job " + id + " is " + std::string(JobStatusName((*job)->status)) + " already");
    }
    if ((*job)->irreversible) {
      return Fail(ErrorCode::kConflict, "job " + id + " was sent to the provider (" + (*job)->provider_ref +
                                            "): it can no longer be cancelled");
    }
    const std::string now = UtcNowRfc3339();
    auto stmt = db.Prepare(
        "UPDATE action_jobs SET status = 'cancelled', error = 'cancelled at the request of the core', "
        "waiting_for = '', "
        "updated_at = ?, finished_at = ? WHERE id = ?");
    if (!stmt) return std::unexpected(stmt.error());
    if (auto status = stmt->Bind(now, now, id).Run(); !status) return std::unexpected(status.error());
    if (auto status = txn->Commit(); !status) return std::unexpected(status.error());
    return Get(id);
  }

  Result<std::optional<Job>> ClaimDue(const std::string& connector, int64_t now_ms) override {
    Database& db = store_.db();
    auto txn = Transaction::Begin(db);
    if (!txn) return std::unexpected(txn.error());
    std::string id;
    {
      auto stmt = db.Prepare(
          "SELECT id FROM action_jobs WHERE connector = ? AND status IN ('queued', 'waiting_provider') "
          "AND next_run_at_ms <= ? ORDER BY next_run_at_ms, number LIMIT 1");
      if (!stmt) return std::unexpected(stmt.error());
      stmt->Bind(connector, now_ms);
      auto row = stmt->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return std::optional<Job>{};
      id = stmt->Text(0);
    }
    auto stmt = db.Prepare(
        "UPDATE action_jobs SET status = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ?");
    if (!stmt) return std::unexpected(stmt.error());
    if (auto status = stmt->Bind(UtcNowRfc3339(), id).Run(); !status) return std::unexpected(status.error());
    if (auto status = txn->Commit(); !status) return std::unexpected(status.error());
    auto job = Get(id);
    if (!job) return std::unexpected(job.error());
    return std::optional<Job>{std::move(*job)};
  }

  Result<std::optional<int64_t>> NextDue(const std::string& connector) override {
    auto stmt = store_.db().Prepare(
        "SELECT MIN(next_run_at_ms) FROM action_jobs WHERE connector = ? AND status IN ('queued', 'waiting_provider')");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(connector);
    if (auto row = stmt->StepRow("next due job"); !row) return std::unexpected(row.error());
    return stmt->OptionalInt(0);
  }

  Status Reschedule(const Job& claimed, JobStatus status, int64_t next_run_at_ms, const std::string& waiting_for,
                    const std::string& provider_ref) override {
    if (status != JobStatus::kQueued && status != JobStatus::kWaitingProvider) {
      return Fail(ErrorCode::kInvalidArgument, "a job waits queued or waiting_provider");
    }
    return UnderClaim(claimed, [&](Database& db) -> Status {
      auto stmt = db.Prepare(
          "UPDATE action_jobs SET status = ?, next_run_at_ms = ?, waiting_for = ?, "
          "provider_ref = CASE WHEN ? = '' THEN provider_ref ELSE ? END, updated_at = ? WHERE id = ?");
      if (!stmt) return std::unexpected(stmt.error());
      return stmt->Bind(JobStatusName(status), next_run_at_ms, waiting_for, provider_ref, provider_ref,
                        UtcNowRfc3339(), claimed.id)
          .Run();
    });
  }

  Status FailJob(const Job& claimed, const std::string& reason) override {
    return UnderClaim(claimed, [&](Database& db) -> Status {
      const std::string now = UtcNowRfc3339();
      auto stmt = db.Prepare(
          "UPDATE action_jobs SET status = 'failed', error = ?, waiting_for = '', updated_at = ?, finished_at = ? "
          "WHERE id = ?");
      if (!stmt) return std::unexpected(stmt.error());
      return stmt->Bind(reason, now, now, claimed.id).Run();
    });
  }

  Status CommitIntent(const Job& claimed, const std::string& provider_ref) override {
    return UnderClaim(claimed, [&](Database& db) -> Status {
      auto stmt = db.Prepare(
          "UPDATE action_jobs SET irreversible = 1, provider_ref = ?, updated_at = ? WHERE id = ?");
      if (!stmt) return std::unexpected(stmt.error());
      return stmt->Bind(provider_ref, UtcNowRfc3339(), claimed.id).Run();
    });
  }

  Result<std::unique_ptr<JobCompletion>> BeginCompletion(const Job& claimed, int64_t now_ms) override {
    const std::string call = "action " + claimed.kind + " " + claimed.id;
    auto batch = store_.api().BeginBatch(
        {.connector = claimed.connector,
         .call = call,
         .sha256 = model::Sha256Hex(call + "#" + std::to_string(claimed.attempts)),
         .size = 0});
    if (!batch) return std::unexpected(batch.error());
    // The batch holds the write lock: the claim cannot move between this check and the commit.
    if (auto claim = CheckClaim(store_.db(), claimed); !claim) return std::unexpected(claim.error());
    auto completion = std::make_unique<SqliteJobCompletion>(store_.db(), std::move(*batch), claimed);
    completion->set_now_ms(now_ms);
    return completion;
  }

  Result<int64_t> RequeueInterrupted(int64_t now_ms) override {
    auto stmt = store_.db().Prepare(
        "UPDATE action_jobs SET status = CASE WHEN provider_ref <> '' THEN 'waiting_provider' ELSE 'queued' END, next_run_at_ms = ?, updated_at = ? WHERE status = 'running'");
    if (!stmt) return std::unexpected(stmt.error());
    if (auto status = stmt->Bind(now_ms, UtcNowRfc3339()).Run(); !status) return std::unexpected(status.error());
    return store_.db().Changes();
  }

  Result<int64_t> FailOrphans(const std::vector<std::string>& configured) override {
    Database& db = store_.db();
    auto txn = Transaction::Begin(db);
    if (!txn) return std::unexpected(txn.error());
    std::vector<std::pair<std::string, std::string>> orphans;  // id, connector
    {
      auto stmt = db.Prepare(
          "SELECT id, connector FROM action_jobs WHERE status IN ('queued', 'running', 'waiting_provider')");
      if (!stmt) return std::unexpected(stmt.error());
      while (true) {
        auto row = stmt->Step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        std::string connector = stmt->Text(1);
        if (std::find(configured.begin(), configured.end(), connector) == configured.end()) {
          orphans.emplace_back(stmt->Text(0), std::move(connector));
        }
      }
    }
    const std::string now = UtcNowRfc3339();
    for (const auto& [id, connector] : orphans) {
      auto stmt = db.Prepare(
          "UPDATE action_jobs SET status = 'failed', error = ?, waiting_for = '', updated_at = ?, finished_at = ? "
          "WHERE id = ?");
      if (!stmt) return std::unexpected(stmt.error());
      const std::string reason = "connector \"" + connector + "\" is no longer configured as an action connector";
      if (auto status = stmt->Bind(reason, now, now, id).Run(); !status) return std::unexpected(status.error());
    }
    if (auto status = txn->Commit(); !status) return std::unexpected(status.error());
    return static_cast<int64_t>(orphans.size());
  }

  Result<std::optional<std::string>> RecentLookup(const std::string& connector, const std::string& subject,
                                                  int64_t since_ms) override {
    auto stmt = store_.db().Prepare(
        "SELECT result_key FROM action_lookups WHERE connector = ? AND subject = ? AND looked_up_ms >= ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(connector, subject, since_ms);
    auto row = stmt->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<std::string>{};
    return std::optional<std::string>{stmt->Text(0)};
  }

  Result<std::optional<StoredProof>> GetProof(const std::string& sha256) override {
    auto stmt = store_.db().Prepare("SELECT sha256, media_type, filename, content, created_at FROM proofs WHERE sha256 = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(sha256);
    auto row = stmt->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<StoredProof>{};
    return std::optional<StoredProof>{StoredProof{.sha256 = stmt->Text(0),
                                                  .media_type = stmt->Text(1),
                                                  .filename = stmt->Text(2),
                                                  .content = stmt->Blob(3),
                                                  .created_at = stmt->Text(4)}};
  }

  Result<std::vector<std::pair<JobStatus, int64_t>>> CountByStatus() override {
    auto stmt = store_.db().Prepare("SELECT status, COUNT(*) FROM action_jobs GROUP BY status ORDER BY status");
    if (!stmt) return std::unexpected(stmt.error());
    std::vector<std::pair<JobStatus, int64_t>> counts;
    while (true) {
      auto row = stmt->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return counts;
      if (auto status = ParseJobStatus(stmt->Text(0))) counts.emplace_back(*status, stmt->Int(1));
    }
  }

  Status WakeWaiting(const std::string& id) override {
    auto stmt = store_.db().Prepare(
        "UPDATE action_jobs SET next_run_at_ms = 0 WHERE id = ? AND status = 'waiting_provider'");
    if (!stmt) return std::unexpected(stmt.error());
    return stmt->Bind(id).Run();
  }

  Result<std::vector<Waiting>> WaitingByConnector() override {
    auto stmt = store_.db().Prepare(
        "SELECT connector, kind, COUNT(*), CAST(strftime('%s', MIN(created_at)) AS INTEGER) FROM action_jobs "
        "WHERE status = 'waiting_provider' GROUP BY connector, kind ORDER BY connector, kind");
    if (!stmt) return std::unexpected(stmt.error());
    std::vector<Waiting> waiting;
    while (true) {
      auto row = stmt->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return waiting;
      waiting.push_back({stmt->Text(0), stmt->Text(1), stmt->Int(2), stmt->Int(3)});
    }
  }

  Result<std::vector<CoverTotal>> CoversInForce() override {
    // The current version's data lives in the outbox row it was appended with.
    auto stmt = store_.db().Prepare(
        "SELECT json_extract(data, '$.source'), json_extract(data, '$.currency'), json_extract(data, '$.granted') "
        "FROM (SELECT " + std::string(kEntityDataSql) + " AS data FROM entities "
        "WHERE entity = 'credit_limit' AND lifecycle = 'active') "
        "WHERE json_extract(data, '$.decision') IN ('approved', 'partially_approved', 'reduced')");
    if (!stmt) return std::unexpected(stmt.error());
    std::map<std::pair<std::string, std::string>, CoverTotal> totals;
    while (true) {
      auto row = stmt->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      const std::string currency = stmt->Text(1);
      const auto exponent = model::CurrencyExponent(currency);
      if (!exponent) continue;
      auto granted = model::ParseMinorUnits(stmt->Text(2), *exponent);
      if (!granted || *granted <= 0) continue;
      CoverTotal& total = totals[{stmt->Text(0), currency}];
      total.connector = stmt->Text(0);
      total.currency = currency;
      total.granted_minor = *granted > INT64_MAX - total.granted_minor ? INT64_MAX : total.granted_minor + *granted;
      ++total.covers;
    }
    std::vector<CoverTotal> list;
    for (auto& [key, total] : totals) list.push_back(std::move(total));
    return list;
  }

 private:
  template <typename Write>
  Status UnderClaim(const Job& claimed, Write write) {
    Database& db = store_.db();
    auto txn = Transaction::Begin(db);
    if (!txn) return std::unexpected(txn.error());
    if (auto claim = CheckClaim(db, claimed); !claim) return claim;
    if (auto status = write(db); !status) return status;
    return txn->Commit();
  }

  SqliteStore& store_;
};

}  // namespace

std::string_view JobStatusName(JobStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "failed";
}

std::optional<JobStatus> ParseJobStatus(std::string_view name) {
  for (const auto& [value, text] : kStatusNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

bool IsFinal(JobStatus status) {
  return status == JobStatus::kSucceeded || status == JobStatus::kFailed || status == JobStatus::kCancelled;
}

std::unique_ptr<ActionJobs> MakeSqliteActionJobs(SqliteStore& store) {
  return std::make_unique<SqliteActionJobs>(store);
}

Status InsertProof(Database& db, const StoredProof& proof) {
  auto stmt = db.Prepare(
      "INSERT INTO proofs (sha256, media_type, filename, size, created_at, content) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (sha256) DO NOTHING");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(proof.sha256, proof.media_type, proof.filename, static_cast<int64_t>(proof.content.size()),
             UtcNowRfc3339());
  return stmt->BindBlob(proof.content).Run();
}

}  // namespace tributary::store
