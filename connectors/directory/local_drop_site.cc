#include "connectors/directory/local_drop_site.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

namespace tributary::connectors::directory {
namespace {

std::unexpected<Error> FailErrno(int error, const std::string& what) {
  ErrorCode code = ErrorCode::kIo;
  if (error == ENOENT || error == ENOTDIR) code = ErrorCode::kNotFound;
  if (error == EACCES || error == EPERM || error == EROFS) code = ErrorCode::kRejected;
  if (error == EEXIST) code = ErrorCode::kConflict;
  return Fail(code, what + ": " + std::strerror(error));
}

DropEntry EntryFromStat(std::string name, const struct stat& info) {
  DropEntry entry{.name = std::move(name)};
  if (S_ISREG(info.st_mode)) {
    entry.kind = DropEntryKind::kFile;
  } else if (S_ISDIR(info.st_mode)) {
    entry.kind = DropEntryKind::kDirectory;
  } else if (S_ISLNK(info.st_mode)) {
    entry.kind = DropEntryKind::kSymlink;
  } else if (S_ISFIFO(info.st_mode)) {
    entry.kind = DropEntryKind::kFifo;
  }
  entry.inode = DropInode{.device = static_cast<uint64_t>(info.st_dev), .inode = static_cast<uint64_t>(info.st_ino)};
  entry.size = static_cast<int64_t>(info.st_size);
  entry.mtime = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds(info.st_mtim.tv_sec) + std::chrono::nanoseconds(info.st_mtim.tv_nsec)));
  return entry;
}

struct DirCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};

// A descriptor closed on destruction.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool ok() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// Reads one open regular file: every byte read and every Describe() is that inode's,
// whatever happens to its path meanwhile.
class LocalReader final : public DropReader {
 public:
  LocalReader(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Result<size_t> Read(std::span<char> buffer) override {
    while (true) {
      ssize_t count = read(fd_.get(), buffer.data(), buffer.size());
      if (count >= 0) return static_cast<size_t>(count);
      if (errno == EINTR) continue;
      return FailErrno(errno, "cannot read " + path_);
    }
  }
  Result<std::optional<DropEntry>> Describe() override {
    struct stat info {};
    if (fstat(fd_.get(), &info) != 0) return FailErrno(errno, "cannot stat " + path_);
    return std::optional<DropEntry>(EntryFromStat(std::filesystem::path(path_).filename().string(), info));
  }

 private:
  Fd fd_;
  std::string path_;
};

// The folder of `path` opened for *at() calls, and the last component.
struct ParentAndName {
  Fd dir;
  std::string name;
};
Result<ParentAndName> OpenParent(const std::string& path) {
  std::filesystem::path p(path);
  std::string parent = p.parent_path().string();
  if (parent.empty()) parent = ".";
  int fd = open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FailErrno(errno, "cannot open folder " + parent);
  return ParentAndName{Fd(fd), p.filename().string()};
}

Status CheckAt(const ParentAndName& at, const std::string& path, const DropEntry& expected) {
  struct stat info {};
  if (fstatat(at.dir.get(), at.name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
    return FailErrno(errno, "cannot stat " + path);
  }
  DropEntry now = EntryFromStat(at.name, info);
  if (!SameVersion(now, expected)) {
    return Fail(ErrorCode::kConflict,
                path + " changed since it was read (now a " + DropEntryKindName(now.kind) + " of " +
                    std::to_string(now.size) + " bytes, was " + std::to_string(expected.size) + " bytes)");
  }
  return Ok();
}

}  // namespace

Result<std::vector<DropEntry>> LocalDropSite::List(const std::string& dir) {
  std::unique_ptr<DIR, DirCloser> handle(opendir(dir.c_str()));
  if (!handle) return FailErrno(errno, "cannot list " + dir);
  std::vector<DropEntry> entries;
  while (true) {
    errno = 0;
    dirent* item = readdir(handle.get());
    if (item == nullptr) {
      if (errno != 0) return FailErrno(errno, "cannot list " + dir);
      break;
    }
    std::string name = item->d_name;
    if (name == "." || name == "..") continue;
    struct stat info {};
    if (fstatat(dirfd(handle.get()), item->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) continue;  // vanished
    entries.push_back(EntryFromStat(std::move(name), info));
  }
  return entries;
}

Result<DropEntry> LocalDropSite::Stat(const std::string& path) {
  struct stat info {};
  if (lstat(path.c_str(), &info) != 0) return FailErrno(errno, "cannot stat " + path);
  return EntryFromStat(std::filesystem::path(path).filename().string(), info);
}

Result<std::unique_ptr<DropReader>> LocalDropSite::OpenRead(const std::string& path) {
  // O_NONBLOCK: opening a FIFO never waits for a writer; O_NOFOLLOW: a link is refused.
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == ELOOP) return Fail(ErrorCode::kRejected, "cannot open " + path + ": a symbolic link");
    return FailErrno(errno, "cannot open " + path);
  }
  Fd owned(fd);
  struct stat info {};
  if (fstat(fd, &info) != 0) return FailErrno(errno, "cannot stat " + path);
  if (!S_ISREG(info.st_mode)) {
    return Fail(ErrorCode::kRejected, "cannot open " + path + ": a " +
                                          DropEntryKindName(EntryFromStat("", info).kind) + ", not a regular file");
  }
  // Regular files ignore O_NONBLOCK; cleared all the same so reads are plain reads.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  auto reader = std::make_unique<LocalReader>(fd, path);
  (void)owned.release();
  return reader;
}

