// One group of a grouped entity as a run knows it: its key, a copy of its first record, its
// aggregates and whether a record of it failed. The same struct holds a group kept in
// memory and a partial group read back from a spill run (group_spill.h). Internal to the
// mapping module.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/mapping/value.h"

namespace tributary::mapping {

// The value of one named aggregate (GroupRule::values) over the records folded so far.
struct GroupAggregate {
  bool set = false;
  Value value;                        // its text, when kText or kError, lives in `text`
  std::string text;
  std::vector<std::string> distinct;  // concat
  int64_t count = 0;
};

struct GroupState {
  // The by-parts joined by a separator byte no text holds: the group's identity, and the
  // order spill runs are sorted and merged in.
  std::string index_key;
  std::string key;    // the by-parts as a person reads them ("411CLI1 | F001"), for messages
  // False for a group that only a malformed record named (it fails the group, whenever its
  // first good record comes): such a group is never emitted nor counted.
  bool has_record = false;
  int64_t order = 0;  // the run's count of groups when its first record came: emission order
  int64_t line = 0;   // the first record's
  std::string location;
  // The first record's raw text (its first raw_size bytes), then its columns (csv/
  // fixed_width, for `raw`) and fields as spans of it: a column made of the raw text's
  // bytes (csv) and a field that is a view into its column share their text.
  std::string texts;
  uint32_t raw_size = 0;
  [[nodiscard]] std::string_view raw() const { return std::string_view(texts).substr(0, raw_size); }
  struct Span {
    uint32_t offset = 0;
    uint32_t size = 0;
    // Twelve bytes, no padding: spill files hold no undefined byte.
    int32_t column : 31 = 0;
    uint32_t present : 1 = 0;
  };
  static_assert(sizeof(Span) == 12);
  std::vector<Span> spans;
  struct ColumnSpan {
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  std::vector<ColumnSpan> column_spans;
  std::vector<GroupAggregate> aggregates;
  bool failed = false;  // a record of the group was rejected: the group is left out
  int64_t failure_line = 0;
};

// An estimate of the heap bytes `group` holds (its strings, vectors and allocator overhead),
// for the memory budget.
size_t GroupFootprint(const GroupState& group);
size_t AggregateFootprint(const GroupAggregate& aggregate);

}  // namespace tributary::mapping
