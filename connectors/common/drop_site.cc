#include "connectors/common/drop_site.h"

namespace tributary::connectors {

const char* DropEntryKindName(DropEntryKind kind) {
  switch (kind) {
    case DropEntryKind::kFile: return "regular file";
    case DropEntryKind::kDirectory: return "folder";
    case DropEntryKind::kSymlink: return "symbolic link";
    case DropEntryKind::kFifo: return "FIFO (named pipe)";
    case DropEntryKind::kOther: return "special file (device or socket)";
  }
  return "special file";
}

bool SameVersion(const DropEntry& a, const DropEntry& b) {
  if (a.kind != b.kind || a.size != b.size || a.mtime != b.mtime) return false;
  return !a.inode || !b.inode || *a.inode == *b.inode;
}

namespace {

Status CheckUnchanged(DropSite& site, const std::string& path, const DropEntry& expected) {
  auto now = site.Stat(path);
  if (!now) return std::unexpected(now.error());
  if (!SameVersion(*now, expected)) {
    return Fail(ErrorCode::kConflict, path + " changed since it was read (now " + std::to_string(now->size) +
                                          " bytes, was " + std::to_string(expected.size) + ")");
  }
  return Ok();
}

}  // namespace

Status DropSite::RenameIfUnchanged(const std::string& from, const std::string& to, const DropEntry& expected) {
  if (auto unchanged = CheckUnchanged(*this, from, expected); !unchanged) return unchanged;
  return Rename(from, to);
}

Status DropSite::RemoveIfUnchanged(const std::string& path, const DropEntry& expected) {
  if (auto unchanged = CheckUnchanged(*this, path, expected); !unchanged) return unchanged;
  return Remove(path);
}

bool SessionLost(const Error& error) {
  return error.code == ErrorCode::kUnavailable || error.code == ErrorCode::kTimeout ||
         error.code == ErrorCode::kCancelled;
}

bool IsSafeEntryName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.ends_with('/') ? dir + name : dir + "/" + name;
}

Status EnsureFolder(DropSite& site, const std::string& base, const std::string& relative) {
  if (auto made = site.MakeDir(base); !made) return made;
  std::string folder = base;
  size_t start = 0;
  while (start < relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string::npos) end = relative.size();
    folder = JoinPath(folder, relative.substr(start, end - start));
    if (auto made = site.MakeDir(folder); !made) return made;
    start = end + 1;
  }
  return Ok();
}

Result<std::string> MoveInto(DropSite& site, const std::string& from, const std::string& dir,
                             const std::string& name, const DropEntry* expected) {
  constexpr int kMaxSuffix = 10000;
  for (int n = 0; n <= kMaxSuffix; ++n) {
    std::string target = JoinPath(dir, n == 0 ? name : name + "." + std::to_string(n));
    auto existing = site.Stat(target);
    if (existing) continue;  // taken: try the next suffix
    if (existing.error().code != ErrorCode::kNotFound) return std::unexpected(existing.error());
    auto renamed = expected != nullptr ? site.RenameIfUnchanged(from, target, *expected) : site.Rename(from, target);
    if (renamed) return target;
    // SFTP v3 reports a taken target as a bare failure: if it appeared meanwhile, go on.
    if (site.Stat(target)) continue;
    return std::unexpected(renamed.error());
  }
  return Fail(ErrorCode::kConflict, "no free name for " + name + " in " + dir);
}

}  // namespace tributary::connectors
