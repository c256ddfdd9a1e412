#include "gateway/store/sqlite_db.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "gateway/common/private_folder.h"
#include "gateway/common/time_format.h"

namespace tributary::store {

std::string UtcNowRfc3339() { return FormatRfc3339(std::chrono::system_clock::now(), true); }

// --- Statement ---------------------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      borrowed_(std::exchange(other.borrowed_, nullptr)),
      next_index_(other.next_index_),
      bind_rc_(other.bind_rc_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *borrowed_ = false;
}

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  ++next_index_;
}

Statement& Statement::Bind(int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, next_index_, value));
  return *this;
}

Statement& Statement::Bind(std::string_view value) {
  // SQLITE_TRANSIENT copies: arguments are often temporaries gone before Step().
  NoteBind(sqlite3_bind_text64(stmt_, next_index_, value.data(), value.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8));
  return *this;
}

Statement& Statement::Bind(std::nullopt_t) {
  NoteBind(sqlite3_bind_null(stmt_, next_index_));
  return *this;
}

Statement& Statement::Bind(const std::optional<int64_t>& value) {
  return value ? Bind(*value) : Bind(std::nullopt);
}

Statement& Statement::Bind(const std::optional<std::string>& value) {
  return value ? Bind(std::string_view(*value)) : Bind(std::nullopt);
}

Result<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) {
    return std::unexpected(db_->ErrorFrom(bind_rc_, "binding parameters"));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(db_->ErrorFrom(rc, sqlite3_sql(stmt_)));
}

Status Statement::Run() {
  auto row = Step();
  if (!row) return std::unexpected(row.error());
  return Ok();
}

