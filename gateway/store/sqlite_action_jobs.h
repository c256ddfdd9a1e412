// The SQLite ActionJobs (action_jobs.h) of a SqliteStore. Internal to the store module.
#pragma once

#include <memory>

#include "gateway/store/action_jobs.h"
#include "gateway/store/sqlite_db.h"

namespace tributary::store {

class SqliteStore;

std::unique_ptr<ActionJobs> MakeSqliteActionJobs(SqliteStore& store);

// Inserts `proof` unless a proof with its sha256 is kept already. Needs an open
// transaction.
Status InsertProof(Database& db, const StoredProof& proof);

}  // namespace tributary::store
