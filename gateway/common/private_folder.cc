#include "gateway/common/private_folder.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace tributary {

Status CreatePrivateFolder(const std::filesystem::path& folder, bool tighten_existing) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // The missing folders, innermost first.
  std::vector<fs::path> missing;
  for (fs::path at = folder; !at.empty() && !fs::exists(at, ec); at = at.parent_path()) {
    missing.push_back(at);
    if (at == at.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    // mkdir applies the umask to 0700, which can only take bits away; chmod makes it
    // exactly 0700 either way.
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
      return Fail(ErrorCode::kIo, "cannot create " + it->string() + ": " + std::strerror(errno));
    }
    if (::chmod(it->c_str(), 0700) != 0) {
      return Fail(ErrorCode::kIo, "cannot set the mode of " + it->string() + ": " + std::strerror(errno));
    }
  }
  if (missing.empty() && tighten_existing && ::chmod(folder.c_str(), 0700) != 0) {
    return Fail(ErrorCode::kIo, "cannot set the mode of " + folder.string() + ": " + std::strerror(errno));
  }
  return Ok();
}

}  // namespace tributary
