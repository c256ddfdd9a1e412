// The sftp connector end to end: the real daemon against a real chrooted OpenSSH sshd on
// loopback. Needs root (as CI runs); skipped otherwise.
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/sftp_test_support.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

class SftpConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string reason = SftpServer::UnavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
    server_ = std::make_unique<SftpServer>();
    ASSERT_TRUE(server_->Start()) << server_->Log();
    ASSERT_TRUE(fs::file_size(server_->known_hosts()) > 0);
  }

  std::unique_ptr<DaemonHarness> StartDaemon(const SftpBlock& block = {}) {
    HarnessOptions options;
    options.connectors_yaml = ConnectorsYaml(*server_, block);
    auto daemon = std::make_unique<DaemonHarness>(options);
    daemon->Start();
    return daemon;
  }

  std::unique_ptr<SftpServer> server_;
};

TEST_F(SftpConnectorTest, FileReachesTheChangeFeedAndIsArchivedOnTheServer) {
  auto daemon = StartDaemon();
  server_->Put("open_items_1.csv", OpenItemsCsv({{.number = "F-1"}, {.number = "F-2", .total = "99.90",
                                                                         .open_amount = "49.95"}}));
  std::vector<nlohmann::json> changes;
  ASSERT_TRUE(WaitUntil([&] { return (changes = daemon->AllChanges()).size() >= 3; }, seconds(20)))
      << daemon->Log() << server_->Log();
  EXPECT_EQ(changes.size(), 3u);
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(server_->data_dir() / "archive/open_items_1.csv"); }, seconds(10)))
      << daemon->Log();
  EXPECT_FALSE(fs::exists(server_->data_dir() / "open_items_1.csv"));
  // The archive counter moves just after the rename the test saw: poll for it.
  std::string metrics;
  EXPECT_TRUE(WaitUntil(
      [&] {
        metrics = daemon->GetText("/metrics");
        return metrics.find("tributary_files_total{connector=\"erp-sftp\",outcome=\"archived\"} 1") !=
               std::string::npos;
      },
      seconds(10)))
      << metrics;
  EXPECT_NE(metrics.find("tributary_sftp_bytes_total{connector=\"erp-sftp\"}"), std::string::npos) << metrics;
}

// libssh2 1.10 prefers ECDSA when the server has both; only the pinned ed25519 key (hashed,
// as Debian's ssh writes it) must be offered and accepted.
TEST(SftpConnectorPinning, HashedEd25519PinWorksWhenTheServerAlsoHasEcdsa) {
  if (std::string reason = SftpServer::UnavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
  SftpServer server;
  server.AddEcdsaHostKey();
  ASSERT_TRUE(server.Start()) << server.Log();
  int status = 0;
  RunShell("ssh-keygen -q -H -f '" + server.known_hosts().string() + "' 2>&1", &status);
  ASSERT_EQ(status, 0);
  std::string pinned;
  std::getline(std::ifstream(server.known_hosts()), pinned);
  ASSERT_TRUE(pinned.starts_with("|1|")) << pinned;
  ASSERT_NE(pinned.find("ssh-ed25519"), std::string::npos) << pinned;
  HarnessOptions options;
  options.connectors_yaml = ConnectorsYaml(server);
  DaemonHarness daemon(options);
  daemon.Start();
  server.Put("open_items_1.csv", OpenItemsCsv({{.number = "F-1"}}));
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(server.data_dir() / "archive/open_items_1.csv"); }, seconds(20)))
      << daemon.Log() << "\nlast_error: " << LastError(daemon);
  EXPECT_EQ(daemon.AllChanges().size(), 2u);
}

TEST_F(SftpConnectorTest, UnknownAndChangedHostKeysAreRefusedWithTheFingerprint) {
  std::string fingerprint = server_->HostFingerprint();
  ASSERT_TRUE(fingerprint.starts_with("SHA256:"));
  {
    std::ofstream(server_->known_hosts(), std::ios::trunc) << "# nothing pinned\n";
    auto daemon = StartDaemon();
    server_->Put("open_items_1.csv", OpenItemsCsv({{.number = "F-1"}}));
    std::string error;
    ASSERT_TRUE(WaitUntil([&] { return !(error = LastError(*daemon)).empty(); }, seconds(20))) << daemon->Log();
    EXPECT_NE(error.find("unknown host key"), std::string::npos) << error;
    EXPECT_NE(error.find(fingerprint), std::string::npos) << error;
    EXPECT_NE(error.find("ssh-ed25519"), std::string::npos) << error;
    EXPECT_NE(error.find("[127.0.0.1]:" + std::to_string(server_->port())), std::string::npos) << error;
    EXPECT_TRUE(daemon->Running());
    EXPECT_TRUE(daemon->AllChanges().empty());
  }
  // Pin the current key, then the server's key changes.
  fs::remove(server_->known_hosts());
  server_->Stop();
  server_->RegenerateHostKey();
  ASSERT_TRUE(server_->Start()) << server_->Log();  // known_hosts gets the new key
  std::string pinned;
  std::getline(std::ifstream(server_->known_hosts()), pinned);
  server_->Stop();
  server_->RegenerateHostKey();
  ASSERT_TRUE(server_->Start()) << server_->Log();
  std::string changed = server_->HostFingerprint();
  std::ofstream(server_->known_hosts(), std::ios::trunc) << pinned << "\n";
  auto daemon = StartDaemon();
  std::string error;
  ASSERT_TRUE(WaitUntil([&] { return !(error = LastError(*daemon)).empty(); }, seconds(20))) << daemon->Log();
  EXPECT_NE(error.find("CHANGED"), std::string::npos) << error;
  EXPECT_NE(error.find(changed), std::string::npos) << error;
  EXPECT_TRUE(daemon->AllChanges().empty());
}

