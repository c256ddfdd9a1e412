// The groups of one grouped entity during a run: each group's key, a copy of its first
// record, its aggregates, and whether one of its records failed. Memory is proportional to
// the number of groups. Internal to the mapping module; single-threaded.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/mapping/expression_eval.h"
#include "gateway/mapping/record_builder.h"

namespace tributary::mapping {

// The key of the group `source` belongs to in `rule`: its by-parts joined, or nullopt when
// a part fails or is empty (a reject added to `rejects` when given). `shown` gets the
// parts as a person reads them ("411CLI1 | F001").
std::optional<std::string> GroupKeyOf(Evaluator& evaluator, const EntityRule& rule, const RecordSource& source,
                                      std::vector<PendingReject>* rejects, std::string* shown);

class GroupTable {
 public:
  struct Aggregate {
    bool set = false;
    Value value;                        // its text, when kText, lives in `text`
    std::string text;
    std::vector<std::string> distinct;  // concat
    int64_t count = 0;
  };
  struct Group {
    std::string key;                    // the by-parts, for messages ("411CLI1 | F001")
    int64_t line = 0;                   // the first record's
    std::string location;
    std::string raw;
    // The first record's fields: text and, per field, offset, size, present, column.
    std::string texts;
    struct Span {
      size_t offset = 0;
      size_t size = 0;
      bool present = false;
      int column = 0;
    };
    std::vector<Span> spans;
    // csv/fixed_width: every column of the first record, for `raw`.
    std::string column_texts;
    std::vector<std::pair<size_t, size_t>> column_spans;
    std::vector<Aggregate> aggregates;
    std::optional<PendingReject> failure;  // a record of the group was rejected
    int64_t failure_line = 0;
  };

  explicit GroupTable(const EntityRule& rule) : rule_(rule) {}

  // Adds one record (already past the entity's filter): computes its key and folds its
  // values into the group's aggregates. Rejects of the record itself (a key that cannot be
  // computed) go to `rejects`; a failing aggregate marks the whole group failed.
  void Add(Evaluator& evaluator, const readers::SourceRecord& record, const RecordSource& source,
           std::vector<PendingReject>& rejects);

  // Marks the group of `key` failed (a record of it was malformed), if it exists.
  void Fail(const std::string& key, int64_t line, const PendingReject& reason);

  [[nodiscard]] std::deque<Group>& groups() { return groups_; }

  // The scope of `group`: its first record's fields and its aggregates, valid until the
  // next call with the same buffers. Joins `concat` aggregates into the group.
  EvalScope Scope(Group& group, std::vector<readers::FieldValue>& fields, std::vector<Value>& aggregates) const;
  // The first record's columns (csv/fixed_width), for `raw`.
  static void Columns(const Group& group, std::vector<std::string_view>& columns);

 private:
  void Fold(Evaluator& evaluator, Aggregate& aggregate, const AggregateRule& rule, const Value& value);

  const EntityRule& rule_;
  std::deque<Group> groups_;  // in the order of their first record
  std::unordered_map<std::string, size_t> index_;
  std::string key_;
};

}  // namespace tributary::mapping
