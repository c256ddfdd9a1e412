// The local file system as a DropSite: the directory connector's drop folder.
#pragma once

#include "connectors/common/drop_site.h"

namespace tributary::connectors::directory {

// Paths are absolute local paths. Symbolic links are never followed when listing,
// stating or opening (a link is not a file to take); OpenRead opens with O_NONBLOCK and
// O_NOFOLLOW and refuses anything but a regular file, so a FIFO never blocks it. Entries
// carry (device, inode) and readers describe their descriptor (fstat). Renames never
// replace a file (renameat2 RENAME_NOREPLACE). RenameIfUnchanged/RemoveIfUnchanged check
// (device, inode, size, mtime) with fstatat relative to the folder's descriptor right
// before renameat2/unlinkat; after a rename the target is checked again and, when another
// inode was swapped in between (RENAME_EXCHANGE), put back. An unlink has no such second
// look: a swap inside that one-system-call window deletes the newcomer. Mtimes are this
// machine's clock (SharesLocalClock). Stateless; not thread-safe only in that the file
// system may change under it.
class LocalDropSite final : public DropSite {
 public:
  Result<std::vector<DropEntry>> List(const std::string& dir) override;
  Result<DropEntry> Stat(const std::string& path) override;
  Result<std::unique_ptr<DropReader>> OpenRead(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RenameIfUnchanged(const std::string& from, const std::string& to, const DropEntry& expected) override;
  Status Remove(const std::string& path) override;
  Status RemoveIfUnchanged(const std::string& path, const DropEntry& expected) override;
  Status MakeDir(const std::string& dir) override;
  Status WriteFile(const std::string& path, const std::string& content) override;
  [[nodiscard]] std::optional<std::filesystem::path> LocalPath(const std::string& path) const override {
    return std::filesystem::path(path);
  }
  [[nodiscard]] bool SharesLocalClock() const override { return true; }
};

}  // namespace tributary::connectors::directory
