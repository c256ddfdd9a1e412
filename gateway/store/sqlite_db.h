// A thin adapter over the SQLite C API: one connection, a cache of prepared statements,
// IMMEDIATE transactions and the mapping of SQLite result codes to Tributary errors.
// Internal to the store module.
//
// Thread-safety: none. A Database (and every Statement borrowed from it) is used by one
// thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "gateway/common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tributary::store {

// Now as UTC RFC 3339 with milliseconds, e.g. "2026-11-23T12:00:00.123Z".
std::string UtcNowRfc3339();

class Database;

// A cached prepared statement borrowed from its Database for one use. Binds are 1-based
// in the order given; the statement is reset (and its bindings cleared) when this object
// goes away, so no read snapshot stays open behind it. Must not outlive the Database.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Binds the next parameter. A failed bind is reported by the next Step()/Run().
  Statement& Bind(int64_t value);
  Statement& Bind(int value) { return Bind(static_cast<int64_t>(value)); }
  Statement& Bind(std::string_view value);
  Statement& Bind(const std::string& value) { return Bind(std::string_view(value)); }
  Statement& Bind(const char* value) { return Bind(std::string_view(value)); }
  Statement& Bind(std::nullopt_t);
  Statement& Bind(const std::optional<int64_t>& value);
  Statement& Bind(const std::optional<std::string>& value);
  // Binds bytes as a BLOB (any bytes, no encoding).
  Statement& BindBlob(std::string_view bytes);
  template <typename First, typename Second, typename... Rest>
  Statement& Bind(const First& first, const Second& second, const Rest&... rest) {
    Bind(first);
    return Bind(second, rest...);
  }

  // Advances: true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Runs a statement that returns no row (INSERT, UPDATE, DELETE).
  Status Run();
  // Runs a statement expected to return exactly one row and leaves it current;
  // kNotFound with `what` when there is none.
  Status StepRow(std::string_view what);

  [[nodiscard]] int64_t Int(int column) const;
  [[nodiscard]] std::string Text(int column) const;
  [[nodiscard]] std::string Blob(int column) const;
  [[nodiscard]] bool IsNull(int column) const;
  [[nodiscard]] std::optional<int64_t> OptionalInt(int column) const;
  [[nodiscard]] std::optional<std::string> OptionalText(int column) const;

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt, bool* borrowed)
      : db_(db), stmt_(stmt), borrowed_(borrowed) {}
  void NoteBind(int rc);

  Database* db_;
  sqlite3_stmt* stmt_;
  bool* borrowed_;  // the cache entry's flag, cleared when this borrower goes away
  int next_index_ = 1;
  int bind_rc_ = 0;  // first failed bind's result code, 0 when all succeeded
};

// One SQLite connection. Owns its cached statements; closes everything on destruction.
class Database {
 public:
  // Opens (creating when absent) the file at `path`, creating its parent folder, and sets
  // the connection up: busy timeout, WAL, synchronous=FULL, foreign keys.
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                std::chrono::milliseconds busy_timeout);
  // Opens the existing file at `path` for reading only (`tributary plan`): never creates
  // it, never writes (query_only), leaves the journal mode to the writers. kNotFound when
  // there is no such file.
  static Result<std::unique_ptr<Database>> OpenReadOnly(const std::string& path,
                                                        std::chrono::milliseconds busy_timeout);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // A prepared statement for `sql`, prepared once per Database and reused afterwards.
  // kInternal while another Statement object still borrows the same SQL (a nesting bug).
  Result<Statement> Prepare(std::string_view sql);
  // The single integer a parameterless query answers (COUNT, MAX…).
  Result<int64_t> QueryInt(std::string_view sql);
  // Runs one or more statements that return no rows (migrations, pragmas, BEGIN…).
  Status Exec(const char* sql);
  [[nodiscard]] int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  [[nodiscard]] int64_t Changes() const;
  [[nodiscard]] const std::string& path() const { return path_; }

  // The error for SQLite result `rc`: kUnavailable for SQLITE_BUSY/SQLITE_LOCKED (the busy
  // timeout ran out), kIo for anything else, with SQLite's message and `context`.
  [[nodiscard]] Error ErrorFrom(int rc, std::string_view context) const;

 private:
  struct TransparentHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool borrowed = false;
  };
  // Node-based: the address of an entry's `borrowed` stays valid as the map grows.
  std::unordered_map<std::string, CachedStatement, TransparentHash, std::equal_to<>> statements_;
};

// A `BEGIN IMMEDIATE` transaction: takes the write lock at once (waiting the busy
// timeout), rolls back on destruction unless committed. Movable; must not outlive its
// Database.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status Commit();
  // Rolls back now; later calls and the destructor do nothing.
  void Rollback();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace tributary::store
