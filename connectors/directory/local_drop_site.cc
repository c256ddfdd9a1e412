#include "connectors/directory/local_drop_site.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

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
  }
  entry.size = static_cast<int64_t>(info.st_size);
  entry.mtime = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds(info.st_mtim.tv_sec) + std::chrono::nanoseconds(info.st_mtim.tv_nsec)));
  return entry;
}

struct DirCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};

class LocalReader final : public DropReader {
 public:
  LocalReader(std::ifstream input, std::string path) : input_(std::move(input)), path_(std::move(path)) {}
  Result<size_t> Read(std::span<char> buffer) override {
    input_.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (input_.bad()) return Fail(ErrorCode::kIo, "cannot read " + path_);
    return static_cast<size_t>(input_.gcount());
  }

 private:
  std::ifstream input_;
  std::string path_;
};

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
  struct stat info {};
  if (lstat(path.c_str(), &info) != 0) return FailErrno(errno, "cannot open " + path);
  std::ifstream input(path, std::ios::binary);
  if (!input) return FailErrno(errno == 0 ? EIO : errno, "cannot open " + path);
  return std::make_unique<LocalReader>(std::move(input), path);
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
