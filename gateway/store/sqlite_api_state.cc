#include "gateway/store/sqlite_api_state.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "gateway/model/canonical.h"
#include "gateway/store/secret_box.h"
#include "gateway/store/sqlite_action_jobs.h"
#include "gateway/store/sqlite_store.h"

namespace tributary::store {

namespace {

constexpr std::string_view kLifecycleDeleted = model::kLifecycleDeleted;

// Keys starting with `prefix`, not deleted, sorted: a range scan of the primary key (every
// such key sorts between the prefix and the prefix followed by the highest byte).
Result<std::vector<std::string>> LiveKeys(Database& db, const std::string& prefix) {
  auto stmt = db.Prepare(
      "SELECT key FROM entities WHERE key >= ? AND key < ? AND lifecycle <> 'deleted' ORDER BY key");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(prefix, prefix + "\xff");
  std::vector<std::string> keys;
  while (true) {
    auto row = stmt->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return keys;
    keys.push_back(stmt->Text(0));
  }
}

Status WriteCursor(Database& db, const std::string& connector, const std::string& name, const std::string& value) {
  auto stmt = db.Prepare(
      "INSERT INTO api_cursors (connector, name, value, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (connector, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
  if (!stmt) return std::unexpected(stmt.error());
  return stmt->Bind(connector, name, value, UtcNowRfc3339()).Run();
}

class SqliteApiBatch final : public ApiBatch {
 public:
  SqliteApiBatch(SqliteStore& store, std::unique_ptr<FileApplication> application, int64_t run_id,
                 std::string connector)
      : store_(store),
        db_(store.db()),
        application_(std::move(application)),
        run_id_(run_id),
        connector_(std::move(connector)) {}

  Status OnRecord(model::CanonicalRecord&& record) override {
    if (auto usable = CheckUsable(); !usable) return usable;
    return application_->OnRecord(std::move(record));
  }

  Status OnReject(model::Reject&& reject) override {
    if (auto usable = CheckUsable(); !usable) return usable;
    return application_->OnReject(std::move(reject));
  }

  Result<bool> Delete(const std::string& key) override {
    if (auto usable = CheckUsable(); !usable) return std::unexpected(usable.error());
    auto deleted = DeleteKey(key);
    if (!deleted) failure_ = deleted.error();
    return deleted;
  }

  Result<std::vector<std::string>> LiveKeysWithPrefix(const std::string& prefix) override {
    if (auto usable = CheckUsable(); !usable) return std::unexpected(usable.error());
    return LiveKeys(db_, prefix);
  }

  Status SetCursor(const std::string& name, const std::string& value) override {
    if (auto usable = CheckUsable(); !usable) return usable;
    auto status = WriteCursor(db_, connector_, name, value);
    if (!status) failure_ = status.error();
    return status;
  }

  Status SaveProof(const StoredProof& proof) override {
    if (auto usable = CheckUsable(); !usable) return usable;
    auto status = InsertProof(db_, proof);
    if (!status) failure_ = status.error();
    return status;
  }

  Result<ApiBatchOutcome> Commit() override {
    if (auto usable = CheckUsable(); !usable) return std::unexpected(usable.error());
    finished_ = true;
    auto applied = application_->Commit();
    if (!applied) return std::unexpected(applied.error());
    if (applied->quarantined) return Fail(ErrorCode::kInternal, "an API batch cannot be quarantined");
    outcome_.created = applied->created;
    outcome_.updated = applied->updated;
    outcome_.unchanged = applied->unchanged;
    outcome_.rejects = applied->rejects;
    for (int64_t seq : {applied->first_seq, applied->last_seq}) {
      if (seq == 0) continue;
      outcome_.first_seq = outcome_.first_seq == 0 ? seq : std::min(outcome_.first_seq, seq);
      outcome_.last_seq = std::max(outcome_.last_seq, seq);
    }
    return outcome_;
  }

 private:
  Status CheckUsable() const {
    if (finished_) return Fail(ErrorCode::kConflict, "API batch already committed");
    if (failure_) return Fail(failure_->code, "API batch failed earlier: " + failure_->message);
    return Ok();
  }

  Result<bool> DeleteKey(const std::string& key) {
    std::string entity, lifecycle, data_text;
    int64_t version = 0;
    {
      auto stmt = db_.Prepare("SELECT entity, version, lifecycle, " + std::string(kEntityDataSql) +
                              " FROM entities WHERE key = ?");
      if (!stmt) return std::unexpected(stmt.error());
      stmt->Bind(key);
      auto row = stmt->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return false;
      entity = stmt->Text(0);
      version = stmt->Int(1);
      lifecycle = stmt->Text(2);
      data_text = stmt->Text(3);
    }
    if (lifecycle == kLifecycleDeleted) return false;
    auto data = nlohmann::ordered_json::parse(data_text, nullptr, false);
    if (data.is_discarded() || !data.is_object()) {
      return Fail(ErrorCode::kInternal, "stored data of " + key + " is not a JSON object");
    }
    data["lifecycle"] = std::string(kLifecycleDeleted);
    Change change{.op = "close", .entity = entity, .key = key, .version = version + 1,
                  .reason = std::string(kCloseReasonDeletedInSource), .created_at = UtcNowRfc3339()};
    auto stmt = db_.Prepare(
        "UPDATE entities SET version = ?, lifecycle = ?, data = ?, data_seq = NULL, last_file_id = ?, "
        "last_line = 0, updated_at = ? WHERE key = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(change.version, kLifecycleDeleted,
               data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), run_id_,
               change.created_at, key);
    if (auto status = stmt->Run(); !status) return std::unexpected(status.error());
    auto seq = store_.AppendChange(change, run_id_);
    if (!seq) return std::unexpected(seq.error());
    if (outcome_.first_seq == 0) outcome_.first_seq = *seq;
    outcome_.last_seq = std::max(outcome_.last_seq, *seq);
    ++outcome_.deleted;
    return true;
  }

  SqliteStore& store_;
  Database& db_;
  std::unique_ptr<FileApplication> application_;  // owns the transaction
  const int64_t run_id_;                         // the batch's ledger row
  const std::string connector_;
  ApiBatchOutcome outcome_;
  bool finished_ = false;
  std::optional<Error> failure_;
};

std::string_view GrantStateName(GrantState state) {
  return state == GrantState::kActive ? "active" : "consent_needed";  // kUndecryptable is never stored as such
}

// The key of the grants' tokens, loaded at first need and kept for the connection's life.
class GrantKey {
 public:
  explicit GrantKey(std::string path) : path_(std::move(path)) {}
  [[nodiscard]] const std::string& path() const { return path_; }