TEST_F(SftpConnectorTest, IdenticalReuploadIsSkippedAndNewContentIsRead) {
  auto daemon = StartDaemon();
  std::string first = OpenItemsCsv({{.number = "F-1"}});
  server_->Put("open_items_1.csv", first);
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(server_->data_dir() / "archive/open_items_1.csv"); }, seconds(20)))
      << daemon->Log();
  size_t after_first = daemon->AllChanges().size();
  ASSERT_EQ(after_first, 2u);
  server_->Put("open_items_1.csv", first);
  ASSERT_TRUE(WaitUntil([&] { return !fs::exists(server_->data_dir() / "open_items_1.csv"); }, seconds(20)))
      << daemon->Log();
  EXPECT_EQ(CountFiles(server_->data_dir() / "archive"), 2);  // archived under a fresh name
  EXPECT_EQ(daemon->AllChanges().size(), after_first);
  server_->Put("open_items_1.csv", OpenItemsCsv({{.number = "F-1", .open_amount = "40.00"}}));
  ASSERT_TRUE(WaitUntil([&] { return daemon->AllChanges().size() > after_first; }, seconds(20))) << daemon->Log();
}

TEST_F(SftpConnectorTest, GrowingFileIsNotTakenUntilStable) {
  auto daemon = StartDaemon({.stable_for = "1s"});
  fs::path path = server_->data_dir() / "open_items_1.csv";
  const int kSteps = 12;
  for (int rows = 1; rows <= kSteps; ++rows) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << OpenItemsCsv(GenerateOpenItems(rows, 1));
    // Each step gives the daemon ~150 ms of polls in which it must not take the file.
    EXPECT_FALSE(WaitUntil([&] { return !daemon->AllChanges().empty(); }, std::chrono::milliseconds(150)))
        << "taken while still growing, after " << rows << " rows";
  }
  std::vector<nlohmann::json> changes;
  ASSERT_TRUE(WaitUntil([&] { return (changes = daemon->AllChanges()).size() >= kSteps + 1; }, seconds(20)))
      << daemon->Log();
  EXPECT_EQ(changes.size(), static_cast<size_t>(kSteps + 1));  // every row of the final content, plus the customer
}

TEST_F(SftpConnectorTest, ServerKilledMidTransferThenRestartedProcessesTheFileOnce) {
  auto daemon = StartDaemon();
  // A large file (long customer names) so the download is still running when sshd dies.
  std::vector<OpenItem> items = GenerateOpenItems(1500, 1);
  for (OpenItem& item : items) item.customer_name = std::string(8000, 'x');
  std::string content = OpenItemsCsv(items);
  server_->Put("open_items_1.csv", content);
  fs::path spool = daemon->root() / "var/spool/erp-sftp/open_items_1.csv";
  ASSERT_TRUE(WaitUntil([&] {
    std::error_code ec;
    auto size = fs::file_size(spool, ec);
    return !ec && size > 0;
  }, seconds(20))) << daemon->Log();
  server_->Crash();
  std::error_code ec;
  auto partial = fs::file_size(spool, ec);
  EXPECT_TRUE(ec || partial < content.size()) << "the download finished before sshd died; make the file larger";
  ASSERT_TRUE(server_->Start()) << server_->Log();
  std::vector<nlohmann::json> changes;
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(server_->data_dir() / "archive/open_items_1.csv"); }, seconds(30)))
      << daemon->Log();
  changes = daemon->AllChanges();
  EXPECT_EQ(changes.size(), items.size() + 1);  // every row once, plus the customer
  EXPECT_NE(daemon->Log().find("interrupted"), std::string::npos) << daemon->Log();
  EXPECT_TRUE(daemon->Running());
}

