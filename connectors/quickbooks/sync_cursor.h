// Where a QuickBooks connector is in its sync, persisted (as JSON, cursor "sync") in the
// same transaction as the changes it covers.
//
//   load  -> paging each entity with the query endpoint, oldest change first; keyset on
//            Metadata.LastUpdatedTime: `after` is the last time read and `skip` how many
//            objects with exactly that time were read already. The initial load has no
//            `since`; a catch-up after a gap longer than the CDC window reads only what
//            changed since `since` and is followed by a sweep.
//   sweep -> lists every id and deletes what the store has and QuickBooks no longer has.
//   cdc   -> change data capture since `since` (a `time` QuickBooks wrote).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::connectors::quickbooks {

struct SyncCursor {
  enum class Phase { kLoad, kSweep, kCdc };
  Phase phase = Phase::kLoad;
  std::string since;    // cdc: the high-water mark; load/sweep: the old mark of a catch-up ("" = initial load)
  std::string started;  // load/sweep: the server `time` of the first answer of the load (the next cdc mark)
  std::string entity;   // load: the entity being paged
  std::string after;    // load: keyset position (a LastUpdatedTime as written), "" = from the start
  int64_t skip = 0;     // load: objects at exactly `after` already read
  bool sweep = false;   // load: a sweep follows (a catch-up)
  // The entities this sync covers. When the config names one more, everything is loaded
  // again (unchanged records cost no change) so the new one is not only synced from now on.
  std::vector<std::string> entities;

  [[nodiscard]] std::string ToJson() const;
  static Result<SyncCursor> FromJson(const std::string& text);
  // The first step of an initial load of `entities` (in order).
  static SyncCursor InitialLoad(const std::vector<std::string>& entities);
  // The first step of a catch-up from the stale mark `since`.
  static SyncCursor CatchUp(const std::string& since, const std::vector<std::string>& entities);
};

std::string_view PhaseName(SyncCursor::Phase phase);

}  // namespace tributary::connectors::quickbooks