  // The key, creating its file when `create`; nullptr when the file does not exist and
  // `create` is false. An error when the file is unusable.
  Result<const SecretKey*> Get(bool create) {
    if (key_) return &*key_;
    auto key = create ? SecretKey::LoadOrCreate(path_) : SecretKey::Load(path_);
    if (!key) {
      if (!create && key.error().code == ErrorCode::kNotFound) return nullptr;
      return std::unexpected(key.error());
    }
    key_ = std::move(*key);
    return &*key_;
  }

 private:
  const std::string path_;
  std::optional<SecretKey> key_;
};

// What a sealed token is bound to: its grant and column, so that it opens nowhere else.
std::string TokenContext(const GrantId& id, std::string_view column) {
  std::string context = "tributary oauth_grants";
  for (std::string_view part : {std::string_view(id.provider), std::string_view(id.client_id),
                                std::string_view(id.account), column}) {
    context += ";" + std::to_string(part.size()) + ":";
    context += part;
  }
  return context;
}

// Seals both tokens of `grant` for storage.
Result<std::pair<std::string, std::string>> SealTokens(const SecretKey& key, const GrantId& id,
                                                       const std::string& refresh_token, const std::string& access_token) {
  auto refresh = key.Seal(refresh_token, TokenContext(id, "refresh_token"));
  if (!refresh) return std::unexpected(refresh.error());
  auto access = key.Seal(access_token, TokenContext(id, "access_token"));
  if (!access) return std::unexpected(access.error());
  return std::pair{std::move(*refresh), std::move(*access)};
}

// A stored token as it was saved: opened when sealed, as is when stored in plain text by an
// earlier version. nullopt with `problem` set when it does not open.
Result<std::optional<std::string>> RevealToken(GrantKey& keys, const GrantId& id, std::string_view column,
                                               std::string stored, std::string& problem) {
  if (!IsSealed(stored)) return std::optional<std::string>{std::move(stored)};
  auto key = keys.Get(false);
  if (!key) return std::unexpected(key.error());
  if (*key == nullptr) {
    problem = "the key file " + keys.path() + " does not exist";
    return std::optional<std::string>{};
  }
  auto opened = (*key)->Open(stored, TokenContext(id, column));
  if (!opened) {
    problem = std::string(column) + ": " + opened.error().message;
    return std::optional<std::string>{};
  }
  return std::optional<std::string>{std::move(*opened)};
}

class SqliteGrantUpdate final : public GrantUpdate {
 public:
  SqliteGrantUpdate(Database& db, GrantKey& keys, Transaction txn, GrantId id, std::optional<OAuthGrant> current)
      : db_(db), keys_(keys), txn_(std::move(txn)), id_(std::move(id)), current_(std::move(current)) {}

