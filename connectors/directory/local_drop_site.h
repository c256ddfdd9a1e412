// The local file system as a DropSite: the directory connector's drop folder.
#pragma once

#include "connectors/common/drop_site.h"

namespace tributary::connectors::directory {

// Paths are absolute local paths. Symbolic links are never followed when listing or
// stating (a link is not a file to take). Renames never replace a file
// (renameat2 RENAME_NOREPLACE). Files are read in place (LocalPath) and mtimes are this
// machine's clock (SharesLocalClock). Stateless; not thread-safe only in that the file
// system may change under it.
class LocalDropSite final : public DropSite {
 public:
  Result<std::vector<DropEntry>> List(const std::string& dir) override;
  Result<DropEntry> Stat(const std::string& path) override;
  Result<std::unique_ptr<DropReader>> OpenRead(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  Status MakeDir(const std::string& dir) override;
  Status WriteFile(const std::string& path, const std::string& content) override;
  [[nodiscard]] std::optional<std::filesystem::path> LocalPath(const std::string& path) const override {
    return std::filesystem::path(path);
  }
  [[nodiscard]] bool SharesLocalClock() const override { return true; }
};

}  // namespace tributary::connectors::directory
