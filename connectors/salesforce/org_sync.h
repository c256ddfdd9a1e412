// The configured objects of one Salesforce org synced into the store. Per object: an
// initial load (Bulk API 2.0 from bulk_threshold records, else REST), then changes by
// (SystemModstamp, Id) keyset, deletes from getDeleted, and an id sweep when the deletes
// mark is older than the 15-day window. Every page is applied with its cursor in one
// transaction: a crash at any point resumes without loss or duplicates.
//
// Not thread-safe: one per connector thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/salesforce/object_cursor.h"
#include "connectors/salesforce/salesforce_config.h"
#include "connectors/salesforce/sf_api.h"
#include "gateway/common/clock.h"
#include "gateway/common/metrics.h"
#include "gateway/mapping/mapping.h"
#include "gateway/store/store.h"

namespace tributary::connectors::salesforce {

struct SyncContext {
  std::string connector;
  std::string tenant;
  std::string legal_entity;
  Metrics* metrics = nullptr;
  std::function<void()> notify_changes;  // after a commit that appended changes
  const Clock* clock = &MachineClock();
  // The value of the "api_use" cursor to commit with every page (the connector's own
  // request count, so that it survives a restart); empty: none.
  std::function<std::string()> usage_cursor;
};

// One configured object with its loaded mapping and the fields its query selects.
struct SyncedObject {
  const SalesforceObject* config = nullptr;
  std::unique_ptr<mapping::Mapping> mapping;
  std::vector<std::string> fields;     // Id, SystemModstamp, then the mapping's paths
  std::vector<std::string> entities;   // canonical entities the mapping produces
  bool probed = false;                 // org-dependent fields checked since the start
};

// Loads every object's mapping and checks its parameter overrides; an error names every
// problem.
Result<std::vector<SyncedObject>> LoadObjects(const SalesforceConfig& settings);

class OrgSync {
 public:
  OrgSync(const SalesforceConfig& settings, SyncContext context, store::Store& store, SalesforceApi& api,
          std::vector<SyncedObject> objects);

  // One pass over every object, in config order. Errors leave each cursor where its last
  // commit put it.
  Status Pass(std::stop_token stop);

  // Stops after `commits` more page commits with kCancelled (tests: a crash between pages).
  void StopAfterCommits(int commits) { commits_left_ = commits; }

 private:
  Status SyncObject(SyncedObject& object, std::stop_token stop);
  Result<ObjectCursor> ReadCursor(const SyncedObject& object);
  Status SaveCursor(const SyncedObject& object, const ObjectCursor& cursor);
  // Drops CurrencyIsoCode from the selected fields when the org has no such field.
  Status Probe(SyncedObject& object, std::stop_token stop);
  Result<ObjectCursor> Start(SyncedObject& object, ObjectCursor cursor, std::stop_token stop);
  Result<ObjectCursor> Changes(SyncedObject& object, ObjectCursor cursor, std::stop_token stop);
  Result<ObjectCursor> Bulk(SyncedObject& object, ObjectCursor cursor, std::stop_token stop);
  Result<ObjectCursor> Deletes(SyncedObject& object, ObjectCursor cursor, std::stop_token stop);
  Result<ObjectCursor> Sweep(SyncedObject& object, ObjectCursor cursor, std::stop_token stop);
  // Every Id of `object` (SELECT Id … WHERE <where>).
  Result<std::set<std::string>> ListIds(const SyncedObject& object, std::stop_token stop);
  // A query that failed: INVALID_FIELD names the object and the field.
  Error QueryFailed(const SyncedObject& object, const Error& error, const std::vector<SalesforceError>& refusal);

  // Maps `json_lines` (records of `object`), deletes `deletes` (keys), and saves `next`,
  // in one batch.
  Status Apply(const SyncedObject& object, const std::string& json_lines, int64_t records,
               const std::vector<std::string>& deletes, const ObjectCursor& next, const std::string& call,
               std::stop_token stop);

  std::string Select(const SyncedObject& object) const;
  std::vector<std::string> Required(const SyncedObject& object) const;
  int64_t NowMs() const;

  const SalesforceConfig& settings_;
  SyncContext context_;
  store::Store& store_;
  SalesforceApi& api_;
  std::vector<SyncedObject> objects_;
  int commits_left_ = -1;  // -1: no limit
};

}  // namespace tributary::connectors::salesforce
