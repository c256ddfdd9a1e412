#include "connectors/directory/drop_folder.h"

#include <fstream>

#include <gtest/gtest.h>

namespace tributary::connectors::directory {
namespace {
namespace fs = std::filesystem;

class DropFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "tributary-drop-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  fs::path dir_;
};

TEST_F(DropFolderTest, ListsDataFilesOnlyOldestFirst) {
  Write("b.csv", "1");
  Write("a.csv", "22");
  Write(".hidden.csv.part", "x");
  Write("a.csv.done", "");
  Write("old.csv.reason", "why");
  fs::last_write_time(dir_ / "b.csv", fs::file_time_type::clock::now() - std::chrono::hours(1));
  auto files = ListDroppedFiles(dir_, ".done");
  ASSERT_TRUE(files.has_value());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].name, "b.csv");
  EXPECT_FALSE((*files)[0].has_done_marker);
  EXPECT_EQ((*files)[1].name, "a.csv");
  EXPECT_EQ((*files)[1].size, 2);
  EXPECT_TRUE((*files)[1].has_done_marker);
}

TEST_F(DropFolderTest, CompleteWhenStableOrMarkedDone) {
  Write("fresh.csv", "data");
  auto files = ListDroppedFiles(dir_, ".done");
  ASSERT_TRUE(files.has_value());
  DroppedFile file = (*files)[0];
  EXPECT_FALSE(LooksComplete(file, std::chrono::minutes(5)));
  file.has_done_marker = true;
  EXPECT_TRUE(LooksComplete(file, std::chrono::minutes(5)));
  file.has_done_marker = false;
  file.mtime -= std::chrono::minutes(10);
  EXPECT_TRUE(LooksComplete(file, std::chrono::minutes(5)));
}

TEST_F(DropFolderTest, DetectsAFileStillBeingWritten) {
  Write("growing.csv", "abc");
  auto files = ListDroppedFiles(dir_, ".done");
  ASSERT_TRUE(files.has_value());
  EXPECT_TRUE(Unchanged((*files)[0]));
  std::ofstream(dir_ / "growing.csv", std::ios::app) << "def";
  EXPECT_FALSE(Unchanged((*files)[0]));
}

TEST_F(DropFolderTest, HashesContent) {
  Write("x.csv", "abc");
  EXPECT_EQ(HashFile(dir_ / "x.csv"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(HashFile(dir_ / "missing.csv").has_value());
}

TEST_F(DropFolderTest, MovesNeverOverwrite) {
  Write("x.csv", "first");
  auto moved = MoveInto(dir_ / "x.csv", dir_ / "archive");
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(*moved, dir_ / "archive/x.csv");
  Write("x.csv", "second");
  moved = MoveInto(dir_ / "x.csv", dir_ / "archive");
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(*moved, dir_ / "archive/x.csv.1");
  std::ifstream first(dir_ / "archive/x.csv");
  std::string content;
  first >> content;
  EXPECT_EQ(content, "first");
  ASSERT_TRUE(WriteReason(*moved, "bad header").has_value());
  EXPECT_TRUE(fs::exists(dir_ / "archive/x.csv.1.reason"));
}

TEST(FormatMtime, IsRfc3339Utc) {
  auto time = std::chrono::file_clock::from_sys(std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} +
                                                std::chrono::hours(7) + std::chrono::seconds(5));
  EXPECT_EQ(FormatMtime(time), "2026-11-23T07:00:05Z");
}

}  // namespace
}  // namespace tributary::connectors::directory
