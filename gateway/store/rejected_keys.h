// What a snapshot learns from the rejects of one file (model::Reject::entities): the keys
// of rejected records, kept exactly as they are instead of closed by absence, and the
// entities with rejected records whose key could not be computed, whose closes by absence
// are withheld for this file (the store cannot tell which stored record such a row was).
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
#include "gateway/store/store.h"

namespace tributary::store {

class RejectedKeys {
 public:
  // Rejected records without a key, of one entity.
  struct Keyless {
    int64_t records = 0;
    std::vector<int64_t> lines;  // the first kMaxWithheldLines
    int64_t last_line = -1;      // the rejects of one record share a line: counted once
  };

  // Notes the entities `reject` names, keeping only those in `closing` (the entities a
  // snapshot closes by absence).
  void Add(const model::Reject& reject, std::span<const std::string> closing);

  // Canonical keys of rejected records. Memory grows with the number of rejects.
  [[nodiscard]] const std::set<std::string>& kept() const { return kept_; }
  // By entity: rejected records without a key.
  [[nodiscard]] const std::map<std::string, Keyless, std::less<>>& keyless() const { return keyless_; }
  [[nodiscard]] bool Withholds(std::string_view entity) const { return keyless_.contains(entity); }

 private:
  std::set<std::string> kept_;
  std::map<std::string, Keyless, std::less<>> keyless_;
};

// `withheld` for one entity: its keyless records from `keys`, and `closes` not made.
WithheldCloses MakeWithheld(const RejectedKeys& keys, const std::string& entity, int64_t closes);

// "3 closes withheld: 2 rejected receivable rows have no key (lines 14, 90)"; several
// entities are joined with "; ". Empty when `withheld` is.
std::string WithheldReason(std::span<const WithheldCloses> withheld);

}  // namespace tributary::store
