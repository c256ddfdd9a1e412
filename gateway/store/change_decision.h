// How the store decides what a mapped record changes: the one rule both applying a file
// (file_application.cc) and planning it (`tributary plan`) follow, so a plan predicts
// exactly what an application does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/model/canonical.h"

namespace tributary::store {

// What the store already holds of a record's key.
struct KnownContent {
  std::string hash;       // content hash of the current version
  std::string lifecycle;  // as stored ("closed_by_absence" after a snapshot closed it)
  bool seen_in_this_file = false;  // an earlier record of the same file carried the key
};

enum class RecordDecision {
  kCreate,     // unknown key: version 1, an upsert
  kUpdate,     // content or lifecycle changed (a key closed by absence comes back): upsert
  kUnchanged,  // same content and lifecycle: nothing sent, the key is only marked seen
  kDuplicate,  // a non-repeatable entity's key met twice in one file: the later is a reject
};

// The decision for a record of content `hash` and lifecycle `lifecycle` whose key the
// store holds as `known` (nullopt: never seen). `repeatable`: the entity's key may appear
// on several records of one file (customers repeated on every open item).
RecordDecision DecideRecord(const std::optional<KnownContent>& known, std::string_view hash,
                            std::string_view lifecycle, bool repeatable);

// The record's lifecycle: CanonicalRecord::lifecycle when the mapping engine set it, else
// the `lifecycle` member of its data, "active" when it has none.
std::string_view RecordLifecycle(const model::CanonicalRecord& record);

// The reason of a duplicate-key reject: "duplicate key <key> (first seen at line N)".
std::string DuplicateKeyReason(std::string_view key, int64_t first_line);

// An open amount as it counts in the open balance (Store::OpenBalances): stored amounts
// are magnitudes, and credit notes and payments on account lower the balance.
int64_t SignedOpenAmount(std::string_view kind, int64_t magnitude);

}  // namespace tributary::store
