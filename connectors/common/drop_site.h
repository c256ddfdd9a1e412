// The place an ERP drops files, as the file-picking loop (file_pickup.h) sees it: a local
// folder (directory connector) or a folder on an SFTP server (sftp connector). Tests use
// an in-memory fake (tests/testing/fake_drop_site.h).
//
// Paths are '/'-separated strings in the site's own namespace (absolute local paths, or
// server paths). Names a site lists are data, not trusted: the caller checks them with
// IsSafeEntryName before building a path from them.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::connectors {

enum class DropEntryKind { kFile, kDirectory, kSymlink, kFifo, kOther };  // kOther: devices, sockets…

// What a kind of entry is called in log lines ("symbolic link", "FIFO"…).
const char* DropEntryKindName(DropEntryKind kind);

// Which file an entry is on a local file system (a rename keeps it; a replacement does
// not). Remote sites do not tell.
struct DropInode {
  uint64_t device = 0;
  uint64_t inode = 0;
  friend bool operator==(const DropInode&, const DropInode&) = default;
};

struct DropEntry {
  std::string name;  // base name as listed (for Stat: the last path component)
  DropEntryKind kind = DropEntryKind::kOther;
  int64_t size = 0;
  std::chrono::system_clock::time_point mtime;  // the site's clock; 1 s resolution over SFTP
  std::optional<DropInode> inode;               // local sites only
};

// True when `a` and `b` describe the same version of a file: same kind, size and mtime,
// and the same inode when both know it. Names are not compared.
bool SameVersion(const DropEntry& a, const DropEntry& b);

// A file open for reading. Not thread-safe; must not outlive the site that opened it.
class DropReader {
 public:
  virtual ~DropReader() = default;
  // Reads up to buffer.size() bytes; returns how many, 0 at the end of the file.
  virtual Result<size_t> Read(std::span<char> buffer) = 0;
  // The open file as it is now (fstat of the descriptor: inode, size, mtime), or nullopt
  // when the site cannot tell (SFTP).
  virtual Result<std::optional<DropEntry>> Describe() { return std::optional<DropEntry>(); }
};

// Errors use the shared codes: kNotFound (no such file or folder), kRejected (refused by
// the site, e.g. permission denied), kUnavailable/kTimeout (the connection is gone: the
// caller abandons the pass), kIo (local trouble). Not thread-safe: one owner thread.
class DropSite {
 public:
  virtual ~DropSite() = default;

  // The entries of `dir`, without "." and "..", in no particular order. Does not follow
  // symbolic links: a link is kOther.
  virtual Result<std::vector<DropEntry>> List(const std::string& dir) = 0;
  // The entry at `path` (links not followed); kNotFound when absent.
  virtual Result<DropEntry> Stat(const std::string& path) = 0;
  // Opens a regular file. Never blocks on a FIFO and never follows a link at `path`
  // where the site can tell (local: kRejected for anything but a regular file).
  virtual Result<std::unique_ptr<DropReader>> OpenRead(const std::string& path) = 0;
  // Renames `from` to `to`. Never replaces an existing `to`: fails instead (with any
  // code; callers check with Stat).
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Rename, only while `from` is still the version `expected` (SameVersion): otherwise
  // kConflict ("changed since it was read") and nothing is moved. The default checks
  // with Stat just before Rename: over SFTP, where there is no inode, a file replaced by
  // one of the same size and mtime in between, or changed between the check and the
  // rename, is not detected. Local sites narrow that window (LocalDropSite).
  virtual Status RenameIfUnchanged(const std::string& from, const std::string& to, const DropEntry& expected);
  virtual Status Remove(const std::string& path) = 0;
  // Remove, only while `path` is still the version `expected` (same limits as
  // RenameIfUnchanged).
  virtual Status RemoveIfUnchanged(const std::string& path, const DropEntry& expected);
  // Creates the folder `dir` (its parent must exist); Ok when it exists already.
  virtual Status MakeDir(const std::string& dir) = 0;
  // Writes `content` to `path` (created or truncated).
  virtual Status WriteFile(const std::string& path, const std::string& content) = 0;

  // Capabilities.
  // The path on this machine's file system when the site is local: its files are hashed
  // and read in place instead of being copied to the spool folder first.
  [[nodiscard]] virtual std::optional<std::filesystem::path> LocalPath(const std::string& path) const {
    (void)path;
    return std::nullopt;
  }
  // True when mtimes are this machine's clock at sub-second precision, so "mtime at least
  // stable_for old" alone shows a file is complete. False (SFTP): a remote clock may be
  // skewed and has one-second resolution, so a file must also be seen unchanged twice,
  // stable_for apart.
  [[nodiscard]] virtual bool SharesLocalClock() const { return false; }
};

// True when `error` from a site means the pass cannot go on (the connection is gone, or
// a stop): kUnavailable, kTimeout, kCancelled.
bool SessionLost(const Error& error);

// True when a listed name can be used as one path component: not empty, not "." or "..",
// no '/' and no NUL. A hostile or broken server may send anything.
bool IsSafeEntryName(const std::string& name);

// `dir` + "/" + `name` (no double slash when `dir` ends with '/'; `name` alone when `dir`
// is empty).
std::string JoinPath(const std::string& dir, const std::string& name);

// Makes sure `base` and every folder of `relative` ("a/b", or "" for none) below it exist.
Status EnsureFolder(DropSite& site, const std::string& base, const std::string& relative);

// Renames `from` to `dir`/`name`, or to `name.1`, `name.2`… when that name is taken: a
// move never replaces a file. `dir` must exist. Returns the new path. With `expected`,
// moves only that version of `from` (RenameIfUnchanged): kConflict when it changed.
Result<std::string> MoveInto(DropSite& site, const std::string& from, const std::string& dir,
                             const std::string& name, const DropEntry* expected = nullptr);

}  // namespace tributary::connectors
