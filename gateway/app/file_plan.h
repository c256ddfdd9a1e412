// What applying one file would change, computed against a read-only view of the store
// without writing anything: the engine of `tributary plan`. The decisions are the store's
// own (store/change_decision.h, store/snapshot_guard.h), so the plan predicts exactly
// what the daemon would apply at that moment.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/mapping/mapping.h"
#include "gateway/model/record_sink.h"
#include "gateway/store/plan_queries.h"
#include "gateway/store/rejected_keys.h"
#include "gateway/store/store.h"

namespace tributary::app {

// Distinct keys of one entity by what the file does to them. A key met on several
// records (a customer on every open item) counts once: created, or updated when any of
// its records changes it, else unchanged.
struct EntityPlan {
  std::string entity;
  int64_t created = 0;
  int64_t updated = 0;    // includes keys closed by absence that come back (reopened)
  int64_t unchanged = 0;
  int64_t closed = 0;     // closed by absence from this snapshot
};

// The open balance of active receivables in the whole store (as /metrics reports it),
// signed minor units: credit notes and payments on account lower it.
struct BalancePlan {
  std::string currency;
  model::MinorUnitsSum before_minor = 0;
  model::MinorUnitsSum after_minor = 0;
};

// One receivable whose open amount the file changes (signed minor units, 0 when it is not
// or no longer open).
struct ItemChange {
  std::string change;  // "created" | "updated" | "closed"
  std::string entity;
  std::string key;
  std::string currency;
  int64_t before_minor = 0;
  int64_t after_minor = 0;
  int64_t line = 0;  // the record's line in the file; 0 for a close
};

// The snapshot truncation guard, as BeginFile/Commit would evaluate it.
struct GuardPlan {
  int64_t would_close = 0;
  int64_t active = 0;  // active closing entities of the feed before the file
  int64_t max_close_ppm = 0;
  bool trips = false;       // the file would be quarantined, nothing of it applied
  std::string reason;       // the quarantine's words when it trips
};

struct FilePlan {
  bool store_exists = true;                 // false: no database yet, everything is new
  std::optional<store::FileEntry> known;    // the ledger's entry of this exact content
  mapping::RunStats stats;
  int64_t records = 0;
  int64_t rejects = 0;                      // the mapping's and the store's (duplicate keys)
  std::vector<model::Reject> reject_samples;  // the first kMaxRejectSamples, in file order
  std::vector<EntityPlan> entities;         // in the mapping's order
  std::vector<BalancePlan> balances;        // by currency; only currencies with receivables
  std::vector<ItemChange> biggest;          // by size of the change, largest first
  std::optional<GuardPlan> guard;           // snapshot feeds with a guard, file not released
  // Snapshot feeds: active entities absent from the file but named by a rejected record's
  // key, kept as stored instead of closed.
  int64_t kept = 0;
  // Snapshot feeds: closes not made because rejected records of the entity have no key
  // but name their customer (store/rejected_keys.h), and the sentence the daemon logs.
  std::vector<store::WithheldCloses> withheld;
  std::string withheld_reason;
  // Snapshot feeds, file not released: entities whose closes rejected records with
  // neither key nor customer hold back, and the quarantine's reason. Not empty: the file
  // would be quarantined, nothing of it applied.
  std::vector<store::UnreadableRejects> unreadable;
  std::string unreadable_reason;
};

inline constexpr size_t kMaxRejectSamples = 10;
inline constexpr size_t kMaxBiggestChanges = 10;

// Everything the plan needs to know about where the file would go.
struct PlanTarget {
  const mapping::Mapping* mapping = nullptr;
  store::ApplyOptions options;      // feed, mode, closing and repeatable entities, guard
  mapping::MappingContext context;  // as the connector would fill it for this file
  std::string connector;
};

// Maps `input` and compares each record with `snapshot` (nullptr: no database yet).
// Errors: the file is unusable (the mapping's error), or a store read failed. Memory
// grows with the number of distinct keys in the file (a hash table entry per key).
Result<FilePlan> PlanFile(std::istream& input, const PlanTarget& target, store::StoreSnapshot* snapshot);

}  // namespace tributary::app