Status LocalDropSite::Rename(const std::string& from, const std::string& to) {
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return Ok();
  int error = errno;
  if (error != EINVAL && error != ENOSYS) return FailErrno(error, "cannot move " + from + " to " + to);
  // A file system without RENAME_NOREPLACE: link then unlink never replaces either.
  if (link(from.c_str(), to.c_str()) != 0) return FailErrno(errno, "cannot move " + from + " to " + to);
  if (unlink(from.c_str()) != 0) return FailErrno(errno, "cannot remove " + from + " after linking it to " + to);
  return Ok();
}

Status LocalDropSite::RenameIfUnchanged(const std::string& from, const std::string& to, const DropEntry& expected) {
  // Checked and renamed relative to the folders' descriptors, so the window between the
  // check and the rename is one system call wide; what is swapped in within it is seen
  // by the check after the rename and put back.
  auto source = OpenParent(from);
  if (!source) return std::unexpected(source.error());
  auto target = OpenParent(to);
  if (!target) return std::unexpected(target.error());
  if (auto unchanged = CheckAt(*source, from, expected); !unchanged) return unchanged;
  const char* from_name = source->name.c_str();
  const char* to_name = target->name.c_str();
  if (renameat2(source->dir.get(), from_name, target->dir.get(), to_name, RENAME_NOREPLACE) != 0) {
    int error = errno;
    if (error != EINVAL && error != ENOSYS) return FailErrno(error, "cannot move " + from + " to " + to);
    if (linkat(source->dir.get(), from_name, target->dir.get(), to_name, 0) != 0) {
      return FailErrno(errno, "cannot move " + from + " to " + to);
    }
    if (unlinkat(source->dir.get(), from_name, 0) != 0) {
      return FailErrno(errno, "cannot remove " + from + " after linking it to " + to);
    }
  }
  if (auto moved = CheckAt(*target, to, expected); !moved) {
    // Replaced between the check and the rename: what we moved is not what we read.
    if (renameat2(target->dir.get(), to_name, source->dir.get(), from_name, RENAME_NOREPLACE) != 0) {
      return Fail(ErrorCode::kIo, from + " was replaced while being moved; what replaced it is now " + to +
                                      " and could not be put back: " + std::strerror(errno));
    }
    return Fail(ErrorCode::kConflict, from + " was replaced while being moved; put back");
  }
  return Ok();
}

Status LocalDropSite::RemoveIfUnchanged(const std::string& path, const DropEntry& expected) {
  auto at = OpenParent(path);
  if (!at) return std::unexpected(at.error());
  if (auto unchanged = CheckAt(*at, path, expected); !unchanged) return unchanged;
  if (unlinkat(at->dir.get(), at->name.c_str(), 0) != 0) return FailErrno(errno, "cannot delete " + path);
  return Ok();
}

Status LocalDropSite::Remove(const std::string& path) {
  if (unlink(path.c_str()) != 0) return FailErrno(errno, "cannot delete " + path);
  return Ok();
}

Status LocalDropSite::MakeDir(const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) == 0) return Ok();
  int error = errno;
  struct stat info {};
  if (error == EEXIST && stat(dir.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) return Ok();
  return FailErrno(error, "cannot create " + dir);
}

Status LocalDropSite::WriteFile(const std::string& path, const std::string& content) {
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  output << content;
  output.close();
  if (!output) return Fail(ErrorCode::kIo, "cannot write " + path);
  return Ok();
}

}  // namespace tributary::connectors::directory
