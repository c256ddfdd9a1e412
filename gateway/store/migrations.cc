#include "gateway/store/migrations.h"

#include <array>
#include <string>

#include "gateway/store/sqlite_api_state.h"

namespace tributary::store {
namespace {

// Column order matters: `data` comes last in the wide tables because it is large and often
// spills to overflow pages, and SQLite reads a row's columns in order.
constexpr const char* kInitialSchema = R"sql(
CREATE TABLE files (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: entities.seen_run holds it
  connector  TEXT NOT NULL,
  name       TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  size       INTEGER NOT NULL,
  feed       TEXT NOT NULL DEFAULT '',
  state      TEXT NOT NULL CHECK (state IN
               ('applied', 'archived', 'quarantined', 'released', 'discarded', 'failed')),
  rows       INTEGER NOT NULL DEFAULT 0,
  rejects    INTEGER NOT NULL DEFAULT 0,
  changes    INTEGER NOT NULL DEFAULT 0,
  first_seq  INTEGER NOT NULL DEFAULT 0,
  last_seq   INTEGER NOT NULL DEFAULT 0,
  error      TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX files_by_content ON files(connector, sha256);
CREATE INDEX files_by_state ON files(connector, state);

CREATE TABLE entities (
  key               TEXT PRIMARY KEY,
  entity            TEXT NOT NULL,
  feed              TEXT NOT NULL,
  version           INTEGER NOT NULL,
  hash              TEXT NOT NULL,
  lifecycle         TEXT NOT NULL,
  kind              TEXT,     -- receivable kind: gives the sign of the open amount
  open_amount_minor INTEGER,  -- magnitude, as the canonical model carries it
  currency          TEXT,
  last_file_id      INTEGER REFERENCES files(id),
  last_line         INTEGER NOT NULL DEFAULT 0,
  mapping           TEXT NOT NULL DEFAULT '',  -- name@version
  seen_run          INTEGER,  -- files.id of the last file that carried the key
  seen_line         INTEGER,  -- line of its first occurrence in that file
  updated_at        TEXT NOT NULL,
  data              TEXT NOT NULL  -- the wire object of the current version
);
CREATE INDEX entities_by_feed_lifecycle ON entities(feed, lifecycle, entity);
-- entity and lifecycle are listed so that SQLite treats the index as covering OpenBalances.
CREATE INDEX entities_open_receivables
  ON entities(currency, kind, open_amount_minor, entity, lifecycle)
  WHERE entity = 'receivable' AND lifecycle = 'active';

-- seq is the rowid: the table is stored in seq order and AUTOINCREMENT never reuses one.
CREATE TABLE outbox (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  op         TEXT NOT NULL CHECK (op IN ('upsert', 'close')),
  entity     TEXT NOT NULL,
  key        TEXT NOT NULL,
  version    INTEGER NOT NULL,
  hash       TEXT NOT NULL DEFAULT '',
  reason     TEXT NOT NULL DEFAULT '',
  file_id    INTEGER REFERENCES files(id),
  created_at TEXT NOT NULL,
  data       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE rejects (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  file_id     INTEGER REFERENCES files(id),
  connector   TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_name   TEXT NOT NULL,
  line        INTEGER NOT NULL,
  col         INTEGER NOT NULL,
  field       TEXT NOT NULL,
  reason      TEXT NOT NULL,
  raw         TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX rejects_by_connector ON rejects(connector, id);

CREATE TABLE quarantine (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  file_id    INTEGER NOT NULL REFERENCES files(id),
  feed       TEXT NOT NULL,
  reason     TEXT NOT NULL,
  diff_json  TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('pending', 'released', 'discarded')),
  created_at TEXT NOT NULL,
  decided_at TEXT
);
CREATE INDEX quarantine_by_state ON quarantine(state, id);

CREATE TABLE dead_letters (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id    TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  entity      TEXT NOT NULL,
  key         TEXT NOT NULL,
  code        TEXT NOT NULL,
  message     TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  replayed_at TEXT,
  replay_seq  INTEGER,
  change_json TEXT NOT NULL
);
CREATE INDEX dead_letters_pending ON dead_letters(id) WHERE replayed_at IS NULL;

CREATE TABLE push_state (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  delivered_seq   INTEGER NOT NULL DEFAULT 0,
  batch_id        TEXT,
  batch_first_seq INTEGER,
  batch_last_seq  INTEGER,
  updated_at      TEXT NOT NULL
);
INSERT INTO push_state (id, delivered_seq, updated_at)
  VALUES (1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
)sql";

// A snapshot whose rejected records have no key closes nothing of their entity: the ledger
// says how many closes it withheld and why.
constexpr const char* kClosesWithheldSchema = R"sql(
ALTER TABLE files ADD COLUMN closes_withheld INTEGER NOT NULL DEFAULT 0;
ALTER TABLE files ADD COLUMN note TEXT NOT NULL DEFAULT '';
)sql";

// Some token answers name where the API calls go (an instance URL): kept with the
// grant, so a restart that reuses the stored token knows where to send it.
constexpr const char* kGrantEndpointSchema = R"sql(
ALTER TABLE oauth_grants ADD COLUMN endpoint TEXT NOT NULL DEFAULT '';
)sql";

// A version's wire object is written once, in its outbox row: the entity points at it
// (`data_seq`) instead of holding a second copy. `data` keeps the text only where no outbox
// row holds it as it is now (closed entities, whose lifecycle changed after their last
// upsert, and rows written before this migration).
// The partial index of open receivables is dropped: every receivable written had to be put
// at a random place in it (ordered by amount), which made a large snapshot rewrite its pages
// again and again. OpenBalances scans instead, once per change of the outbox.
constexpr const char* kDataOnceSchema = R"sql(
ALTER TABLE entities ADD COLUMN data_seq INTEGER;
DROP INDEX entities_open_receivables;
)sql";

// Retention deletes ledger rows nothing refers to: every column that refers to one gets an
// index, so that the check, and the foreign key's own on delete, is a lookup, not a scan of
// the table. outbox.file_id and rejects.file_id grow in file order: their entries append.
constexpr const char* kRetentionSchema = R"sql(
CREATE INDEX outbox_by_file ON outbox(file_id);
CREATE INDEX entities_by_last_file ON entities(last_file_id);
CREATE INDEX rejects_by_file ON rejects(file_id);
CREATE INDEX quarantine_by_file ON quarantine(file_id);
)sql";