  const std::optional<OAuthGrant>& current() const override { return current_; }

  Result<OAuthGrant> Save(OAuthGrant grant) override {
    if (!txn_) return Fail(ErrorCode::kConflict, "grant update already finished");
    grant.id = id_;
    grant.generation = current_ ? current_->generation + 1 : 1;
    grant.updated_at = UtcNowRfc3339();
    auto key = keys_.Get(true);
    if (!key) return std::unexpected(key.error());
    auto sealed = SealTokens(**key, id_, grant.refresh_token, grant.access_token);
    if (!sealed) return std::unexpected(sealed.error());
    auto stmt = db_.Prepare(
        "INSERT INTO oauth_grants (provider, client_id, account, state, generation, refresh_token, "
        "access_token, access_expires_at, refresh_expires_at, refresh_hard_expires_at, problem, "
        "updated_at, endpoint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (provider, client_id, account) DO UPDATE SET state = excluded.state, "
        "generation = excluded.generation, refresh_token = excluded.refresh_token, "
        "access_token = excluded.access_token, access_expires_at = excluded.access_expires_at, "
        "refresh_expires_at = excluded.refresh_expires_at, "
        "refresh_hard_expires_at = excluded.refresh_hard_expires_at, problem = excluded.problem, "
        "updated_at = excluded.updated_at, endpoint = excluded.endpoint");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(id_.provider, id_.client_id, id_.account, GrantStateName(grant.state), grant.generation,
               sealed->first, sealed->second, grant.access_expires_at, grant.refresh_expires_at,
               grant.refresh_hard_expires_at, grant.problem, grant.updated_at, grant.endpoint);
    if (auto status = stmt->Run(); !status) return std::unexpected(status.error());
    auto committed = txn_->Commit();
    txn_.reset();
    if (!committed) return std::unexpected(committed.error());
    return grant;
  }

