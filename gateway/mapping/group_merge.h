// Streams of group states for the external merge of spilled groups: read a spill run,
// read groups held in memory, chain streams, and merge sorted streams (by group key,
// combining the partial states of one key; or by emission order). Internal to the mapping
// module; single-threaded.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/mapping/group_spill.h"
#include "gateway/mapping/group_state.h"

namespace tributary::mapping {

// A stream of groups. Next() gives the next one (nullptr at the end); it stays valid, and
// may be moved from, until the following Next().
class GroupStream {
 public:
  virtual ~GroupStream() = default;
  virtual Result<GroupState*> Next() = 0;
};

// The groups of a spill run, from its start (the caller rewound it).
std::unique_ptr<GroupStream> ReadRun(std::unique_ptr<SpillFile> run);

// Groups held in memory, in the order of `groups` (pointers into storage that outlives
// the stream).
std::unique_ptr<GroupStream> ReadMemory(std::vector<GroupState*> groups);

// Every group of `streams[0]`, then of `streams[1]`, …
std::unique_ptr<GroupStream> Chain(std::vector<std::unique_ptr<GroupStream>> streams);

// Folds `later` (a partial state of the same group from later records) into `into`.
using CombineGroups = std::function<void(GroupState& into, GroupState& later)>;

// Merges streams that are each sorted by index_key and hold each key once, listed in the
// order of the records they cover (streams[0] the earliest): one group per key, in key
// order, its partial states combined in stream order.
std::unique_ptr<GroupStream> MergeByKey(std::vector<std::unique_ptr<GroupStream>> streams, CombineGroups combine);

// Merges streams that are each sorted by `order` (orders unique across streams) into one.
std::unique_ptr<GroupStream> MergeByOrder(std::vector<std::unique_ptr<GroupStream>> streams);

// Writes every group of `stream` to `run` and rewinds it.
Status WriteRun(GroupStream& stream, SpillFile& run);

}  // namespace tributary::mapping
