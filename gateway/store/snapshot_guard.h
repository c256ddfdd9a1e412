// The snapshot truncation guard: whether a snapshot closes too large a share of a feed's
// open items, and the words and diff that explain a quarantine. Exact integer arithmetic:
// ratios are parts per million.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::store {

inline constexpr int64_t kPartsPerMillion = 1'000'000;

// The configured share as parts per million, capped at 1 (a share above 1 never trips).
// kInvalidArgument for a negative or non-finite share.
Result<int64_t> CloseRatioToPpm(double max_close_ratio);

// True when would_close / active > max_close_ppm / 1e6 (an empty feed never trips).
bool CloseGuardTrips(int64_t would_close, int64_t active, int64_t max_close_ppm);

// A ratio in parts per million with at least three decimals: 600000 → "0.600",
// 333333 → "0.333333", 1000000 → "1.000".
std::string FormatPpmRatio(int64_t ppm);

// One of the entities a quarantined snapshot would have closed.
struct CloseSample {
  std::string key;
  std::optional<int64_t> open_minor;  // receivables: magnitude in minor units
  std::string currency;
};

// "snapshot would close 6 of 10 open items (60%), above the guard of 20%"
std::string QuarantineReason(int64_t would_close, int64_t active, int64_t max_close_ppm);

// Rejected records of one closing entity with neither key nor customer: any absent record
// of the entity may be one of them, so the snapshot's closes of that entity are not made
// silently; the file is quarantined like a truncated one (same release and discard).
struct UnreadableRejects {
  std::string entity;
  int64_t closes = 0;          // closes of the entity the snapshot would make
  int64_t rows = 0;            // the rejected records
  std::vector<int64_t> lines;  // their lines, the first kMaxWithheldLines
};

// "snapshot would close 9 receivables, but 2 rejected receivable rows have neither key nor
// customer (lines 14, 90)"; several entities are joined with "; ".
std::string UnreadableRejectsReason(std::span<const UnreadableRejects> unreadable);

// {"would_close":6,"active":10,"ratio":"0.600","max_close_ratio":"0.200","would_create":N,
//  "would_update":N,"sample":[{"key":…,"open_amount":"12.50","currency":"EUR"},…]}
// `active` and the ratios are null when the feed has no guard; with `unreadable`, a member
// "unreadable_rejects":[{"entity","closes","rows","lines"}] follows the sample.
std::string QuarantineDiffJson(int64_t would_close, std::optional<int64_t> active,
                               std::optional<int64_t> max_close_ppm, int64_t would_create,
                               int64_t would_update, std::span<const CloseSample> sample,
                               std::span<const UnreadableRejects> unreadable = {});

}  // namespace tributary::store