 private:
  Database& db_;
  GrantKey& keys_;
  std::optional<Transaction> txn_;
  const GrantId id_;
  const std::optional<OAuthGrant> current_;
};

Result<std::optional<OAuthGrant>> ReadGrant(Database& db, GrantKey& keys, const GrantId& id) {
  auto stmt = db.Prepare(
      "SELECT state, generation, refresh_token, access_token, access_expires_at, refresh_expires_at, "
      "refresh_hard_expires_at, problem, updated_at, endpoint FROM oauth_grants "
      "WHERE provider = ? AND client_id = ? AND account = ?");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(id.provider, id.client_id, id.account);
  auto row = stmt->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<OAuthGrant>{};
  OAuthGrant grant;
  grant.id = id;
  grant.state = stmt->Text(0) == "active" ? GrantState::kActive : GrantState::kConsentNeeded;
  grant.generation = stmt->Int(1);
  std::string stored_refresh = stmt->Text(2);
  std::string stored_access = stmt->Text(3);
  grant.access_expires_at = stmt->Int(4);
  grant.refresh_expires_at = stmt->Int(5);
  grant.refresh_hard_expires_at = stmt->Int(6);
  grant.problem = stmt->Text(7);
  grant.updated_at = stmt->Text(8);
  grant.endpoint = stmt->Text(9);
  std::string problem;
  auto refresh = RevealToken(keys, id, "refresh_token", std::move(stored_refresh), problem);
  if (!refresh) return std::unexpected(refresh.error());
  auto access = *refresh ? RevealToken(keys, id, "access_token", std::move(stored_access), problem)
                         : Result<std::optional<std::string>>(std::nullopt);
  if (!access) return std::unexpected(access.error());
  if (*refresh && *access) {
    grant.refresh_token = std::move(**refresh);
    grant.access_token = std::move(**access);
  } else {
    grant.state = GrantState::kUndecryptable;
    grant.problem = problem;
  }
  return std::optional<OAuthGrant>{std::move(grant)};
}

class SqliteApiState final : public ApiState {
 public:
  explicit SqliteApiState(SqliteStore& store) : store_(store), keys_(KeyFileFor(store.db().path())) {}

  Result<std::unique_ptr<ApiBatch>> BeginBatch(const ApiBatchOptions& options) override {
    if (options.connector.empty() || options.sha256.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "an API batch needs a connector and a sha256");
    }
    FileIdentity identity{.connector = options.connector, .name = options.call, .sha256 = options.sha256,
                          .size = options.size};
    ApplyOptions apply{.feed = options.connector, .mode = SyncMode::kDelta,
                       .repeatable_entities = options.repeatable_entities, .legal_entity = options.legal_entity};
    auto application = store_.BeginFile(identity, apply);
    if (!application) return std::unexpected(application.error());
    // BeginFile's last insert is the batch's ledger row: the write lock is ours since.
    const int64_t run_id = store_.db().LastInsertRowId();
    return std::make_unique<SqliteApiBatch>(store_, std::move(*application), run_id, options.connector);
  }

