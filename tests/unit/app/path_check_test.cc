// `tributary check`'s look at local paths, on a real file system: missing folders the
// daemon creates are warnings naming them, wrong kinds and missing permissions errors.
// The permission cases run as an unprivileged user (a forked child drops to nobody when
// the tests run as root, who may read and write anything).
#include "gateway/app/path_check.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"

namespace tributary::app {
namespace {

namespace fs = std::filesystem;
using Kind = config::LocalPath::Kind;
using Severity = PathFinding::Severity;
using testing::TempDir;

constexpr uid_t kNobody = 65534;

// "E: message" / "W: message", one per line, to compare findings at a glance.
std::string Text(const std::vector<PathFinding>& findings) {
  std::string text;
  for (const PathFinding& finding : findings) {
    text += (finding.severity == Severity::kError ? "E: " : "W: ") + finding.message + "\n";
  }
  return text;
}

config::LocalPath DropFolder(const fs::path& path, int depth = 0) {
  return {.key = "path", .what = "drop folder", .path = path.string(), .kind = Kind::kFolder, .writes = true,
          .created = true, .subfolder_depth = depth};
}

class PathCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    // Reachable by the unprivileged user of the permission cases.
    fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                     fs::perms::others_read | fs::perms::others_exec);
  }

  fs::path Folder(const std::string& relative, fs::perms perms = fs::perms(0755)) {
    const fs::path path = dir_.path() / relative;
    fs::create_directories(path);
    fs::permissions(path, perms);
    GiveToNobody(path);
    return path;
  }

  fs::path File(const std::string& relative, fs::perms perms = fs::perms(0644)) {
    const fs::path path = dir_.path() / relative;
    std::ofstream(path) << "x";
    fs::permissions(path, perms);
    GiveToNobody(path);
    return path;
  }

  // Owned by the unprivileged user the permission cases run as, when that is nobody.
  static void GiveToNobody(const fs::path& path) {
    if (geteuid() == 0 && chown(path.c_str(), kNobody, kNobody) != 0) ADD_FAILURE() << "chown " << path;
  }

  // `check()` as an unprivileged user: in a child that became nobody when running as root
  // (the paths made above belong to nobody then), else in this process.
  static std::string AsUnprivileged(const std::function<std::string()>& check) {
    if (geteuid() != 0) return check();
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return "pipe failed";
    const pid_t child = fork();
    if (child == 0) {
      close(pipe_fds[0]);
      if (setgid(kNobody) != 0 || setuid(kNobody) != 0) _exit(3);
      const std::string text = check();
      const ssize_t written = write(pipe_fds[1], text.data(), text.size());
      _exit(written == static_cast<ssize_t>(text.size()) ? 0 : 4);
    }
    close(pipe_fds[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t got; (got = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(got));
    close(pipe_fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "child failed: " + std::to_string(status);
    return text;
  }

  void TearDown() override {
    // Folders left without permissions would stop TempDir from removing them.
    std::error_code ignored;
    for (auto it = fs::recursive_directory_iterator(dir_.path(), fs::directory_options::skip_permission_denied, ignored);
         it != fs::recursive_directory_iterator(); it.increment(ignored)) {
      if (it->is_directory(ignored) && !it->is_symlink(ignored)) fs::permissions(it->path(), fs::perms(0755), ignored);
    }
    for (const char* name : {"closed", "locked", "read_only"}) fs::permissions(dir_.path() / name, fs::perms(0755), ignored);
  }

  TempDir dir_;
};

TEST_F(PathCheckTest, AnExistingWritableFolderIsFine) {
  const fs::path drop = Folder("drop");
  EXPECT_EQ(Text(CheckLocalPath(DropFolder(drop))), "");
}

TEST_F(PathCheckTest, AMissingFolderTheDaemonCreatesIsAWarningNamingIt) {
  const fs::path drop = dir_.path() / "drop";
  EXPECT_EQ(Text(CheckLocalPath(DropFolder(drop))),
            "W: the drop folder " + drop.string() + " does not exist; the daemon will create it\n");
  // A typo higher up: every folder from the first missing one would be created.
  const fs::path typo = dir_.path() / "inbx/erp/drop";
  EXPECT_EQ(Text(CheckLocalPath(DropFolder(typo))),
            "W: the drop folder " + typo.string() + " does not exist; the daemon will create it (and the missing "
            "folders from " + (dir_.path() / "inbx").string() + ")\n");
}

TEST_F(PathCheckTest, AFileWhereAFolderBelongsIsAnError) {
  const fs::path file = File("drop");
  EXPECT_EQ(Text(CheckLocalPath(DropFolder(file))),
            "E: the drop folder " + file.string() + " is not a folder (it is a regular file)\n");
  // Nor can a folder be created below a file.
  EXPECT_EQ(Text(CheckLocalPath(DropFolder(file / "sub"))),
            "E: the drop folder " + (file / "sub").string() + " does not exist and cannot be created: " +
                file.string() + " is a regular file\n");
}

TEST_F(PathCheckTest, FilesMustExistAndBeRegularFiles) {
  config::LocalPath known_hosts{.key = "known_hosts_file", .what = "known hosts file",
                                .path = (dir_.path() / "known_hosts").string(), .kind = Kind::kFile};
  EXPECT_EQ(Text(CheckLocalPath(known_hosts)), "E: the known hosts file " + known_hosts.path + " does not exist\n");
  Folder("known_hosts");
  EXPECT_EQ(Text(CheckLocalPath(known_hosts)),
            "E: the known hosts file " + known_hosts.path + " is not a regular file (it is a folder)\n");
}

TEST_F(PathCheckTest, PermissionsAreThoseOfTheUserRunningCheck) {
  const fs::path read_only = Folder("read_only", fs::perms(0555));
  const fs::path closed = Folder("closed", fs::perms(0));
  const fs::path key = File("key", fs::perms(0));
  const fs::path locked_parent = Folder("locked", fs::perms(0555));
  config::LocalPath key_file{.key = "private_key_file", .what = "private key file", .path = key.string(),
                             .kind = Kind::kFile};
  config::LocalPath archive{.key = "archive_dir", .what = "archive folder", .path = read_only.string(),
                            .writes = true, .created = true};
  config::LocalPath readable_only = archive;
  readable_only.writes = false;
  const std::string text = AsUnprivileged([&] {
    return Text(CheckLocalPath(archive)) + Text(CheckLocalPath(readable_only)) + Text(CheckLocalPath(DropFolder(closed))) +
           Text(CheckLocalPath(key_file)) + Text(CheckLocalPath(DropFolder(locked_parent / "drop"))) +
           Text(CheckLocalPath(DropFolder(closed / "inner")));
  });
  const std::string user = geteuid() == 0 ? "user nobody" : "user ";
  EXPECT_NE(text.find("E: the archive folder " + read_only.string() + " is not writable by " + user), std::string::npos) << text;
  EXPECT_NE(text.find("E: the drop folder " + closed.string() + " is not readable by " + user), std::string::npos) << text;
  EXPECT_NE(text.find("E: the private key file " + key.string() + " is not readable by " + user), std::string::npos) << text;
  EXPECT_NE(text.find("E: the drop folder " + (locked_parent / "drop").string() +
                      " does not exist and cannot be created: " + locked_parent.string() + " is not writable by " + user),
            std::string::npos) << text;
  // Below a folder the user cannot search, nothing can be told.
  EXPECT_NE(text.find("E: the drop folder " + (closed / "inner").string() + " cannot be reached by " + user),
            std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5) << text;  // the read-only folder is fine to read
}

TEST_F(PathCheckTest, ARecursiveDropFolderChecksItsSubfoldersButNotHiddenOrOwnOnes) {
  const fs::path drop = Folder("drop");
  Folder("drop/fr01", fs::perms(0755));
  const fs::path locked = Folder("drop/fr01/2026", fs::perms(0555));
  Folder("drop/.hidden", fs::perms(0555));
  const fs::path archive = Folder("drop/archive", fs::perms(0555));
  const std::vector<std::string> own = {drop.string(), archive.string()};
  const std::string text = AsUnprivileged([&] { return Text(CheckLocalPath(DropFolder(drop, 8), own)); });
  EXPECT_EQ(text.rfind("E: the sub-folder " + locked.string() + " of the drop folder is not writable by ", 0), 0u) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  // Not recursive: sub-folders are not the daemon's business.
  EXPECT_EQ(AsUnprivileged([&] { return Text(CheckLocalPath(DropFolder(drop, 0), own)); }), "");
  // Deeper than max_depth: not listed either.
  EXPECT_EQ(AsUnprivileged([&] { return Text(CheckLocalPath(DropFolder(drop, 1), own)); }), "");
}

TEST_F(PathCheckTest, TheStateDatabase) {
  const fs::path state = dir_.path() / "var/tributary.db";
  EXPECT_EQ(Text(CheckStatePath(state.string())),
            "W: the state database " + state.string() + " does not exist; the daemon will create it (and the missing "
            "folders from " + (dir_.path() / "var").string() + ")\n");
  Folder("var/tributary.db");
  EXPECT_EQ(Text(CheckStatePath(state.string())),
            "E: the state database " + state.string() + " is not a regular file (it is a folder)\n");
  fs::remove(state);
  File("var/tributary.db", fs::perms(0600));
  EXPECT_EQ(Text(CheckStatePath(state.string())), "");
  File("var/spool");
  EXPECT_EQ(Text(CheckStatePath(state.string())),
            "E: the spool folder " + (dir_.path() / "var/spool").string() + " is not a folder (it is a regular file)\n");
}

}  // namespace
}  // namespace tributary::app
