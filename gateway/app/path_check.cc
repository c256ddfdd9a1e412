#include "gateway/app/path_check.h"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

namespace tributary::app {
namespace {

namespace fs = std::filesystem;
using Severity = PathFinding::Severity;

// "user tributary" (the effective user, as the daemon runs), or "uid 998" without a name.
std::string UserName() {
  const uid_t uid = geteuid();
  if (const passwd* entry = getpwuid(uid); entry != nullptr && entry->pw_name != nullptr) {
    return std::string("user ") + entry->pw_name;
  }
  return "uid " + std::to_string(uid);
}

// Why the effective user lacks `mode` (R_OK, W_OK, X_OK) on `path`, or nullopt. A
// read-only mount (systemd's ProtectSystem) answers EROFS for W_OK.
std::optional<std::string> AccessProblem(const fs::path& path, int mode) {
  if (faccessat(AT_FDCWD, path.c_str(), mode, AT_EACCESS) == 0) return std::nullopt;
  return std::strerror(errno);
}

// A status error other than "missing" (ENOENT, or ENOTDIR: a file on the way, which
// CheckCreatable names): a folder on the way the user cannot search.
bool Unreachable(const std::error_code& error) {
  return error && error != std::errc::no_such_file_or_directory && error != std::errc::not_a_directory;
}

// "a regular file", "a folder", … for messages.
std::string KindName(fs::file_type type) {
  switch (type) {
    case fs::file_type::regular: return "a regular file";
    case fs::file_type::directory: return "a folder";
    case fs::file_type::symlink: return "a symbolic link";
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    default: return "not a file or folder";
  }
}

// The folder (`subject`: "the drop folder /srv/drop") can be used by the daemon: listed
// and read (R_OK|X_OK) and, when it `writes`, written (W_OK|X_OK). Adds what is missing
// to `findings`; returns false when it did.
bool CheckFolderAccess(const fs::path& folder, const std::string& subject, bool writes,
                       std::vector<PathFinding>& findings) {
  if (auto problem = AccessProblem(folder, R_OK | X_OK)) {
    findings.push_back({Severity::kError, subject + " is not readable by " + UserName() + " (" + *problem + ")"});
    return false;
  }
  if (!writes) return true;
  if (auto problem = AccessProblem(folder, W_OK | X_OK)) {
    findings.push_back({Severity::kError, subject + " is not writable by " + UserName() + " (" + *problem + ")"});
    return false;
  }
  return true;
}

// The sub-folders the daemon lists below `folder` (of the connector's `what`, "drop
// folder"), `depth` levels deep: not hidden, not symbolic links (never followed), not in
// `skip`.
void CheckSubfolders(const fs::path& folder, int depth, const std::string& what, bool writes,
                     std::span<const std::string> skip, std::vector<PathFinding>& findings) {
  if (depth <= 0) return;
  std::error_code error;
  std::vector<fs::path> children;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with('.')) continue;
    std::error_code type_error;
    if (!it->is_directory(type_error) || it->is_symlink(type_error)) continue;
    if (std::ranges::find(skip, it->path().string()) != skip.end()) continue;
    children.push_back(it->path());
  }
  std::ranges::sort(children);
  for (const fs::path& child : children) {
    if (CheckFolderAccess(child, "the sub-folder " + child.string() + " of the " + what, writes, findings)) {
      CheckSubfolders(child, depth - 1, what, writes, skip, findings);
    }
  }
}

// The closest existing ancestor of the missing `path`, and the first folder below it that
// the daemon would create.
struct Creation {
  fs::path existing;
  fs::path first_created;
};

Creation FindCreation(const fs::path& path) {
  Creation creation{.existing = path.parent_path(), .first_created = path};
  std::error_code error;
  while (!creation.existing.empty() && !fs::exists(fs::symlink_status(creation.existing, error))) {
    if (creation.existing == creation.existing.parent_path()) break;
    creation.first_created = creation.existing;
    creation.existing = creation.existing.parent_path();
  }
  return creation;
}

