#include "connectors/directory/drop_folder.h"

#include "connectors/common/content_hash.h"
#include "gateway/common/time_format.h"

namespace tributary::connectors::directory {

Result<std::string> HashFile(const std::filesystem::path& path) { return HashLocalFile(path); }

std::string FormatMtime(std::filesystem::file_time_type mtime) {
  return FormatRfc3339(std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      std::chrono::file_clock::to_sys(mtime)));
}

}  // namespace tributary::connectors::directory
