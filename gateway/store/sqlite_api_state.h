// The SQLite implementation of ApiState (api_state.h), and the schema migration it needs.
// Internal to the store module.
//
// Thread-safety: none; it shares its SqliteStore's connection (see store.h).
#pragma once

#include <memory>

#include "gateway/store/api_state.h"

namespace tributary::store {

class SqliteStore;

// Migration 2: api_cursors, oauth_grants, oauth_consents.
inline constexpr const char* kApiStateSchema = R"sql(
CREATE TABLE api_cursors (
  connector  TEXT NOT NULL,
  name       TEXT NOT NULL,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (connector, name)
);

-- Tokens live here, never in the config. Times are unix seconds; 0 = unknown.
CREATE TABLE oauth_grants (
  provider                TEXT NOT NULL,
  client_id               TEXT NOT NULL,
  account                 TEXT NOT NULL,
  state                   TEXT NOT NULL CHECK (state IN ('active', 'consent_needed')),
  generation              INTEGER NOT NULL,
  refresh_token           TEXT NOT NULL,
  access_token            TEXT NOT NULL,
  access_expires_at       INTEGER NOT NULL DEFAULT 0,
  refresh_expires_at      INTEGER NOT NULL DEFAULT 0,
  refresh_hard_expires_at INTEGER NOT NULL DEFAULT 0,
  problem                 TEXT NOT NULL DEFAULT '',
  updated_at              TEXT NOT NULL,
  PRIMARY KEY (provider, client_id, account)
);

CREATE TABLE oauth_consents (
  state      TEXT PRIMARY KEY,
  connector  TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
)sql";

// Borrows `store` (its connection and BeginFile), which must outlive it.
std::unique_ptr<ApiState> MakeSqliteApiState(SqliteStore& store);

}  // namespace tributary::store
