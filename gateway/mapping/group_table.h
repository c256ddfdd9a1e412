// The groups of one grouped entity during a run: each group's key, a copy of its first
// record, its aggregates, and whether one of its records failed.
//
// Memory is bounded: groups stay in memory while the estimated size of all the run's tables
// fits their shared budget (GroupBudget); past it, the table holding the most writes its
// groups, sorted by key, as a spill run (group_spill.h) and starts again empty. At the end
// the runs are merged by key, the partial states of each group combined exactly (sums
// added, counts added, first/last/min/max/any/concat as if the records had been folded in
// one pass; Combine says the one exception, past 38 digits), and the groups come out in the
// order of their first record, exactly as without spilling. Input already sorted by the
// group key (each key in one stretch, keys ascending bytewise) is detected and needs
// neither sorting nor merging.
// Internal to the mapping module; single-threaded.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/mapping/expression_eval.h"
#include "gateway/mapping/group_state.h"
#include "gateway/mapping/record_builder.h"

namespace tributary::mapping {

class GroupStream;
class GroupTable;
class SpillFile;

// The key of the group `source` belongs to in `rule`: its by-parts joined by a separator
// byte, or nullopt when a part fails or is empty (a reject added to `rejects` when given).
std::optional<std::string> GroupKeyOf(Evaluator& evaluator, const EntityRule& rule, const RecordSource& source,
                                      std::vector<PendingReject>* rejects);

// GroupKeyOf into `key` (its buffer reused): false when a part fails or is empty.
bool GroupKeyInto(Evaluator& evaluator, const EntityRule& rule, const RecordSource& source,
                  std::vector<PendingReject>* rejects, std::string& key);

// A group key as a person reads it, for messages: "411CLI1 | F001".
std::string ShownKey(std::string_view key);

// The memory the group tables of one run share, and where they spill. Past it, the table
// holding the most writes its groups to a spill run. Outlives its tables; single-threaded.
class GroupBudget {
 public:
  // `spill_dir` "": DefaultSpillDir() ($TMPDIR, else /tmp).
  GroupBudget(size_t bytes, std::string spill_dir) : bytes_(bytes), spill_dir_(std::move(spill_dir)) {}
  GroupBudget(const GroupBudget&) = delete;
  GroupBudget& operator=(const GroupBudget&) = delete;

  [[nodiscard]] size_t bytes() const { return bytes_; }
  [[nodiscard]] const std::string& spill_dir() const { return spill_dir_; }

 private:
  friend class GroupTable;
  // The estimated bytes the tables hold, `except` left out.
  [[nodiscard]] size_t Held(const GroupTable* except = nullptr) const;

  size_t bytes_;
  std::string spill_dir_;
  std::vector<GroupTable*> tables_;
};

class GroupTable {
 public:
  using Group = GroupState;

  GroupTable(const EntityRule& rule, GroupBudget& budget);
  ~GroupTable();
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;

  // Adds one record (already past the entity's filter): computes its key and folds its
  // values into the group's aggregates. Rejects of the record itself (a key that cannot be
  // computed) go to `rejects`; a failing aggregate marks the whole group failed. An error
  // only when spilling fails (kIo).
  Status Add(Evaluator& evaluator, const readers::SourceRecord& record, const RecordSource& source,
             std::vector<PendingReject>& rejects);

  // Marks the group of `key` failed (a record of it was malformed), whether its first good
  // record came before or comes after. An error only when spilling fails (kIo).
  Status Fail(Evaluator& evaluator, const std::string& key, int64_t line);

  // Ends the adding (resets the evaluator's arena); then Next() gives each group once
  // (failed ones included, groups only a malformed record named left out) in the order of
  // its first record, and frees the table's memory after the last.
  Status Finish(Evaluator& evaluator);
  // The next group (nullptr at the end); valid until the following call.
  Result<Group*> Next();

  // The scope of `group`: its first record's fields and its aggregates, valid until the
  // next call. `columns` gets the first record's columns (csv/fixed_width, for `raw`).
  EvalScope Scope(const Group& group, std::vector<std::string_view>& columns, std::vector<readers::FieldValue>& fields,
                  std::vector<Value>& aggregates);

  // How many spill runs the table wrote (compactions included); 0 when it all fit.
  [[nodiscard]] int64_t spills() const { return spills_; }
  // The estimated bytes its groups hold in memory.
  [[nodiscard]] size_t bytes() const { return bytes_; }

 private:
  Result<Group*> Find(const std::string& key);
  void CopyFirstRecord(const readers::SourceRecord& record, Group& group);
  // The key index: open addressing, each slot (hash >> 32) << 32 | (group's place + 1).
  void Index();
  void IndexInsert(uint64_t hash, size_t place);  // grows the index when half full
  void Place(uint64_t hash, size_t place);
  void Fold(Evaluator& evaluator, Group& group, size_t i, const AggregateRule& rule, const Value& value);
  void Combine(Evaluator& evaluator, Group& into, Group& later) const;
  // Past the shared budget, spills the table that holds the most (this one or another).
  Status SpillIfOverBudget(Evaluator& evaluator);
  [[nodiscard]] bool CanSpill() const;
  Status Spill(Evaluator& evaluator);
  Status Compact(Evaluator& evaluator);
  Status OrderMerged(Evaluator& evaluator);

  const EntityRule& rule_;
  GroupBudget& budget_;
  std::string key_;              // Add: the record's group key (buffer reused)
  std::string scratch_;          // CopyFirstRecord, Fold: a packed record, a concat list
  std::deque<Group> groups_;     // in memory, in the order they were created
  std::vector<uint64_t> index_;  // index key -> groups_ (empty slot: 0); unused while sorted_
  size_t indexed_ = 0;           // groups in index_
  std::vector<std::string> joined_;  // Scope: each concat aggregate's values joined
  size_t bytes_ = 0;             // estimated footprint of groups_ and index_
  int64_t next_order_ = 0;
  // Every key so far came in ascending order, each in one stretch: groups_ is in key order,
  // the last group is the only one records can still join, and runs_ holds one run.
  bool sorted_ = true;
  std::vector<std::unique_ptr<SpillFile>> runs_;  // in the order of the records they cover
  int64_t spills_ = 0;
  std::unique_ptr<GroupStream> output_;
  std::vector<std::unique_ptr<Group>> merged_;  // Finish: merged groups kept in memory
};

}  // namespace tributary::mapping