Status Statement::StepRow(std::string_view what) {
  auto row = Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return Fail(ErrorCode::kNotFound, std::string(what) + " not found");
  return Ok();
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

Statement& Statement::BindBlob(std::string_view bytes) {
  NoteBind(sqlite3_bind_blob64(stmt_, next_index_, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  return *this;
}

std::string Statement::Blob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  if (bytes == nullptr) return {};
  return std::string(static_cast<const char*>(bytes), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

// --- Database ----------------------------------------------------------------------------

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 std::chrono::milliseconds busy_timeout) {
  const bool in_memory = path == ":memory:";
  std::error_code exists_error;
  const bool created = !in_memory && !std::filesystem::exists(path, exists_error);
  if (!in_memory) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
      if (auto folder = CreatePrivateFolder(parent, /*tighten_existing=*/false); !folder) {
        return Fail(ErrorCode::kIo, "cannot create the folder of database " + path + ": " + folder.error().message);
      }
    }
  }
  sqlite3* raw = nullptr;
  // SQLite's memory statistics take a global mutex on every allocation; nothing reads
  // them. Only possible before SQLite initialises, so tried once, before the first open.
  static std::once_flag statistics_off;
  std::call_once(statistics_off, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + path + ": " +
                          (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    sqlite3_close_v2(raw);
    return Fail(ErrorCode::kIo, std::move(message));
  }
  std::unique_ptr<Database> db(new Database(raw, path));
  // The database holds OAuth grants and every customer's data: the daemon's user alone
  // reads a new one, whatever the umask (an existing one keeps the mode its admin gave it).
  // SQLite gives its -wal and -shm files the mode of the database file, so this comes
  // before WAL mode is set.
  if (created && ::chmod(path.c_str(), 0600) != 0) {
    return Fail(ErrorCode::kIo, "cannot set the mode of database " + path + ": " + std::strerror(errno));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(busy_timeout.count()));

  // 16 KiB pages (for a new database; an existing one keeps its size): a file is applied in
  // one transaction, and the WAL index, which SQLite keeps mapped in memory, grows with the
  // number of pages that transaction writes. Four times fewer pages keep a multi-GB file
  // within the daemon's memory budget (about 3 MiB per GiB instead of 10).
  if (auto status = db->Exec("PRAGMA page_size=16384;"); !status) return std::unexpected(status.error());
  // journal_mode answers with the mode in force, which is not WAL when it could not switch.
  {
    auto mode = db->Prepare("PRAGMA journal_mode=WAL");
    if (!mode) return std::unexpected(mode.error());
    if (auto row = mode->StepRow("journal mode"); !row) return std::unexpected(row.error());
    const std::string got = mode->Text(0);
    if (got != "wal" && !(in_memory && got == "memory")) {
      return Fail(ErrorCode::kIo, "database " + path + " could not switch to WAL (journal mode " +
                                      got + ")");
    }
  }
  // FULL: a committed money file must survive a power loss, not only a process crash.
  // A file is one transaction: a 24 MiB page cache (bounded, whatever the file size) keeps
  // SQLite from spilling dirty pages to the WAL over and over while it runs, and leaves room
  // under the daemon's 100 MB budget for the WAL index, which grows with a big file, and for
  // the admin API's connection that serves the pull feed (each connection has its cache).
  // A big file's transaction grows the WAL to its size; once checkpointed, the file is cut
  // back to 64 MiB (journal_size_limit) instead of keeping that size on disk for good.
  if (auto status = db->Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-24576; "
                             "PRAGMA journal_size_limit=67108864;");
      !status) {
    return std::unexpected(status.error());
  }
  return db;
}

Result<std::unique_ptr<Database>> Database::OpenReadOnly(const std::string& path,
                                                         std::chrono::milliseconds busy_timeout) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Fail(ErrorCode::kNotFound, "database " + path + " does not exist");
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + path + " for reading: " +
                          (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    sqlite3_close_v2(raw);
    return Fail(ErrorCode::kIo, std::move(message));
  }
  std::unique_ptr<Database> db(new Database(raw, path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(busy_timeout.count()));
  if (auto status = db->Exec("PRAGMA query_only=ON"); !status) return std::unexpected(status.error());
  return db;
}

Database::~Database() {
  for (auto& [sql, cached] : statements_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

Result<Statement> Database::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(ErrorFrom(rc, sql));
    it = statements_.emplace(std::string(sql), CachedStatement{stmt}).first;
  } else if (it->second.borrowed) {
    return Fail(ErrorCode::kInternal, "statement already in use: " + it->first);
  }
  it->second.borrowed = true;
  return Statement(this, it->second.stmt, &it->second.borrowed);
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  auto stmt = Prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  if (auto row = stmt->StepRow("value"); !row) return std::unexpected(row.error());
  return stmt->Int(0);
}

Status Database::Exec(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(ErrorFrom(rc, sql));
  return Ok();
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int64_t Database::Changes() const { return sqlite3_changes64(db_); }

Error Database::ErrorFrom(int rc, std::string_view context) const {
  const int primary = rc & 0xff;
  const bool busy = primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
  std::string message = "sqlite: ";
  // The connection's message is more specific ("UNIQUE constraint failed: …") when it
  // belongs to this failure; a failed bind never sets it.
  message += sqlite3_extended_errcode(db_) == rc ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  if (busy) message += " (another writer held the database past the busy timeout)";
  message += " in \"";
  message += context.substr(0, 120);
  message += "\" (" + path_ + ")";
  return Error{busy ? ErrorCode::kUnavailable : ErrorCode::kIo, std::move(message)};
}

// --- Transaction -------------------------------------------------------------------------

Result<Transaction> Transaction::Begin(Database& db) {
  if (auto status = db.Exec("BEGIN IMMEDIATE"); !status) return std::unexpected(status.error());
  return Transaction(&db);
}

Transaction::~Transaction() { Rollback(); }

Status Transaction::Commit() {
  if (db_ == nullptr) return Fail(ErrorCode::kInternal, "transaction already finished");
  auto status = db_->Exec("COMMIT");
  if (!status) {
    // A failed COMMIT may leave the transaction open (SQLITE_BUSY); never leave it dangling.
    Rollback();
    return status;
  }
  db_ = nullptr;
  return Ok();
}

void Transaction::Rollback() {
  if (db_ == nullptr) return;
  // ROLLBACK fails only when SQLite already rolled back by itself (e.g. after SQLITE_FULL).
  (void)db_->Exec("ROLLBACK");
  db_ = nullptr;
}

}  // namespace tributary::store
