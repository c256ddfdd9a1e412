// Retention: what the store forgets, and when. Delivered changes past their retention are
// compacted to each key's latest change (so the change feed from seq 0 still rebuilds the
// whole current state); rejects and finished ledger rows past theirs are deleted.
//
// The rule for an outbox row (gateway/store/README.md, "Retention"): it is deleted only
// when (a) it is past the change retention (older than `changes_max_age` and more than
// `changes_kept` changes behind the newest), (b) delivered when push is on (seq <=
// push_state.delivered_seq), (c) a later change of the same key exists, (d) no entity's
// `data_seq` names it, and (e) no dead letter waiting for a replay names it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace tributary::store {

struct RetentionPolicy {
  // Changes stay in the feed as they were for at least this long; nullopt: forever (no
  // change is ever compacted).
  std::optional<std::chrono::seconds> changes_max_age = std::chrono::days(30);
  // The newest `changes_kept` changes always stay, whatever their age.
  int64_t changes_kept = 0;
  // True when the changes are pushed to a core: an undelivered change is never removed.
  // False when the core pulls the feed (the store cannot know what it has read).
  bool require_delivered = false;
  // Rejects older than this are deleted; nullopt: kept forever.
  std::optional<std::chrono::seconds> rejects_max_age = std::chrono::days(90);
  // Ledger rows finished this long ago (archived, discarded or failed, by their last
  // update) are deleted once nothing refers to them; nullopt: kept forever.
  std::optional<std::chrono::seconds> files_max_age = std::chrono::days(365);
  // Rows deleted per transaction: the write lock is held for one batch at a time.
  int64_t batch_rows = 10000;
};

// What one pass removed.
struct RetentionReport {
  int64_t changes_removed = 0;
  int64_t rejects_removed = 0;
  int64_t files_removed = 0;
  // False when a stop cut the pass short; what was removed until then stays removed.
  bool complete = true;
};

// "removed 3 changes, 2 rejects, 1 ledger row" (for logs and `tributary compact`).
std::string DescribeRetention(const RetentionReport& report);

}  // namespace tributary::store
