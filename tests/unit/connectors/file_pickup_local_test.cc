// The shared file-picking loop over a real local folder (LocalDropSite) and a real SQLite
// store: files that change after they were read, inodes swapped in before the archive,
// entries that are not regular files.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "connectors/common/content_hash.h"
#include "connectors/common/file_pickup.h"
#include "connectors/directory/local_drop_site.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHeader =
    "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";

std::string Rows(int from, int to) {
  std::string csv;
  for (int i = from; i < to; ++i) {
    csv += "C001;Dupont SA;F-" + std::to_string(i) + ";invoice;2026-10-01;2026-10-31;EUR;100.00;100.00\n";
  }
  return csv;
}

std::string Sha256(const std::string& content) {
  ContentHasher hasher;
  hasher.Update(content);
  return hasher.HexDigest();
}

std::string Read(const fs::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream content;
  content << input.rdbuf();
  return content.str();
}

void Write(const fs::path& path, const std::string& content, std::ios::openmode mode = std::ios::trunc) {
  std::ofstream(path, std::ios::binary | mode) << content;
}

// Captures what the default logger writes while it lives.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const { return captured_.str(); }

 private:
  std::ostringstream captured_;
  std::shared_ptr<spdlog::logger> previous_;
};

int Occurrences(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

class FilePickupLocalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const fs::path& folder : {drop(), archive(), error(), scratch_.path() / "spool"}) fs::create_directories(folder);
    auto opened = store::Store::Open(scratch_.File("state.db"));
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
    config::ConnectorConfig connector{.name = "erp", .type = "directory"};
    connector.files.push_back(config::FileRule{
        .pattern = "open_items*.csv",
        .mapping_path = std::string(TRIBUTARY_SOURCE_DIR) + "/mappings/generic/open_items.yaml"});
    auto rules = PrepareFileRules(connector);
    ASSERT_TRUE(rules.has_value()) << rules.error().message;
    ConnectorContext context{.tenant = "acme",
                             .state_path = scratch_.File("state.db"),
                             .push_enabled = false,
                             .metrics = nullptr,
                             .notify_changes = [this] {
                               if (after_apply_) std::exchange(after_apply_, nullptr)();
                             }};
    PickupSettings settings{.drop_dir = drop().string(),
                            .archive_dir = archive().string(),
                            .error_dir = error().string(),
                            .stable_for = std::chrono::milliseconds(0),
                            .spool_dir = scratch_.path() / "spool"};
    pickup_ = std::make_unique<FilePickup>("erp", "FR01", settings, context, std::move(*rules));
  }

  fs::path drop() const { return scratch_.path() / "drop"; }
  fs::path archive() const { return scratch_.path() / "archive"; }
  fs::path error() const { return scratch_.path() / "error"; }

  Status Pass() { return pickup_->RunPass(site_, *store_, {}); }

  int64_t Changes() { return store_->LastSeq().value_or(-1); }

  testing::TempDir scratch_;
  std::unique_ptr<store::Store> store_;
  directory::LocalDropSite site_;
  std::unique_ptr<FilePickup> pickup_;
  std::function<void()> after_apply_;  // run once, right after a file's changes are committed
};

TEST_F(FilePickupLocalTest, AFileAppendedToAfterItWasReadIsNotArchivedAndNoRowIsLost) {
  // The ERP wrote the done marker when 5,000 of 20,000 rows were there, and appends the
  // rest (same inode) while the pickup applies what it read.
  const fs::path file = drop() / "open_items_1.csv";
  Write(file, kHeader + Rows(0, 5000));
  Write(drop() / "open_items_1.csv.done", "");
  after_apply_ = [&] { Write(file, Rows(5000, 20000), std::ios::app); };
  for (int i = 0; i < 5 && fs::exists(file); ++i) ASSERT_TRUE(Pass().has_value());
  ASSERT_FALSE(fs::exists(file));
  EXPECT_EQ(Changes(), 1 + 20000) << "rows appended after the file was read were archived, never applied";
  const std::string archived = Read(archive() / "open_items_1.csv");
  EXPECT_EQ(archived, kHeader + Rows(0, 20000));
  auto entry = store_->FindFile("erp", Sha256(archived));
  ASSERT_TRUE(entry.has_value() && entry->has_value()) << "the archived content is not in the ledger";
  EXPECT_EQ((*entry)->state, store::FileState::kArchived);
  EXPECT_EQ((*entry)->identity.size, static_cast<int64_t>(archived.size()));
}

TEST_F(FilePickupLocalTest, AFifoSwappedInAfterTheApplyIsNotArchivedAndNeverOpened) {
  const fs::path file = drop() / "open_items_1.csv";
  const fs::path elsewhere = drop() / "swapped";
  Write(file, kHeader + Rows(0, 3));
  Write(drop() / "open_items_1.csv.done", "");
  int exchanged = 0;
  after_apply_ = [&] {
    ASSERT_EQ(mkfifo(elsewhere.c_str(), 0600), 0);
    exchanged = renameat2(AT_FDCWD, file.c_str(), AT_FDCWD, elsewhere.c_str(), RENAME_EXCHANGE) == 0 ? 1 : -errno;
  };
  ASSERT_TRUE(Pass().has_value());
  if (exchanged == -EINVAL || exchanged == -ENOSYS) GTEST_SKIP() << "no RENAME_EXCHANGE on this file system";
  ASSERT_EQ(exchanged, 1);
  EXPECT_EQ(Changes(), 4);
  struct stat info {};
  EXPECT_NE(lstat((archive() / "open_items_1.csv").c_str(), &info), 0) << "the FIFO was archived";
  ASSERT_EQ(lstat(file.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode)) << "the FIFO left the drop folder";
  ASSERT_EQ(lstat(elsewhere.c_str(), &info), 0);
  EXPECT_TRUE(S_ISREG(info.st_mode));
  // Later passes neither block on the FIFO nor take it.
  ASSERT_TRUE(Pass().has_value());
  ASSERT_TRUE(Pass().has_value());
  ASSERT_EQ(lstat(file.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  EXPECT_EQ(Changes(), 4);
}

TEST_F(FilePickupLocalTest, LinksFifosAndFoldersThatAreNotWalkedAreLoggedOnceWithAReason) {
  fs::create_symlink("/etc/passwd", drop() / "open_items_link.csv");
  ASSERT_EQ(mkfifo((drop() / "open_items_pipe.csv").c_str(), 0600), 0);
  fs::create_directory(drop() / "subfolder");
  std::string log;
  {
    LogCapture capture;
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Pass().has_value());
    log = capture.text();
  }
  EXPECT_EQ(Occurrences(log, "open_items_link.csv"), 1) << log;
  EXPECT_EQ(Occurrences(log, "open_items_pipe.csv"), 1) << log;
  EXPECT_EQ(Occurrences(log, "subfolder"), 1) << log;
  EXPECT_NE(log.find("symbolic link (links are never followed)"), std::string::npos) << log;
  EXPECT_NE(log.find("FIFO (named pipe) (only regular files are read)"), std::string::npos) << log;
  EXPECT_NE(log.find("folder (recursive is off)"), std::string::npos) << log;
  EXPECT_EQ(Changes(), 0);
}

}  // namespace
}  // namespace tributary::connectors