// The jobs of the actions contract. `number` orders them for paging; the idempotency key
// is unique across kinds and connectors (a key reused for another request is a 409).
// Proofs are kept by content hash and never pruned: they are legal evidence.
constexpr const char* kActionsSchema = R"sql(
CREATE TABLE action_jobs (
  number          INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL,
  connector       TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  request_sha256  TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN
                    ('queued', 'running', 'waiting_provider', 'succeeded', 'failed', 'cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_run_at_ms  INTEGER NOT NULL DEFAULT 0,
  waiting_for     TEXT NOT NULL DEFAULT '',
  error           TEXT NOT NULL DEFAULT '',
  result_key      TEXT NOT NULL DEFAULT '',
  from_cache      INTEGER NOT NULL DEFAULT 0,
  provider_ref    TEXT NOT NULL DEFAULT '',
  irreversible    INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  finished_at     TEXT NOT NULL DEFAULT '',
  request         TEXT NOT NULL
);
CREATE INDEX action_jobs_due ON action_jobs(connector, next_run_at_ms)
  WHERE status IN ('queued', 'waiting_provider');
CREATE INDEX action_jobs_by_status ON action_jobs(status, number);
CREATE TABLE action_lookups (
  connector   TEXT NOT NULL,
  subject     TEXT NOT NULL,
  result_key  TEXT NOT NULL,
  looked_up_ms INTEGER NOT NULL,
  PRIMARY KEY (connector, subject)
) WITHOUT ROWID;
CREATE TABLE proofs (
  sha256     TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  filename   TEXT NOT NULL DEFAULT '',
  size       INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  content    BLOB NOT NULL
);
)sql";

