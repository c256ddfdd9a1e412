#include "connectors/common/drop_site.h"

namespace tributary::connectors {

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
                             const std::string& name) {
  constexpr int kMaxSuffix = 10000;
  for (int n = 0; n <= kMaxSuffix; ++n) {
    std::string target = JoinPath(dir, n == 0 ? name : name + "." + std::to_string(n));
    auto existing = site.Stat(target);
    if (existing) continue;  // taken: try the next suffix
    if (existing.error().code != ErrorCode::kNotFound) return std::unexpected(existing.error());
    auto renamed = site.Rename(from, target);
    if (renamed) return target;
    // SFTP v3 reports a taken target as a bare failure: if it appeared meanwhile, go on.
    if (site.Stat(target)) continue;
    return std::unexpected(renamed.error());
  }
  return Fail(ErrorCode::kConflict, "no free name for " + name + " in " + dir);
}

}  // namespace tributary::connectors
