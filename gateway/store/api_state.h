// The state of API source connectors: batches of
// fetched records applied in one transaction together with the sync cursor they advance,
// named cursors, and OAuth grants whose rotating refresh tokens must never be lost.
//
// Reached through Store::api(). Same thread-safety as the Store it belongs to: one thread
// at a time; every thread opens its own Store.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/model/record_sink.h"
#include "gateway/store/action_jobs.h"

namespace tributary::store {

// The reason of the `close` change that records a delete in the source system.
inline constexpr std::string_view kCloseReasonDeletedInSource = "deleted_in_source";

struct ApiBatchOptions {
  std::string connector;
  // What was fetched, in words: the ledger row's name and every record's provenance file,
  // e.g. "cdc changedSince=2026-07-01T00:00:00-07:00".
  std::string call;
  std::string sha256;  // lowercase hex SHA-256 of the fetched bytes
  int64_t size = 0;    // of the fetched bytes
  // Entities whose key may come more than once in one batch; any other repeat is a reject.
  std::vector<std::string> repeatable_entities;
  std::string legal_entity;  // as ApplyOptions::legal_entity
};

struct ApiBatchOutcome {
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t deleted = 0;
  int64_t rejects = 0;
  int64_t first_seq = 0;  // outbox range the batch produced; 0 when none
  int64_t last_seq = 0;
};

// One batch of fetched records, deletes and cursor moves, applied in ONE SQLite transaction
// (a crash leaves all of it or none). Records and rejects go in through the RecordSink
// interface, with the change detection of file ingestion (content hash, versions, outbox);
// the batch is recorded in the file ledger under ApiBatchOptions::call. Holds the write
// lock until Commit() or destruction (rollback); its Store refuses other writes meanwhile.
class ApiBatch : public model::RecordSink {
 public:
  ~ApiBatch() override = default;
  // Records that `key` was deleted in the source: lifecycle "deleted", version + 1 and a
  // `close` change with reason kCloseReasonDeletedInSource. Idempotent: nothing happens (and
  // false is returned) when the key is unknown or already deleted.
  virtual Result<bool> Delete(const std::string& key) = 0;
  // Keys starting with `prefix` whose lifecycle is not "deleted", sorted. Sees the batch's
  // own uncommitted work.
  virtual Result<std::vector<std::string>> LiveKeysWithPrefix(const std::string& prefix) = 0;
  // Sets the connector's cursor `name` to `value`, committed with the rest.
  virtual Status SetCursor(const std::string& name, const std::string& value) = 0;
  // Keeps a document the batch's records refer to (a credit report), committed with the
  // rest; idempotent by sha256.
  virtual Status SaveProof(const StoredProof& proof) = 0;
  virtual Result<ApiBatchOutcome> Commit() = 0;
};

// Who granted what: one OAuth grant per provider, app and account (the tenant, company
// or organisation the grant opens).
struct GrantId {
  std::string provider;   // the connector type
  std::string client_id;  // the app
  std::string account;    // the provider's account id
};

enum class GrantState {
  kActive,
  kConsentNeeded,  // the provider refused the refresh token (invalid_grant): a person must consent again
  // The stored tokens do not decrypt with the key file (another key, a missing key file, an
  // altered or moved value): a person must consent again. Only read, never stored; the
  // tokens are empty and `problem` says why.
  kUndecryptable,
};

// The tokens are stored encrypted (secret_box.h) under the key file KeyFile(); a token
// stored in plain text by an earlier version is read as is and encrypted at its next save
// or by SealStoredGrants().
struct OAuthGrant {
  GrantId id;
  GrantState state = GrantState::kActive;
  // +1 at every save. A refresher that read generation N and finds N+1 under the lock knows
  // someone else already refreshed, and uses that token instead of retiring it again.
  int64_t generation = 0;
  std::string refresh_token;
  std::string access_token;
  int64_t access_expires_at = 0;        // unix seconds, by our clock; 0 = unknown
  int64_t refresh_expires_at = 0;       // rolling expiry of the refresh token; 0 = unknown
  int64_t refresh_hard_expires_at = 0;  // the hard (maximum) expiry; 0 = unknown
  std::string problem;                  // why consent is needed, in the provider's words
  std::string updated_at;
  // Where the API calls go, when the token answer names it (an instance URL); "" when
  // the provider's API lives at a fixed address. Not secret.
  std::string endpoint;
};

// A grant row locked for a refresh: holds the database write lock (BEGIN IMMEDIATE, which
// also excludes other processes) until Save() or destruction (rollback). The caller may talk
// to the token endpoint while holding it: exactly one refresh of a grant runs at a time.
class GrantUpdate {
 public:
  virtual ~GrantUpdate() = default;
  // The grant as stored when the lock was taken; nullopt when there is none yet.
  [[nodiscard]] virtual const std::optional<OAuthGrant>& current() const = 0;
  // Stores `grant` (generation set to current + 1, or 1) and commits, releasing the lock.
  // Returns the stored grant. May be called once.
  virtual Result<OAuthGrant> Save(OAuthGrant grant) = 0;
};

// A consent started by `tributary auth` and not completed yet: the `state` parameter that
// the authorization redirect must bring back.
struct PendingConsent {
  std::string state;      // random, unguessable
  std::string connector;
  int64_t expires_at = 0;  // unix seconds
};

class ApiState {
 public:
  virtual ~ApiState() = default;

  // Starts a batch (takes the write lock, waiting the busy timeout, then kUnavailable).
  virtual Result<std::unique_ptr<ApiBatch>> BeginBatch(const ApiBatchOptions& options) = 0;
  // The connector's cursor `name`; nullopt when never set.
  virtual Result<std::optional<std::string>> GetCursor(const std::string& connector,
                                                       const std::string& name) = 0;
  // Sets a cursor in a transaction of its own (a pass that found nothing new).
  virtual Status SetCursor(const std::string& connector, const std::string& name,
                           const std::string& value) = 0;
  // Keys starting with `prefix` whose lifecycle is not "deleted", sorted (committed state).
  virtual Result<std::vector<std::string>> LiveKeysWithPrefix(const std::string& prefix) = 0;

  // The grant; its state is kUndecryptable when its tokens do not decrypt. An error when
  // the key file is unusable (readable by group or others, wrong size).
  virtual Result<std::optional<OAuthGrant>> GetGrant(const GrantId& id) = 0;
  // Locks the grant for an update (see GrantUpdate).
  virtual Result<std::unique_ptr<GrantUpdate>> LockGrant(const GrantId& id) = 0;

  // The key file of the grants' tokens: `<state folder>/tributary.key`, created at the
  // first save of a grant.
  [[nodiscard]] virtual const std::string& KeyFile() const = 0;
  // Checks the key file when it exists (an error when it is unusable) and encrypts, in one
  // transaction, the grants an earlier version stored in plain text (creating the key file
  // when there is one). The daemon runs it at start.
  virtual Status SealStoredGrants() = 0;

  virtual Status SavePendingConsent(const PendingConsent& consent) = 0;
  // Removes and returns the pending consent `state` if it exists and has not expired at
  // `now` (unix seconds). A state is usable once.
  virtual Result<std::optional<PendingConsent>> TakePendingConsent(const std::string& state,
                                                                   int64_t now) = 0;
};

}  // namespace tributary::store
