// The local file system as a drop site: what the picking loop relies on.
#include "connectors/directory/local_drop_site.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "connectors/directory/drop_folder.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors::directory {
namespace {
namespace fs = std::filesystem;

class LocalDropSiteTest : public ::testing::Test {
 protected:
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_.path() / name, std::ios::binary) << content;
  }
  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }

  testing::TempDir dir_;
  LocalDropSite site_;
};

TEST_F(LocalDropSiteTest, ListsFilesFoldersAndLinksWithoutFollowingLinks) {
  Write("a.csv", "22");
  fs::create_directory(dir_.path() / "sub");
  fs::create_symlink("/etc/passwd", dir_.path() / "link.csv");
  fs::create_directory_symlink("/etc", dir_.path() / "linkdir");
  auto entries = site_.List(dir_.path().string());
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  std::map<std::string, DropEntry> by_name;
  for (const DropEntry& entry : *entries) by_name[entry.name] = entry;
  ASSERT_EQ(by_name.size(), 4u);
  EXPECT_EQ(by_name["a.csv"].kind, DropEntryKind::kFile);
  EXPECT_EQ(by_name["a.csv"].size, 2);
  EXPECT_EQ(by_name["sub"].kind, DropEntryKind::kDirectory);
  EXPECT_EQ(by_name["link.csv"].kind, DropEntryKind::kSymlink);
  EXPECT_EQ(by_name["linkdir"].kind, DropEntryKind::kSymlink);
  auto stat = site_.Stat(Path("link.csv"));
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->kind, DropEntryKind::kSymlink);
}

TEST_F(LocalDropSiteTest, OpenReadRefusesLinksAndFifosWithoutBlocking) {
  fs::create_symlink("/etc/passwd", dir_.path() / "link.csv");
  ASSERT_EQ(mkfifo(Path("pipe.csv").c_str(), 0600), 0);
  // A writer holds the FIFO open, so a plain open for reading would not block either:
  // what is checked is that the site refuses it.
  int writer = open(Path("pipe.csv").c_str(), O_RDWR | O_NONBLOCK);
  ASSERT_GE(writer, 0);
  auto link = site_.OpenRead(Path("link.csv"));
  auto pipe = site_.OpenRead(Path("pipe.csv"));
  close(writer);
  ASSERT_FALSE(link.has_value()) << "a symbolic link was followed";
  EXPECT_EQ(link.error().code, ErrorCode::kRejected);
  ASSERT_FALSE(pipe.has_value()) << "a FIFO was opened";
  EXPECT_EQ(pipe.error().code, ErrorCode::kRejected);
  EXPECT_NE(pipe.error().message.find("FIFO"), std::string::npos) << pipe.error().message;
}