// The credit limits alone, for the cover metrics read at each scrape: a partial index, so
// the receivables' writes do not maintain it.
constexpr const char* kCreditLimitsSchema = R"sql(
CREATE INDEX entities_credit_limits ON entities(lifecycle) WHERE entity = 'credit_limit';
)sql";

// Where each file went (its archive or error path), and the connectors an admin paused:
// a pause outlives a restart.
constexpr const char* kOperationsSchema = R"sql(
ALTER TABLE files ADD COLUMN moved_to TEXT NOT NULL DEFAULT '';
CREATE TABLE connector_pauses (
  connector TEXT PRIMARY KEY,
  paused_at TEXT NOT NULL,
  paused_by TEXT NOT NULL DEFAULT ''
);
)sql";

// The legal entity of the connector that last wrote an entity, for the open amounts by
// legal entity at each scrape. Filled from the wire object of the rows written before (its
// outbox row when `data` is not kept); NULL when the object had none.
constexpr const char* kLegalEntitySchema = R"sql(
ALTER TABLE entities ADD COLUMN legal_entity TEXT;
UPDATE entities SET legal_entity = json_extract(
    CASE WHEN data <> '' THEN data ELSE (SELECT o.data FROM outbox o WHERE o.seq = entities.data_seq) END,
    '$.legal_entity')
  WHERE entity = 'receivable';
)sql";

constexpr auto kMigrations = std::to_array<Migration>({
    {1, "initial schema", kInitialSchema},
    {2, "api connectors: cursors, oauth grants and consents", kApiStateSchema},
    {3, "files: closes withheld by a snapshot", kClosesWithheldSchema},
    {4, "oauth grants: the API endpoint of a token answer", kGrantEndpointSchema},
    {5, "entities: the current data is read from its outbox row; no index of open receivables", kDataOnceSchema},
    {6, "retention: indexes on the references to the file ledger", kRetentionSchema},
    {7, "actions: jobs, recent lookups and proof documents", kActionsSchema},
    {8, "entities: an index of the credit limits", kCreditLimitsSchema},
    {9, "files: where each went; paused connectors", kOperationsSchema},
    {10, "entities: the legal entity of the connector that wrote them", kLegalEntitySchema},
});

Result<int64_t> CurrentVersion(Database& db) {
  auto exists =
      db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!exists) return std::unexpected(exists.error());
  auto found = exists->Step();
  if (!found) return std::unexpected(found.error());
  if (!*found) return 0;
  auto max = db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!max) return std::unexpected(max.error());
  if (auto row = max->StepRow("schema version"); !row) return std::unexpected(row.error());
  return max->Int(0);
}

Status ApplyOne(Database& db, const Migration& migration) {
  auto txn = Transaction::Begin(db);
  if (!txn) return std::unexpected(txn.error());
  if (auto status = db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                            "applied_at TEXT NOT NULL)");
      !status) {
    return status;
  }
  // Another process may have applied it between our read and our write lock.
  auto current = CurrentVersion(db);
  if (!current) return std::unexpected(current.error());
  if (*current >= migration.version) return Ok();
  if (auto status = db.Exec(migration.sql); !status) {
    Error error = status.error();
    error.message = "migration " + std::to_string(migration.version) + " (" +
                    std::string(migration.name) + "): " + error.message;
    return std::unexpected(std::move(error));
  }
  auto record =
      db.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  if (!record) return std::unexpected(record.error());
  if (auto status = record->Bind(migration.version, migration.name, UtcNowRfc3339()).Run();
      !status) {
    return status;
  }
  return txn->Commit();
}

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

Status ApplyMigrations(Database& db) {
  auto current = CurrentVersion(db);
  if (!current) return std::unexpected(current.error());
  const int64_t latest = kMigrations.back().version;
  if (*current > latest) {
    return Fail(ErrorCode::kConflict, "database " + db.path() + " has schema version " +
                                          std::to_string(*current) +
                                          ", newer than this build knows (" +
                                          std::to_string(latest) + "); run a newer tributary");
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *current) continue;
    if (auto status = ApplyOne(db, migration); !status) return status;
  }
  return Ok();
}

}  // namespace tributary::store
