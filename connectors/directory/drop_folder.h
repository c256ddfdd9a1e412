// File-system side of the directory connector: which files are complete, their content
// hash, and moving them to archive/ or error/ without ever overwriting.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::connectors::directory {

struct DroppedFile {
  std::filesystem::path path;
  std::string name;  // base name
  int64_t size = 0;
  std::filesystem::file_time_type mtime;
  bool has_done_marker = false;
};

// Regular files in `folder` (not recursive, not hidden, not `*<done_suffix>` markers, not
// `*.reason`), oldest first (mtime, then name) so snapshots apply in the order written.
Result<std::vector<DroppedFile>> ListDroppedFiles(const std::filesystem::path& folder,
                                                  const std::string& done_suffix);

// A file is complete when its done marker exists, or when it has not been modified for
// `stable_for` (size and mtime unchanged across that span).
bool LooksComplete(const DroppedFile& file, std::chrono::milliseconds stable_for);

// True when size and mtime are still those of `file` (re-checked after hashing, so a file
// written while being read is not taken).
bool Unchanged(const DroppedFile& file);

// Lowercase hex SHA-256 of the file, read in fixed-size chunks.
Result<std::string> HashFile(const std::filesystem::path& path);

// Moves `file` into `folder` (created if missing) under its own name, or with a
// `.<n>` suffix when that name is taken. Returns the new path.
Result<std::filesystem::path> MoveInto(const std::filesystem::path& file, const std::filesystem::path& folder);

// Writes `<moved file>.reason` next to a file moved to the error folder.
Status WriteReason(const std::filesystem::path& moved_file, const std::string& reason);

// The file's mtime as RFC 3339 UTC (source_updated_at of what it contains).
std::string FormatMtime(std::filesystem::file_time_type mtime);

}  // namespace tributary::connectors::directory
