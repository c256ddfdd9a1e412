// The sftp connector's client keys and failure modes against a real chrooted sshd: each
// failure shows a clear status in /v1/connectors and the log, the daemon keeps running
// and retrying, and it recovers once the cause is fixed. Needs root; skipped otherwise.
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/sftp_test_support.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

class SftpFailuresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string reason = SftpServer::UnavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
    server_ = std::make_unique<SftpServer>();
    ASSERT_TRUE(server_->Start()) << server_->Log();
  }

  std::unique_ptr<DaemonHarness> StartDaemon(const SftpBlock& block) {
    HarnessOptions options;
    options.connectors_yaml = ConnectorsYaml(*server_, block);
    auto daemon = std::make_unique<DaemonHarness>(options);
    daemon->Start();
    return daemon;
  }

  // Waits until the connector failed at least twice (it retries) and returns its last
  // error; checks the daemon logged it and still runs.
  std::string ExpectFailingAndRetrying(DaemonHarness& daemon) {
    nlohmann::json status;
    bool failing = WaitUntil([&] {
      status = ConnectorStatus(daemon);
      return status.is_object() && status["state"] == "failing" && status["failures"].get<int64_t>() >= 2;
    }, seconds(20));
    EXPECT_TRUE(failing) << status.dump() << "\n" << daemon.Log();
    std::string error = status.is_object() ? status["last_error"].get<std::string>() : "";
    EXPECT_NE(daemon.Log().find("[erp-sftp] poll failed: " + error), std::string::npos) << daemon.Log();
    EXPECT_TRUE(daemon.Running());
    EXPECT_TRUE(daemon.AllChanges().empty());
    return error;
  }

  // Drops a file and waits until it is archived and the connector is healthy again.
  void ExpectRecovered(DaemonHarness& daemon, const std::string& relative = "open_items_1.csv") {
    server_->Put(relative, OpenItemsCsv({{.number = "F-1"}}));
    fs::path archived = server_->data_dir() / "archive" / fs::path(relative).filename();
    ASSERT_TRUE(WaitUntil([&] { return fs::exists(archived); }, seconds(20)))
        << LastError(daemon) << "\n" << daemon.Log();
    EXPECT_TRUE(WaitUntil([&] { return LastError(daemon).empty(); }, seconds(10))) << LastError(daemon);
    EXPECT_EQ(daemon.AllChanges().size(), 2u);
  }

  std::unique_ptr<SftpServer> server_;
};

TEST_F(SftpFailuresTest, EcdsaClientKeyWorks) {
  fs::path key = server_->GenerateClientKey("client_ecdsa", "ecdsa");
  server_->AuthorizeKey(key);
  auto daemon = StartDaemon({.key_file = key.string()});
  ExpectRecovered(*daemon);
}

TEST_F(SftpFailuresTest, EncryptedEd25519KeyWithAPassphraseFromAFileWorksAndAWrongOneIsReported) {
  fs::path key = server_->GenerateClientKey("client_locked", "ed25519", "correct horse");
  server_->AuthorizeKey(key);
  fs::path passphrase = server_->root() / "passphrase";
  std::ofstream(passphrase) << "wrong horse\n";
  SftpBlock block{.key_file = key.string(), .passphrase = "${file:" + passphrase.string() + "}"};
  auto daemon = StartDaemon(block);
  std::string error = ExpectFailingAndRetrying(*daemon);
  EXPECT_NE(error.find("authentication as 'sftptest'"), std::string::npos) << error;
  EXPECT_NE(error.find("that the passphrase is right"), std::string::npos) << error;
  EXPECT_EQ(daemon->Log().find("wrong horse"), std::string::npos) << "the passphrase was logged";
  // Fixed: the right passphrase, then a reload (secrets are read when the config loads).
  std::ofstream(passphrase, std::ios::trunc) << "correct horse\n";
  daemon->Reconfigure(ConnectorsYaml(*server_, block));
  ExpectRecovered(*daemon);
}

TEST_F(SftpFailuresTest, UnauthorizedKeyIsReportedUntilTheServerAuthorizesIt) {
  fs::path key = server_->GenerateClientKey("client_new", "ed25519");
  auto daemon = StartDaemon({.key_file = key.string()});
  std::string error = ExpectFailingAndRetrying(*daemon);
  EXPECT_NE(error.find("authentication as 'sftptest' on [127.0.0.1]:"), std::string::npos) << error;
  EXPECT_NE(error.find("check the username, the key and that its public key is authorized"), std::string::npos)
      << error;
  server_->AuthorizeKey(key);
  ExpectRecovered(*daemon);
}

TEST_F(SftpFailuresTest, WrongUserIsReportedUntilTheConfigIsFixed) {
  auto daemon = StartDaemon({.username = "nobody-here"});
  std::string error = ExpectFailingAndRetrying(*daemon);
  EXPECT_NE(error.find("authentication as 'nobody-here'"), std::string::npos) << error;
  daemon->Reconfigure(ConnectorsYaml(*server_, {}));
  ExpectRecovered(*daemon);
}

TEST_F(SftpFailuresTest, RsaKeyIsRefusedWithTheSha1Explanation) {
  // Even an authorized RSA key fails: libssh2 1.10 signs with SHA-1 (ssh-rsa) only.
  fs::path key = server_->GenerateClientKey("client_rsa", "rsa");
  server_->AuthorizeKey(key);
  auto daemon = StartDaemon({.key_file = key.string()});
  std::string error = ExpectFailingAndRetrying(*daemon);
  EXPECT_NE(error.find("is an RSA key; this build signs RSA keys with SHA-1 only"), std::string::npos) << error;
  EXPECT_NE(error.find("use an ed25519 or ECDSA key"), std::string::npos) << error;
}

TEST_F(SftpFailuresTest, MissingRemoteDirectoryIsReportedUntilItExists) {
  auto daemon = StartDaemon({.remote_dir = "/data/in"});
  std::string error = ExpectFailingAndRetrying(*daemon);
  EXPECT_EQ(error, "cannot list remote folder /data/in: no such file or directory");
  server_->MakeDataDir("in");
  ExpectRecovered(*daemon, "in/open_items_1.csv");
}

TEST_F(SftpFailuresTest, PermissionDeniedOnTheDirectoryIsReportedUntilFixed) {
  fs::permissions(server_->data_dir(), fs::perms::none);  // chmod 000: sftptest may not list it
  auto daemon = StartDaemon({});
  std::string error = ExpectFailingAndRetrying(*daemon);
  EXPECT_EQ(error, "cannot list remote folder /data: permission denied");
  fs::permissions(server_->data_dir(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                           fs::perms::others_read | fs::perms::others_exec);
  ExpectRecovered(*daemon);
}

TEST_F(SftpFailuresTest, ServerDownIsReportedUntilItIsBack) {
  server_->Stop();
  auto daemon = StartDaemon({});
  std::string error = ExpectFailingAndRetrying(*daemon);
  EXPECT_NE(error.find("cannot connect to [127.0.0.1]:" + std::to_string(server_->port())), std::string::npos)
      << error;
  ASSERT_TRUE(server_->Start()) << server_->Log();
  ExpectRecovered(*daemon);
}

}  // namespace
}  // namespace tributary::testing
