// GroupTable past its memory budget: spilling sorted runs, compacting them, and the
// external merge that gives the groups back in the order of their first record.
#include <algorithm>

#include "gateway/mapping/group_merge.h"
#include "gateway/mapping/group_spill.h"
#include "gateway/mapping/group_table.h"

namespace tributary::mapping {
namespace {

// A table merges its spill runs into one when it has this many, so a merge reads few
// files at once (file descriptors and stdio buffers stay bounded).
constexpr size_t kMaxRuns = 16;

Status WriteGroups(const std::vector<GroupState*>& groups, SpillFile& run) {
  for (const GroupState* group : groups) {
    if (auto status = run.Write(*group); !status) return status;
  }
  return Ok();
}

// Merges `runs` (each sorted by order) into one run sorted by order.
Result<std::unique_ptr<SpillFile>> MergeOrderRuns(std::vector<std::unique_ptr<SpillFile>>& runs,
                                                  const std::string& dir) {
  std::vector<std::unique_ptr<GroupStream>> streams;
  for (auto& run : runs) streams.push_back(ReadRun(std::move(run)));
  runs.clear();
  auto merged = SpillFile::Create(dir);
  if (!merged) return std::unexpected(merged.error());
  auto stream = MergeByOrder(std::move(streams));
  if (auto status = WriteRun(*stream, **merged); !status) return std::unexpected(status.error());
  return std::move(*merged);
}

}  // namespace

Status GroupTable::SpillIfOverBudget(Evaluator& evaluator) {
  if (budget_.Held() <= budget_.bytes()) return Ok();
  GroupTable* largest = nullptr;
  for (GroupTable* table : budget_.tables_) {
    if (table->CanSpill() && (largest == nullptr || table->bytes_ > largest->bytes_)) largest = table;
  }
  return largest == nullptr ? Ok() : largest->Spill(evaluator);
}

bool GroupTable::CanSpill() const {
  // Sorted input keeps its last group (records may still join it): nothing to gain from
  // spilling that one alone.
  return output_ == nullptr && groups_.size() >= (sorted_ ? 2u : 1u);
}

Status GroupTable::Spill(Evaluator& evaluator) {
  ++spills_;
  if (sorted_) {
    // Groups are already in key order and none of them but the last can grow: they extend
    // the one sorted run.
    if (runs_.empty()) {
      auto run = SpillFile::Create(budget_.spill_dir());
      if (!run) return std::unexpected(run.error());
      runs_.push_back(std::move(*run));
    }
    for (size_t i = 0; i + 1 < groups_.size(); ++i) {
      if (auto status = runs_.back()->Write(groups_[i]); !status) return status;
    }
    groups_.erase(groups_.begin(), groups_.end() - 1);
    bytes_ = GroupFootprint(groups_.back());
    return Ok();
  }
  std::vector<GroupState*> by_key;
  by_key.reserve(groups_.size());
  for (GroupState& group : groups_) by_key.push_back(&group);
  std::sort(by_key.begin(), by_key.end(),
            [](const GroupState* a, const GroupState* b) { return a->index_key() < b->index_key(); });
  auto run = SpillFile::Create(budget_.spill_dir());
  if (!run) return std::unexpected(run.error());
  if (auto status = WriteGroups(by_key, **run); !status) return status;
  if (auto status = (*run)->Rewind(); !status) return status;
  runs_.push_back(std::move(*run));
  // The index keeps its slots for the groups to come.
  std::fill(index_.begin(), index_.end(), 0);
  indexed_ = 0;
  groups_.clear();
  bytes_ = index_.capacity() * sizeof(uint64_t);
  if (runs_.size() >= kMaxRuns) return Compact(evaluator);
  return Ok();
}

Status GroupTable::Compact(Evaluator& evaluator) {
  ++spills_;
  std::vector<std::unique_ptr<GroupStream>> streams;
  for (auto& run : runs_) streams.push_back(ReadRun(std::move(run)));
  runs_.clear();
  auto merged = SpillFile::Create(budget_.spill_dir());
  if (!merged) return std::unexpected(merged.error());
  auto stream = MergeByKey(std::move(streams),
                           [this, &evaluator](GroupState& into, GroupState& later) { Combine(evaluator, into, later); });
  if (auto status = WriteRun(*stream, **merged); !status) return status;
  runs_.push_back(std::move(*merged));
  return Ok();
}

Status GroupTable::Finish(Evaluator& evaluator) {
  std::vector<GroupState*> in_memory;
  in_memory.reserve(groups_.size());
  for (GroupState& group : groups_) in_memory.push_back(&group);
  if (runs_.empty()) {
    output_ = ReadMemory(std::move(in_memory));  // creation order: the order of first records
    return Ok();
  }
  if (sorted_) {
    // Key order is first-record order, and no key is both in the run and in memory.
    if (auto status = runs_.back()->Rewind(); !status) return status;
    std::vector<std::unique_ptr<GroupStream>> parts;
    parts.push_back(ReadRun(std::move(runs_.back())));
    parts.push_back(ReadMemory(std::move(in_memory)));
    runs_.clear();
    output_ = Chain(std::move(parts));
    return Ok();
  }
  if (!groups_.empty()) {
    if (auto status = Spill(evaluator); !status) return status;
  }
  return OrderMerged(evaluator);
}

// Merges the key-sorted runs (combining each group's partial states) and sorts the result by
// first record: in memory while it fits the budget, else through runs sorted by order.
Status GroupTable::OrderMerged(Evaluator& evaluator) {
  std::vector<std::unique_ptr<GroupStream>> streams;
  for (auto& run : runs_) streams.push_back(ReadRun(std::move(run)));
  runs_.clear();
  auto merged = MergeByKey(std::move(streams),
                           [this, &evaluator](GroupState& into, GroupState& later) { Combine(evaluator, into, later); });
  std::vector<std::unique_ptr<SpillFile>> order_runs;
  std::vector<std::unique_ptr<GroupState>> spare;
  size_t bytes = 0;
  // Half of what the tables still to emit leave of the budget (at least an eighth of it, so
  // order runs stay few): the groups just spilled were freed, but the allocator keeps much of
  // their memory, and a full budget on top of it would double the peak.
  const size_t others = budget_.Held(this);
  const size_t limit = std::max(budget_.bytes() / 8, (budget_.bytes() > others ? budget_.bytes() - others : 0) / 2);
  auto by_order = [](const std::unique_ptr<GroupState>& a, const std::unique_ptr<GroupState>& b) {
    return a->order < b->order;
  };
  auto spill_merged = [&]() -> Status {
    std::sort(merged_.begin(), merged_.end(), by_order);
    auto run = SpillFile::Create(budget_.spill_dir());
    if (!run) return std::unexpected(run.error());
    for (const auto& group : merged_) {
      if (auto status = (*run)->Write(*group); !status) return status;
    }
    if (auto status = (*run)->Rewind(); !status) return status;
    order_runs.push_back(std::move(*run));
    // The groups' buffers serve again for the groups still to come.
    for (auto& group : merged_) spare.push_back(std::move(group));
    merged_.clear();
    bytes = 0;
    ++spills_;
    if (order_runs.size() >= kMaxRuns) {
      auto one = MergeOrderRuns(order_runs, budget_.spill_dir());
      if (!one) return std::unexpected(one.error());
      order_runs.push_back(std::move(*one));
    }
    return Ok();
  };
  while (true) {
    // Combining may convert values to text in the evaluator's arena (min/max of mixed
    // kinds); nothing else lives there while the table finishes.
    evaluator.ResetArena();
    auto next = merged->Next();
    if (!next) return std::unexpected(next.error());
    if (*next == nullptr) break;
    if (!(*next)->has_record()) continue;  // only a malformed record named it: never emitted
    if (spare.empty()) {
      merged_.push_back(std::make_unique<GroupState>());
    } else {
      merged_.push_back(std::move(spare.back()));
      spare.pop_back();
    }
    std::swap(*merged_.back(), **next);
    bytes += GroupFootprint(*merged_.back());
    if (bytes > limit) {
      if (auto status = spill_merged(); !status) return status;
    }
  }
  merged.reset();
  std::sort(merged_.begin(), merged_.end(), by_order);
  std::vector<GroupState*> in_memory;
  in_memory.reserve(merged_.size());
  for (const auto& group : merged_) in_memory.push_back(group.get());
  if (order_runs.empty()) {
    output_ = ReadMemory(std::move(in_memory));
    return Ok();
  }
  std::vector<std::unique_ptr<GroupStream>> sorted;
  for (auto& run : order_runs) sorted.push_back(ReadRun(std::move(run)));
  sorted.push_back(ReadMemory(std::move(in_memory)));
  output_ = MergeByOrder(std::move(sorted));
  return Ok();
}

Result<GroupTable::Group*> GroupTable::Next() {
  if (!output_) return nullptr;
  while (true) {
    auto next = output_->Next();
    if (!next) return next;
    if (*next == nullptr) {
      // Emitted: the memory goes to the tables still to emit.
      output_.reset();
      std::deque<Group>().swap(groups_);
      std::vector<std::unique_ptr<Group>>().swap(merged_);
      std::vector<uint64_t>().swap(index_);
      indexed_ = 0;
      bytes_ = 0;
      return nullptr;
    }
    if ((*next)->has_record()) return next;
  }
}

}  // namespace tributary::mapping
