// One group of a grouped entity as a run knows it: its key, its first record, its
// aggregates and whether a record of it failed, in one compact block. The same struct
// holds a group kept in memory and a partial group read back from a spill run
// (group_spill.h). Internal to the mapping module.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "gateway/mapping/value.h"

namespace tributary::mapping {

// The value of one named aggregate (GroupRule::values) over the records folded so far, in
// 24 plain bytes. Its text, when it has one, is in the group's aggregate texts.
struct GroupAggregate {
  // kDecimal: the units' low 64 bits. kDate, kInteger and `count`: the number. kText and
  // kError (and `concat`, whose text is its list of distinct values, each a varint size
  // and its bytes): where the text is among the group's aggregate texts, offset << 32 | size.
  uint64_t low = 0;
  int64_t high = 0;  // kDecimal: the units' high 64 bits
  int32_t column = 0;
  Value::Kind kind = Value::Kind::kNull;
  bool set = false;
  bool flag = false;  // kBool
  int8_t scale = 0;   // kDecimal

  // kDecimal: the units, from low and high.
  [[nodiscard]] __int128 units() const {
    return static_cast<__int128>(static_cast<unsigned __int128>(static_cast<uint64_t>(high)) << 64 | low);
  }
};
static_assert(sizeof(GroupAggregate) == 24);

struct GroupState {
  // [aggregate_count GroupAggregates][index key][first record, packed (group_record.h)]
  // [aggregate texts]. The index key is the by-parts joined by a separator byte no text
  // holds: the group's identity, and the order spill runs are sorted and merged in.
  std::string data;
  int64_t order = 0;  // the run's count of groups when its first record came: emission order
  int64_t line = 0;   // the first record's
  int64_t failure_line = 0;
  uint32_t key_size = 0;
  // 0 for a group that only a malformed record named (it fails the group, whenever its
  // first good record comes): such a group is never emitted nor counted.
  uint32_t record_size = 0;
  uint16_t aggregate_count = 0;
  bool failed = false;  // a record of the group was rejected: the group is left out

  [[nodiscard]] bool has_record() const { return record_size > 0; }
  [[nodiscard]] std::string_view index_key() const {
    return std::string_view(data).substr(aggregate_count * sizeof(GroupAggregate), key_size);
  }
  [[nodiscard]] std::string_view record() const { return std::string_view(data).substr(record_begin(), record_size); }
  [[nodiscard]] size_t record_begin() const { return aggregate_count * sizeof(GroupAggregate) + key_size; }
  [[nodiscard]] size_t texts_begin() const { return record_begin() + record_size; }
  [[nodiscard]] std::string_view texts() const { return std::string_view(data).substr(texts_begin()); }
  [[nodiscard]] GroupAggregate aggregate(size_t i) const {
    GroupAggregate aggregate;
    std::memcpy(&aggregate, data.data() + i * sizeof(GroupAggregate), sizeof(GroupAggregate));
    return aggregate;
  }
  void set_aggregate(size_t i, const GroupAggregate& aggregate) {
    std::memcpy(data.data() + i * sizeof(GroupAggregate), &aggregate, sizeof(GroupAggregate));
  }
  // The first record's raw text and location (empty without a record).
  [[nodiscard]] std::string_view raw() const;
  [[nodiscard]] std::string_view location() const;
};

// An estimate of the heap bytes `group` holds, with its entry in a table's key index, for
// the memory budget.
size_t GroupFootprint(const GroupState& group);

}  // namespace tributary::mapping
