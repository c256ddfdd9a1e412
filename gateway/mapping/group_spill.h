// Spill runs of grouped entities: anonymous temporary files that hold group states
// (group_state.h) in a compact binary form, written once and then read back in order.
// Internal to the mapping module; single-threaded.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/common/result.h"
#include "gateway/mapping/group_state.h"

namespace tributary::mapping {

// The folder spill files go to when a run names none: $TMPDIR, else /tmp.
std::string DefaultSpillDir();

// A temporary file in a given folder, removed from the folder as soon as it is created: it
// takes disk space only while it is open, and nothing is left behind however the run ends
// (success, error, exception, crash). Written from start to end, then read from the start.
class SpillFile {
 public:
  // Creates the file in `dir` ("" for DefaultSpillDir()). kIo, naming the folder, when it
  // cannot be created there.
  static Result<std::unique_ptr<SpillFile>> Create(const std::string& dir);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends one group. kIo when the disk refuses (full, quota).
  Status Write(const GroupState& group);
  // Ends writing; reading starts at the first group.
  Status Rewind();
  // Reads the next group into `group`: false at the end. kIo on a read error or a damaged
  // file.
  Result<bool> Read(GroupState& group);

  [[nodiscard]] int64_t groups() const { return groups_; }

 private:
  SpillFile(std::FILE* file, std::string dir);
  Status WriteError() const;

  std::FILE* file_;
  std::string dir_;        // for messages
  std::string buffer_;     // one group's bytes
  std::unique_ptr<char[]> stdio_buffer_;
  int64_t groups_ = 0;     // written
};

// The binary form of a group state (used by SpillFile; exposed for tests).
void EncodeGroup(const GroupState& group, std::string& out);
// Reads what EncodeGroup wrote into `group` (every member assigned); false when `bytes` is
// not such a form.
bool DecodeGroup(std::string_view bytes, GroupState& group);

}  // namespace tributary::mapping