  Result<std::optional<std::string>> GetCursor(const std::string& connector, const std::string& name) override {
    auto stmt = store_.db().Prepare("SELECT value FROM api_cursors WHERE connector = ? AND name = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(connector, name);
    auto row = stmt->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<std::string>{};
    return std::optional<std::string>{stmt->Text(0)};
  }

  Status SetCursor(const std::string& connector, const std::string& name, const std::string& value) override {
    auto txn = Transaction::Begin(store_.db());
    if (!txn) return std::unexpected(txn.error());
    if (auto status = WriteCursor(store_.db(), connector, name, value); !status) return status;
    return txn->Commit();
  }

  Result<std::vector<std::string>> LiveKeysWithPrefix(const std::string& prefix) override {
    return LiveKeys(store_.db(), prefix);
  }

  Result<std::optional<OAuthGrant>> GetGrant(const GrantId& id) override { return ReadGrant(store_.db(), keys_, id); }

  Result<std::unique_ptr<GrantUpdate>> LockGrant(const GrantId& id) override {
    auto txn = Transaction::Begin(store_.db());
    if (!txn) return std::unexpected(txn.error());
    // The key first: a refresher must not retire a refresh token it could not then store.
    if (auto key = keys_.Get(true); !key) return std::unexpected(key.error());
    auto current = ReadGrant(store_.db(), keys_, id);
    if (!current) return std::unexpected(current.error());
    return std::make_unique<SqliteGrantUpdate>(store_.db(), keys_, std::move(*txn), id, std::move(*current));
  }

  const std::string& KeyFile() const override { return keys_.path(); }

  Status SealStoredGrants() override {
    Database& db = store_.db();
    auto txn = Transaction::Begin(db);
    if (!txn) return std::unexpected(txn.error());
    struct PlainRow {
      GrantId id;
      std::string refresh_token, access_token;
    };
    std::vector<PlainRow> plain;
    {
      auto stmt = db.Prepare("SELECT provider, client_id, account, refresh_token, access_token FROM oauth_grants");
      if (!stmt) return std::unexpected(stmt.error());
      while (true) {
        auto row = stmt->Step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        PlainRow grant{.id = {stmt->Text(0), stmt->Text(1), stmt->Text(2)},
                       .refresh_token = stmt->Text(3), .access_token = stmt->Text(4)};
        if (!IsSealed(grant.refresh_token) || !IsSealed(grant.access_token)) plain.push_back(std::move(grant));
      }
    }
    auto key = keys_.Get(!plain.empty());
    if (!key) return std::unexpected(key.error());
    for (const PlainRow& grant : plain) {
      // A row is sealed whole: Save() never writes one token sealed and the other not.
      auto sealed = SealTokens(**key, grant.id, grant.refresh_token, grant.access_token);
      if (!sealed) return std::unexpected(sealed.error());
      auto stmt = db.Prepare(
          "UPDATE oauth_grants SET refresh_token = ?, access_token = ? "
          "WHERE provider = ? AND client_id = ? AND account = ?");
      if (!stmt) return std::unexpected(stmt.error());
      stmt->Bind(sealed->first, sealed->second, grant.id.provider, grant.id.client_id, grant.id.account);
      if (auto status = stmt->Run(); !status) return status;
    }
    return txn->Commit();
  }

  Status SavePendingConsent(const PendingConsent& consent) override {
    auto stmt = store_.db().Prepare(
        "INSERT OR REPLACE INTO oauth_consents (state, connector, expires_at) VALUES (?, ?, ?)");
    if (!stmt) return std::unexpected(stmt.error());
    return stmt->Bind(consent.state, consent.connector, consent.expires_at).Run();
  }

  Result<std::optional<PendingConsent>> TakePendingConsent(const std::string& state, int64_t now) override {
    Database& db = store_.db();
    auto txn = Transaction::Begin(db);
    if (!txn) return std::unexpected(txn.error());
    bool found = false;
    std::string connector;
    int64_t expires_at = 0;
    {
      auto stmt = db.Prepare("SELECT connector, expires_at FROM oauth_consents WHERE state = ?");
      if (!stmt) return std::unexpected(stmt.error());
      stmt->Bind(state);
      auto row = stmt->Step();
      if (!row) return std::unexpected(row.error());
      if (*row) {
        found = true;
        connector = stmt->Text(0);
        expires_at = stmt->Int(1);
      }
    }
    // Spent and expired states go away together.
    auto remove = db.Prepare("DELETE FROM oauth_consents WHERE state = ? OR expires_at < ?");
    if (!remove) return std::unexpected(remove.error());
    if (auto status = remove->Bind(state, now).Run(); !status) return std::unexpected(status.error());
    if (auto status = txn->Commit(); !status) return std::unexpected(status.error());
    if (!found || expires_at < now) return std::optional<PendingConsent>{};
    return std::optional<PendingConsent>{PendingConsent{.state = state, .connector = connector, .expires_at = expires_at}};
  }

 private:
  SqliteStore& store_;
  GrantKey keys_;
};

}  // namespace

std::unique_ptr<ApiState> MakeSqliteApiState(SqliteStore& store) { return std::make_unique<SqliteApiState>(store); }

}  // namespace tributary::store
