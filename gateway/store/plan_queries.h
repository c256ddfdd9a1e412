// A read-only, consistent view of the store for `tributary plan`: what a file would
// change, computed without writing anything, beside a running daemon.
//
// Thread-safety: none (one connection, one thread), like Store.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/store/store.h"

namespace tributary::store {

// What the store holds of one key, as far as a plan needs it (no wire object).
struct StoredState {
  std::string entity;
  std::string hash;
  std::string lifecycle;
  std::string kind;                          // receivables: gives the sign of the amount
  std::optional<int64_t> open_amount_minor;  // receivables: magnitude in minor units
  std::string currency;
  std::string customer;  // ForEachActive only: the `customer` member of its data ("" when none)
};

class SqliteStore;

class StoreSnapshot {
 public:
  // Opens the database at `path` read-only (never created, migrated or written; a
  // running daemon keeps writing beside it, WAL) and begins one read transaction, so every
  // query sees the same committed state. kNotFound when there is no database yet;
  // kConflict when its schema is not the one this build knows, or when this user is not
  // the database's owner and SQLite would create the shared-memory file (-shm) for it.
  static Result<std::unique_ptr<StoreSnapshot>> Open(
      const std::string& path, std::chrono::milliseconds busy_timeout = std::chrono::seconds(10));
  ~StoreSnapshot();
  StoreSnapshot(const StoreSnapshot&) = delete;
  StoreSnapshot& operator=(const StoreSnapshot&) = delete;

  // The current state of `key`; nullopt when the store never saw it.
  Result<std::optional<StoredState>> FindEntity(const std::string& key);
  // The most recent ledger entry of this content for this connector (Store::FindFile).
  Result<std::optional<FileEntry>> FindFile(const std::string& connector, const std::string& sha256);
  // Calls `visit` with each active entity of kind `entity` that `feed` last carried: the
  // candidates of a close by absence. Stops at the first error `visit` returns.
  Status ForEachActive(const std::string& feed, const std::string& entity,
                       const std::function<Status(const std::string& key, const StoredState&)>& visit);
  // Store::OpenBalances.
  Result<std::vector<Store::OpenBalance>> OpenBalances();

 private:
  explicit StoreSnapshot(std::unique_ptr<SqliteStore> store);
  std::unique_ptr<SqliteStore> store_;  // the read-only connection; its reads are reused
};

}  // namespace tributary::store