TEST_F(SftpConnectorTest, KeyscanPrintsTheKnownHostsLineAndFingerprint) {
  int status = 0;
  std::string output =
      RunShell(std::string(TRIBUTARY_BINARY) + " sftp-keyscan 127.0.0.1:" + std::to_string(server_->port()), &status);
  EXPECT_EQ(status, 0) << output;
  std::string pinned;
  std::getline(std::ifstream(server_->known_hosts()), pinned);
  EXPECT_NE(output.find(pinned), std::string::npos) << output << "\nvs\n" << pinned;
  EXPECT_NE(output.find(server_->HostFingerprint()), std::string::npos) << output;
}

TEST_F(SftpConnectorTest, DeleteRemovesTheFileOnceDurableRetriesAFailedDeleteAndNeverReappliesIt) {
  auto daemon = StartDaemon({.after_processing = "delete"});
  std::string content = OpenItemsCsv({{.number = "F-1"}, {.number = "F-2"}});
  // The server user may read but not delete: the first deletes fail.
  fs::permissions(server_->data_dir(), fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                  fs::perm_options::remove);
  server_->Put("open_items_1.csv", content);
  ASSERT_TRUE(WaitUntil([&] { return daemon->Log().find("cannot delete /data/open_items_1.csv") != std::string::npos; },
                        seconds(20)))
      << daemon->Log();
  EXPECT_NE(daemon->Log().find("permission denied; retried next pass"), std::string::npos) << daemon->Log();
  EXPECT_EQ(daemon->AllChanges().size(), 3u);
  EXPECT_TRUE(fs::exists(server_->data_dir() / "open_items_1.csv"));
  fs::permissions(server_->data_dir(), fs::perms::owner_write, fs::perm_options::add);
  ASSERT_TRUE(WaitUntil([&] { return !fs::exists(server_->data_dir() / "open_items_1.csv"); }, seconds(20)))
      << daemon->Log();
  EXPECT_FALSE(fs::exists(server_->data_dir() / "archive"));
  // The same bytes again: deleted without a change.
  server_->Put("open_items_1.csv", content);
  ASSERT_TRUE(WaitUntil([&] { return daemon->Log().find("deleted without changes") != std::string::npos; },
                        seconds(20)))
      << daemon->Log();
  // The line is logged before the delete is sent.
  EXPECT_TRUE(WaitUntil([&] { return !fs::exists(server_->data_dir() / "open_items_1.csv"); }, seconds(20)))
      << daemon->Log();
  EXPECT_EQ(daemon->AllChanges().size(), 3u);
  EXPECT_TRUE(daemon->Running());
}

TEST_F(SftpConnectorTest, TriggerFileReleasesTheBatchAndIsArchivedAfterIt) {
  auto daemon = StartDaemon({.trigger_file = "READY"});
  server_->Put("open_items_1.csv", OpenItemsCsv({{.number = "F-1"}, {.number = "F-2"}}));
  // Several passes without the trigger: nothing is taken, however stable the file is.
  int64_t polls = 0;
  ASSERT_TRUE(WaitUntil([&] {
    nlohmann::json status = ConnectorStatus(*daemon);
    return status.is_object() && (polls = status["polls"].get<int64_t>()) >= 8;
  }, seconds(20)));
  EXPECT_TRUE(daemon->AllChanges().empty());
  EXPECT_TRUE(fs::exists(server_->data_dir() / "open_items_1.csv"));
  server_->Put("READY", "");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(server_->data_dir() / "archive/READY"); }, seconds(20)))
      << daemon->Log();
  EXPECT_EQ(daemon->AllChanges().size(), 3u);
  EXPECT_TRUE(fs::exists(server_->data_dir() / "archive/open_items_1.csv"));
  EXPECT_FALSE(fs::exists(server_->data_dir() / "READY"));
}

TEST_F(SftpConnectorTest, FilesInSubDirectoriesKeepTheirPathInArchiveAndError) {
  auto daemon = StartDaemon({.recursive = true});
  server_->Put("FR01/2026/open_items_1.csv", OpenItemsCsv({{.number = "F-1"}}));
  server_->Put("DE01/open_items_bad.csv", "not;the;generic;header\n1;2;3;4\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(server_->data_dir() / "archive/FR01/2026/open_items_1.csv"); },
                        seconds(20)))
      << daemon->Log();
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(server_->data_dir() / "error/DE01/open_items_bad.csv.reason"); },
                        seconds(20)))
      << daemon->Log();
  EXPECT_EQ(daemon->AllChanges().size(), 2u);
  EXPECT_NE(daemon->Log().find("FR01/2026/open_items_1.csv: 1 rows"), std::string::npos) << daemon->Log();
  // The archive inside remote_dir is not picked up again.
  EXPECT_TRUE(WaitUntil([&] { return ConnectorStatus(*daemon)["polls"].get<int64_t>() >= 10; }, seconds(20)));
  EXPECT_TRUE(fs::exists(server_->data_dir() / "archive/FR01/2026/open_items_1.csv"));
  EXPECT_EQ(daemon->AllChanges().size(), 2u);
}

}  // namespace
}  // namespace tributary::testing
