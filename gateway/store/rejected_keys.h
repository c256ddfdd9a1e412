// What a snapshot learns from the rejects of one file (model::Reject::entities), for each
// entity it closes by absence:
// - a rejected record with a key keeps that key exactly as stored instead of closing it;
// - one without a key but with a readable customer withholds the closes of that
//   customer's records of the entity for this file (the store cannot tell which of them
//   the row was; the rest of the feed closes normally);
// - one with neither is unreadable: any absent record of the entity may be it, so the
//   file's closes of that entity are not made silently: the file is quarantined
//   (snapshot_guard.h) until an admin releases or discards it.
// Shared by FileApplication and `tributary plan`, so the plan predicts the same.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/model/record_sink.h"
#include "gateway/store/snapshot_guard.h"
#include "gateway/store/store.h"

namespace tributary::store {

class RejectedKeys {
 public:
  // Rejected records of one entity, counted once per record (its rejects share a line).
  struct Rows {
    int64_t records = 0;
    std::vector<int64_t> lines;  // the first kMaxWithheldLines
    int64_t last_line = -1;

    void Add(int64_t line);
  };
  // The rejected records of one entity that had no key.
  struct Keyless {
    Rows of_customers;                // with a customer: they withhold its closes
    std::set<std::string> customers;  // the customers they name (canonical keys)
    Rows unreadable;                  // with neither key nor customer
  };

  // Notes the entities `reject` names, keeping only those in `closing` (the entities a
  // snapshot closes by absence). A keyless entity's customer is its `customer`, else the
  // key of the `customer` entity the same reject names.
  void Add(const model::Reject& reject, std::span<const std::string> closing);

  // Canonical keys of rejected records. Memory grows with the number of rejects.
  [[nodiscard]] const std::set<std::string>& kept() const { return kept_; }
  // By entity: rejected records without a key.
  [[nodiscard]] const std::map<std::string, Keyless, std::less<>>& keyless() const { return keyless_; }

  // Whether the close by absence of a stored record of `entity` whose `customer` member
  // is `customer` ("" when it has none) is withheld: a rejected record of the entity
  // named that customer but no key. A record without a customer is withheld as soon as
  // any keyless record of its entity named one (it may be that record). The one rule
  // FileApplication and the plan follow for each close candidate.
  [[nodiscard]] bool WithholdsClose(std::string_view entity, std::string_view customer) const;
  // Whether rejected records of `entity` had neither key nor customer.
  [[nodiscard]] bool HasUnreadable(std::string_view entity) const;

 private:
  std::set<std::string> kept_;
  std::map<std::string, Keyless, std::less<>> keyless_;
};

// `withheld` for one entity: its keyless records with a customer from `keys`, and
// `closes` not made.
WithheldCloses MakeWithheld(const RejectedKeys& keys, const std::string& entity, int64_t closes);

// "3 closes of customer erp:customer:C1 withheld: 2 rejected receivable rows have no key
// (lines 14, 90)"; several entities are joined with "; ". Empty when `withheld` is.
std::string WithheldReason(std::span<const WithheldCloses> withheld);

// `keys`' unreadable records of `entity` as the quarantine reports them.
UnreadableRejects MakeUnreadable(const RejectedKeys& keys, const std::string& entity, int64_t closes);

}  // namespace tributary::store