TEST_F(LocalDropSiteTest, RenameIfUnchangedMovesOnlyTheVersionThatWasRead) {
  Write("a.csv", "first");
  auto read = site_.Stat(Path("a.csv"));
  ASSERT_TRUE(read.has_value());
  ASSERT_TRUE(read->inode.has_value());
  // Replaced by another inode of the same size and mtime: refused all the same.
  Write("b.csv", "other");
  fs::last_write_time(dir_.path() / "b.csv", fs::last_write_time(dir_.path() / "a.csv"));
  fs::rename(dir_.path() / "b.csv", dir_.path() / "a.csv");
  auto moved = site_.RenameIfUnchanged(Path("a.csv"), Path("archived.csv"), *read);
  ASSERT_FALSE(moved.has_value());
  EXPECT_EQ(moved.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(fs::exists(dir_.path() / "a.csv"));
  EXPECT_FALSE(fs::exists(dir_.path() / "archived.csv"));
  auto now = site_.Stat(Path("a.csv"));
  ASSERT_TRUE(now.has_value());
  EXPECT_TRUE(site_.RenameIfUnchanged(Path("a.csv"), Path("archived.csv"), *now).has_value());
  EXPECT_TRUE(fs::exists(dir_.path() / "archived.csv"));
}

TEST_F(LocalDropSiteTest, MtimeIsTheFilesModificationTime) {
  Write("a.csv", "x");
  auto when = fs::file_time_type::clock::now() - std::chrono::hours(5);
  fs::last_write_time(dir_.path() / "a.csv", when);
  auto stat = site_.Stat(Path("a.csv"));
  ASSERT_TRUE(stat.has_value());
  auto age = std::chrono::system_clock::now() - stat->mtime;
  EXPECT_GT(age, std::chrono::hours(5) - std::chrono::minutes(1));
  EXPECT_LT(age, std::chrono::hours(5) + std::chrono::minutes(1));
  EXPECT_TRUE(site_.SharesLocalClock());
  EXPECT_EQ(site_.LocalPath(Path("a.csv")), dir_.path() / "a.csv");
}

TEST_F(LocalDropSiteTest, RenameNeverReplacesAndMoveIntoPicksAFreeName) {
  Write("a.csv", "new");
  Write("b.csv", "old");
  auto renamed = site_.Rename(Path("a.csv"), Path("b.csv"));
  ASSERT_FALSE(renamed.has_value());
  EXPECT_EQ(renamed.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(site_.MakeDir(Path("archive")).has_value());
  ASSERT_TRUE(site_.MakeDir(Path("archive")).has_value());  // exists: fine
  Write("archive/a.csv", "archived before");
  auto moved = MoveInto(site_, Path("a.csv"), Path("archive"), "a.csv");
  ASSERT_TRUE(moved.has_value()) << moved.error().message;
  EXPECT_EQ(*moved, Path("archive/a.csv.1"));
  std::ifstream first(dir_.path() / "archive/a.csv");
  std::string text;
  std::getline(first, text);
  EXPECT_EQ(text, "archived before");
}

TEST_F(LocalDropSiteTest, EnsureFolderCreatesTheRelativePath) {
  ASSERT_TRUE(EnsureFolder(site_, Path("archive"), "FR01/2026").has_value());
  EXPECT_TRUE(fs::is_directory(dir_.path() / "archive/FR01/2026"));
}

TEST_F(LocalDropSiteTest, ReadRemoveWriteAndErrors) {
  Write("a.csv", "hello");
  auto reader = site_.OpenRead(Path("a.csv"));
  ASSERT_TRUE(reader.has_value());
  std::array<char, 3> buffer{};
  std::string content;
  while (true) {
    auto read = (*reader)->Read(buffer);
    ASSERT_TRUE(read.has_value());
    if (*read == 0) break;
    content.append(buffer.data(), *read);
  }
  EXPECT_EQ(content, "hello");
  ASSERT_TRUE(site_.WriteFile(Path("a.csv.reason"), "why\n").has_value());
  ASSERT_TRUE(site_.Remove(Path("a.csv")).has_value());
  EXPECT_EQ(site_.Stat(Path("a.csv")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(site_.Remove(Path("a.csv")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(site_.List(Path("missing")).error().code, ErrorCode::kNotFound);
  EXPECT_NE(site_.List(Path("missing")).error().message.find(Path("missing")), std::string::npos);
}

TEST(DropFolderHelpers, HashAndMtimeFormat) {
  testing::TempDir dir;
  std::ofstream(dir.File("a.csv"), std::ios::binary) << "abc";
  EXPECT_EQ(HashFile(dir.File("a.csv")).value(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto mtime = std::chrono::file_clock::from_sys(std::chrono::sys_seconds(
      std::chrono::sys_days{std::chrono::November / 23 / 2026} + std::chrono::hours(12)));
  EXPECT_EQ(FormatMtime(mtime), "2026-11-23T12:00:00Z");
}

TEST(EntryNames, OnlySinglePathComponentsAreSafe) {
  EXPECT_TRUE(IsSafeEntryName("open_items.csv"));
  EXPECT_TRUE(IsSafeEntryName("..hidden"));
  EXPECT_FALSE(IsSafeEntryName(""));
  EXPECT_FALSE(IsSafeEntryName("."));
  EXPECT_FALSE(IsSafeEntryName(".."));
  EXPECT_FALSE(IsSafeEntryName("../etc/passwd"));
  EXPECT_FALSE(IsSafeEntryName("a/b"));
  EXPECT_FALSE(IsSafeEntryName(std::string("a\0b", 3)));
  EXPECT_EQ(JoinPath("/data", "a.csv"), "/data/a.csv");
  EXPECT_EQ(JoinPath("/", "a.csv"), "/a.csv");
  EXPECT_EQ(JoinPath("", "a.csv"), "a.csv");
}

}  // namespace
}  // namespace tributary::connectors::directory
