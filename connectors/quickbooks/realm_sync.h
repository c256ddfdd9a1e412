// One QuickBooks company synced into the store: the initial load (query endpoint, paged),
// then change data capture from the last high-water mark, with deletes; and, when the mark
// is older than the 30-day CDC window, a catch-up by query plus an id sweep that finds the
// deletes, before CDC resumes. Every step commits its changes and its cursor in one
// transaction, so a crash at any point resumes without loss or duplicates.
//
// The 30-day judgement uses QuickBooks' own clock: the `time` of its answers (a CDC answer
// refusing an old changedSince carries it), and between answers our clock corrected by the
// offset the last answer showed.
//
// Not thread-safe: one per connector thread.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/quickbooks/object_mapper.h"
#include "connectors/quickbooks/qbo_api.h"
#include "connectors/quickbooks/qbo_response.h"
#include "connectors/quickbooks/sync_cursor.h"
#include "gateway/common/clock.h"
#include "gateway/common/metrics.h"
#include "gateway/store/store.h"

namespace tributary::connectors::quickbooks {

struct SyncContext {
  std::string connector;
  std::string tenant;
  std::string legal_entity;
  Metrics* metrics = nullptr;
  std::function<void()> notify_changes;  // after a commit that appended changes
  const Clock* clock = &MachineClock();
};

// The canonical entity a QuickBooks entity maps to ("Invoice" -> "receivable").
std::string CanonicalEntityOf(std::string_view entity);
// The key of a QuickBooks object: `<connector>:<canonical entity>:<Id>`.
std::string KeyOf(const std::string& connector, std::string_view entity, const std::string& id);
// The prefix of the allocation keys of payment `id`: `<connector>:allocation:<Id>-`.
std::string AllocationPrefix(const std::string& connector, const std::string& payment_id);

class RealmSync {
 public:
  RealmSync(const QuickBooksConfig& settings, SyncContext context, store::Store& store, QboApi& api,
            ObjectMapper& mapper);

  // One pass: resumes the load, the sweep or CDC where the cursor says, until CDC has
  // caught up (or `stop`). Errors leave the cursor where the last commit put it.
  Status Pass(std::stop_token stop);

 private:
  Result<SyncCursor> ReadCursor();
  // One page of the load; returns the next cursor.
  Result<SyncCursor> LoadPage(const SyncCursor& cursor, std::stop_token stop);
  Result<SyncCursor> Sweep(const SyncCursor& cursor, std::stop_token stop);
  // One CDC request; returns the next cursor and whether another request is due at once.
  Result<std::pair<SyncCursor, bool>> CdcStep(const SyncCursor& cursor, std::stop_token stop);
  // Every id of `entity` in QuickBooks.
  Result<std::set<std::string>> ListIds(const std::string& entity, std::stop_token stop);
  // Of `ids`, those that exist as `entity` in QuickBooks.
  Result<std::set<std::string>> ExistingIds(const std::string& entity, const std::vector<std::string>& ids,
                                            std::stop_token stop);
  // Applies fetched objects (upserts through the mappings, deleted stubs as deletes), the
  // extra `deletes` (keys), and `next` as the cursor, in one batch.
  Status Apply(const std::vector<QboObject>& objects, const std::vector<std::string>& deletes,
               const SyncCursor& next, const std::string& call, const std::string& body,
               const std::string& response_time, std::stop_token stop);
  int64_t Now() const;
  // QuickBooks' clock as last seen: our clock plus the offset its last answer showed.
  int64_t ServerNow() const { return Now() + server_offset_; }
  void NoteServerTime(const std::string& time);

  const QuickBooksConfig& settings_;
  SyncContext context_;
  store::Store& store_;
  QboApi& api_;
  ObjectMapper& mapper_;
  int64_t server_offset_ = 0;  // seconds QuickBooks' clock is ahead of ours (0 until an answer says)
};

}  // namespace tributary::connectors::quickbooks
