#include "gateway/store/plan_queries.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "gateway/store/migrations.h"
#include "gateway/store/sqlite_store.h"

namespace tributary::store {

StoreSnapshot::StoreSnapshot(std::unique_ptr<SqliteStore> store) : store_(std::move(store)) {}

StoreSnapshot::~StoreSnapshot() {
  // Ends the read transaction; a read-only one has nothing to commit.
  if (store_) (void)store_->db().Exec("ROLLBACK");
}

Result<std::unique_ptr<StoreSnapshot>> StoreSnapshot::Open(const std::string& path,
                                                           std::chrono::milliseconds busy_timeout) {
  // Reading a WAL database creates its -wal and -shm files when they are missing (the
  // daemon is stopped). Created by another user (root), they would keep the daemon from
  // opening its own database.
  struct stat database {};
  if (::stat(path.c_str(), &database) == 0 && database.st_uid != ::geteuid() &&
      !std::filesystem::exists(path + "-shm")) {
    return Fail(ErrorCode::kConflict,
                "reading " + path + " would create " + path + "-shm owned by this user (uid " +
                    std::to_string(::geteuid()) + "), not by the database's owner (uid " +
                    std::to_string(database.st_uid) + "); run as the database's owner, e.g. sudo -u tributary");
  }
  auto db = Database::OpenReadOnly(path, busy_timeout);
  if (!db) return std::unexpected(db.error());
  // BEGIN is deferred: the first SELECT takes the read snapshot the whole plan uses.
  if (auto status = (*db)->Exec("BEGIN"); !status) return std::unexpected(status.error());
  auto tables = (*db)->QueryInt(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!tables) return std::unexpected(tables.error());
  int64_t version = 0;
  if (*tables > 0) {
    auto max = (*db)->QueryInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!max) return std::unexpected(max.error());
    version = *max;
  }
  const int64_t latest = AllMigrations().back().version;
  if (version < latest) {
    return Fail(ErrorCode::kConflict, "database " + path + " has schema version " + std::to_string(version) +
                                          ", older than this build's " + std::to_string(latest) +
                                          "; the daemon migrates it when it starts");
  }
  if (version > latest) {
    return Fail(ErrorCode::kConflict, "database " + path + " has schema version " + std::to_string(version) +
                                          ", newer than this build knows (" + std::to_string(latest) +
                                          "); run a newer tributary");
  }
  return std::unique_ptr<StoreSnapshot>(new StoreSnapshot(std::make_unique<SqliteStore>(std::move(*db))));
}

Result<std::optional<StoredState>> StoreSnapshot::FindEntity(const std::string& key) {
  auto stmt = store_->db().Prepare(
      "SELECT entity, hash, lifecycle, kind, open_amount_minor, currency FROM entities WHERE key = ?");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(key);
  auto row = stmt->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<StoredState>{};
  return std::optional<StoredState>{
      StoredState{stmt->Text(0), stmt->Text(1), stmt->Text(2), stmt->Text(3), stmt->OptionalInt(4), stmt->Text(5)}};
}

Result<std::optional<FileEntry>> StoreSnapshot::FindFile(const std::string& connector, const std::string& sha256) {
  return store_->FindFile(connector, sha256);
}

Status StoreSnapshot::ForEachActive(
    const std::string& feed, const std::string& entity,
    const std::function<Status(const std::string& key, const StoredState&)>& visit) {
  // The same rows a snapshot close considers (file_application.cc), through the index
  // entities_by_feed_lifecycle.
  auto stmt = store_->db().Prepare("SELECT key, hash, kind, open_amount_minor, currency, coalesce(json_extract(" +
                                   std::string(kEntityDataSql) + ", '$.customer'), '') FROM entities "
                                   "WHERE feed = ? AND lifecycle = 'active' AND entity = ?");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->Bind(feed, entity);
  while (true) {
    auto row = stmt->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return Ok();
    StoredState state{entity,          stmt->Text(1), "active", stmt->Text(2), stmt->OptionalInt(3),
                      stmt->Text(4), stmt->Text(5)};
    if (auto status = visit(stmt->Text(0), state); !status) return status;
  }
}

Result<std::vector<Store::OpenBalance>> StoreSnapshot::OpenBalances() { return store_->OpenBalances(); }

}  // namespace tributary::store