// `subject` ("the drop folder /srv/drop") is missing and the daemon creates it with its
// missing parents: a warning naming what it would create, or why it could not.
void CheckCreatable(const fs::path& path, const std::string& subject, std::vector<PathFinding>& findings) {
  const Creation creation = FindCreation(path);
  std::error_code error;
  const fs::file_status status = fs::status(creation.existing, error);
  if (!fs::is_directory(status)) {
    findings.push_back({Severity::kError, subject + " does not exist and cannot be created: " +
                                              creation.existing.string() + " is " + KindName(status.type())});
    return;
  }
  if (auto problem = AccessProblem(creation.existing, W_OK | X_OK)) {
    findings.push_back({Severity::kError, subject + " does not exist and cannot be created: " +
                                              creation.existing.string() + " is not writable by " + UserName() +
                                              " (" + *problem + ")"});
    return;
  }
  std::string message = subject + " does not exist; the daemon will create it";
  if (creation.first_created != path) message += " (and the missing folders from " + creation.first_created.string() + ")";
  findings.push_back({Severity::kWarning, message});
}

}  // namespace

std::vector<PathFinding> CheckLocalPath(const config::LocalPath& local, std::span<const std::string> skip) {
  std::vector<PathFinding> findings;
  const fs::path path(local.path);
  const std::string subject = "the " + local.what + " " + local.path;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (Unreachable(error)) {
    // A folder on the way the user cannot search: nothing below it can be told.
    findings.push_back({Severity::kError, subject + " cannot be reached by " + UserName() + " (" + error.message() + ")"});
    return findings;
  }
  if (!fs::exists(status)) {
    if (local.created && local.kind == config::LocalPath::Kind::kFolder) {
      CheckCreatable(path, subject, findings);
    } else {
      findings.push_back({Severity::kError, subject + " does not exist"});
    }
    return findings;
  }
  if (local.kind == config::LocalPath::Kind::kFile) {
    if (!fs::is_regular_file(status)) {
      findings.push_back({Severity::kError, subject + " is not a regular file (it is " + KindName(status.type()) + ")"});
    } else if (auto problem = AccessProblem(path, R_OK)) {
      findings.push_back({Severity::kError, subject + " is not readable by " + UserName() + " (" + *problem + ")"});
    }
    return findings;
  }
  if (!fs::is_directory(status)) {
    findings.push_back({Severity::kError, subject + " is not a folder (it is " + KindName(status.type()) + ")"});
    return findings;
  }
  if (CheckFolderAccess(path, subject, local.writes, findings)) {
    CheckSubfolders(path, local.subfolder_depth, local.what, local.writes, skip, findings);
  }
  return findings;
}

std::vector<PathFinding> CheckStatePath(const std::string& state_path) {
  std::vector<PathFinding> findings;
  const fs::path path(state_path);
  const std::string subject = "the state database " + state_path;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (Unreachable(error)) {
    findings.push_back({Severity::kError, subject + " cannot be reached by " + UserName() + " (" + error.message() + ")"});
    return findings;
  }
  if (!fs::exists(status)) {
    CheckCreatable(path, subject, findings);
    return findings;
  }
  if (!fs::is_regular_file(status)) {
    findings.push_back({Severity::kError, subject + " is not a regular file (it is " + KindName(status.type()) + ")"});
    return findings;
  }
  if (auto problem = AccessProblem(path, R_OK | W_OK)) {
    findings.push_back({Severity::kError, subject + " is not readable and writable by " + UserName() + " (" +
                                              *problem + ")"});
  }
  const fs::path folder = path.parent_path();
  if (auto problem = AccessProblem(folder, W_OK | X_OK)) {
    findings.push_back({Severity::kError, "the folder " + folder.string() + " of the state database is not writable by " +
                                              UserName() + " (" + *problem +
                                              "): SQLite writes its -wal and -shm files beside the database"});
  }
  const fs::path spool = folder / "spool";
  const fs::file_status spool_status = fs::symlink_status(spool, error);
  if (fs::exists(spool_status) && !fs::is_directory(spool_status)) {
    findings.push_back({Severity::kError, "the spool folder " + spool.string() + " is not a folder (it is " +
                                              KindName(spool_status.type()) + ")"});
  } else if (fs::exists(spool_status)) {
    CheckFolderAccess(spool, "the spool folder " + spool.string(), /*writes=*/true, findings);
  }
  return findings;
}

}  // namespace tributary::app
