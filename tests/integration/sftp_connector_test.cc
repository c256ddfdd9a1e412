// The sftp connector end to end: the real daemon against a real chrooted OpenSSH sshd on
// loopback. Needs root (as CI runs); skipped otherwise.
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"
#include "tests/integration/sftp_server.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

struct SftpBlock {
  std::string username = "sftptest";
  std::string remote_dir = "/data";
  std::string stable_for = "300ms";
  std::string key_file;  // empty: the authorized client key
};

std::string ConnectorsYaml(const SftpServer& server, const SftpBlock& block = {}) {
  std::ostringstream yaml;
  yaml << "  - name: erp-sftp\n    type: sftp\n    schedule: 200ms\n    legal_entity: FR01\n"
       << "    sftp:\n      host: 127.0.0.1\n      port: " << server.port() << "\n      username: "
       << block.username << "\n      private_key_file: "
       << (block.key_file.empty() ? server.client_key().string() : block.key_file)
       << "\n      known_hosts_file: " << server.known_hosts().string() << "\n      remote_dir: " << block.remote_dir
       << "\n      archive_dir: /data/archive\n      error_dir: /data/error\n      stable_for: " << block.stable_for
       << "\n      timeout: 5s\n"
       << "    files:\n      - pattern: \"open_items*.csv\"\n        mapping: ../mappings/generic/open_items.yaml\n"
       << "        mode: snapshot\n";
  return yaml.str();
}

std::string LastError(DaemonHarness& daemon) {
  nlohmann::json connectors = daemon.Get("/v1/connectors");
  if (!connectors.contains("connectors") || connectors["connectors"].empty()) return "";
  const nlohmann::json& error = connectors["connectors"][0]["last_error"];
  return error.is_string() ? error.get<std::string>() : "";
}

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
  EXPECT_NE(daemon->GetText("/metrics").find("tributary_sftp_files_total"), std::string::npos);
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

TEST_F(SftpConnectorTest, WrongUserRsaKeyAndMissingDirectoryGiveClearErrorsAndTheDaemonRuns) {
  {
    auto daemon = StartDaemon({.username = "nobody-here"});
    std::string error;
    ASSERT_TRUE(WaitUntil([&] { return !(error = LastError(*daemon)).empty(); }, seconds(20))) << daemon->Log();
    EXPECT_NE(error.find("authentication as 'nobody-here'"), std::string::npos) << error;
    EXPECT_TRUE(daemon->Running());
  }
  {
    // An RSA key (even an authorized one would fail: libssh2 1.10 signs with SHA-1 only).
    std::string rsa_key = (server_->root() / "client_rsa").string();
    RunShell("ssh-keygen -q -t rsa -b 2048 -N '' -f '" + rsa_key + "'");
    auto daemon = StartDaemon({.key_file = rsa_key});
    std::string error;
    ASSERT_TRUE(WaitUntil([&] { return !(error = LastError(*daemon)).empty(); }, seconds(20))) << daemon->Log();
    EXPECT_NE(error.find("use an ed25519 or ECDSA key"), std::string::npos) << error;
    EXPECT_TRUE(daemon->Running());
  }
  auto daemon = StartDaemon({.remote_dir = "/missing"});
  std::string error;
  ASSERT_TRUE(WaitUntil([&] { return !(error = LastError(*daemon)).empty(); }, seconds(20))) << daemon->Log();
  EXPECT_NE(error.find("/missing"), std::string::npos) << error;
  EXPECT_NE(error.find("no such file"), std::string::npos) << error;
  EXPECT_TRUE(daemon->Running());
}

}  // namespace
}  // namespace tributary::testing
