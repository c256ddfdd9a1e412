// Numbered schema migrations of the store. The schema changes only by appending a
// migration to the list in migrations.cc; an applied migration is never edited.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "gateway/common/result.h"
#include "gateway/store/sqlite_db.h"

namespace tributary::store {

struct Migration {
  int64_t version;        // 1, 2, 3… without gaps
  std::string_view name;  // short, e.g. "initial schema"
  const char* sql;        // one or more statements
};

// Every migration this build knows, in version order.
std::span<const Migration> AllMigrations();

// Applies the pending migrations of `db`, each in its own IMMEDIATE transaction that also
// records it in schema_migrations(version, name, applied_at). Safe when several processes
// open the same file at once: each version is applied exactly once. kConflict when the
// database holds a version newer than this build.
Status ApplyMigrations(Database& db);

}  // namespace tributary::store
