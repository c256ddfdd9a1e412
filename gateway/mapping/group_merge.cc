#include "gateway/mapping/group_merge.h"

#include <utility>

namespace tributary::mapping {
namespace {

class RunStream : public GroupStream {
 public:
  explicit RunStream(std::unique_ptr<SpillFile> run) : run_(std::move(run)) {}

  Result<GroupState*> Next() override {
    auto read = run_->Read(group_);
    if (!read) return std::unexpected(read.error());
    return *read ? &group_ : nullptr;
  }

 private:
  std::unique_ptr<SpillFile> run_;
  GroupState group_;
};

class MemoryStream : public GroupStream {
 public:
  explicit MemoryStream(std::vector<GroupState*> groups) : groups_(std::move(groups)) {}

  Result<GroupState*> Next() override { return next_ < groups_.size() ? groups_[next_++] : nullptr; }

 private:
  std::vector<GroupState*> groups_;
  size_t next_ = 0;
};

class ChainStream : public GroupStream {
 public:
  explicit ChainStream(std::vector<std::unique_ptr<GroupStream>> streams) : streams_(std::move(streams)) {}

  Result<GroupState*> Next() override {
    while (current_ < streams_.size()) {
      auto next = streams_[current_]->Next();
      if (!next || *next != nullptr) return next;
      streams_[current_].reset();  // done: its file and buffers go
      ++current_;
    }
    return nullptr;
  }

 private:
  std::vector<std::unique_ptr<GroupStream>> streams_;
  size_t current_ = 0;
};

// A k-way merge. k is small (a table compacts its runs past a fan-in), so the smallest head
// is found by a scan rather than a heap.
class MergeStream : public GroupStream {
 public:
  using Less = bool (*)(const GroupState& a, const GroupState& b);

  MergeStream(std::vector<std::unique_ptr<GroupStream>> streams, Less less, CombineGroups combine)
      : streams_(std::move(streams)), heads_(streams_.size(), nullptr), less_(less), combine_(std::move(combine)) {}

  Result<GroupState*> Next() override {
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < streams_.size(); ++i) {
        if (auto status = Advance(i); !status) return std::unexpected(status.error());
      }
    }
    size_t smallest = heads_.size();
    for (size_t i = 0; i < heads_.size(); ++i) {
      if (heads_[i] != nullptr && (smallest == heads_.size() || less_(*heads_[i], *heads_[smallest]))) smallest = i;
    }
    if (smallest == heads_.size()) return nullptr;
    // Ties keep the earliest stream: with `combine`, the later ones fold into it in order.
    // A swap, not a move: the stream gets buffers back to read its next group into.
    std::swap(out_, *heads_[smallest]);
    if (auto status = Advance(smallest); !status) return std::unexpected(status.error());
    if (combine_) {
      for (size_t i = smallest + 1; i < heads_.size(); ++i) {
        if (heads_[i] == nullptr || heads_[i]->index_key() != out_.index_key()) continue;
        combine_(out_, *heads_[i]);
        if (auto status = Advance(i); !status) return std::unexpected(status.error());
      }
    }
    return &out_;
  }

 private:
  Status Advance(size_t i) {
    auto next = streams_[i]->Next();
    if (!next) return std::unexpected(next.error());
    heads_[i] = *next;
    if (*next == nullptr) streams_[i].reset();
    return Ok();
  }

  std::vector<std::unique_ptr<GroupStream>> streams_;
  std::vector<GroupState*> heads_;  // each stream's next group; nullptr once it ended
  Less less_;
  CombineGroups combine_;
  bool started_ = false;
  GroupState out_;
};

bool KeyLess(const GroupState& a, const GroupState& b) { return a.index_key() < b.index_key(); }
bool OrderLess(const GroupState& a, const GroupState& b) { return a.order < b.order; }

}  // namespace

std::unique_ptr<GroupStream> ReadRun(std::unique_ptr<SpillFile> run) {
  return std::make_unique<RunStream>(std::move(run));
}

std::unique_ptr<GroupStream> ReadMemory(std::vector<GroupState*> groups) {
  return std::make_unique<MemoryStream>(std::move(groups));
}

std::unique_ptr<GroupStream> Chain(std::vector<std::unique_ptr<GroupStream>> streams) {
  return std::make_unique<ChainStream>(std::move(streams));
}

std::unique_ptr<GroupStream> MergeByKey(std::vector<std::unique_ptr<GroupStream>> streams, CombineGroups combine) {
  return std::make_unique<MergeStream>(std::move(streams), &KeyLess, std::move(combine));
}

std::unique_ptr<GroupStream> MergeByOrder(std::vector<std::unique_ptr<GroupStream>> streams) {
  return std::make_unique<MergeStream>(std::move(streams), &OrderLess, nullptr);
}

Status WriteRun(GroupStream& stream, SpillFile& run) {
  while (true) {
    auto next = stream.Next();
    if (!next) return std::unexpected(next.error());
    if (*next == nullptr) break;
    if (auto status = run.Write(**next); !status) return status;
  }
  return run.Rewind();
}

}  // namespace tributary::mapping
