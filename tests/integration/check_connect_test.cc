// `tributary check --connect` as a user runs it: one verdict line per connector, from the
// probe its type offers, against a real chrooted sshd (needs root; skipped otherwise) and
// the Creditsafe test double, each with good and bad credentials.
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/sftp_test_support.h"
#include "tests/testing/creditsafe_double.h"
#include "tests/testing/dnb_double.h"
#include "tests/testing/fake_clock.h"
#include "tests/integration/command_runner.h"
#include "tests/testing/temp_dir.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;

using CommandResult = CommandOutcome;

CommandResult RunTributary(const std::string& arguments) { return RunTributaryCommand(arguments); }

// A config in `dir` with `connectors_yaml` (items indented by two spaces); state in dir/var.
std::string WriteConfig(const TempDir& dir, const std::string& connectors_yaml) {
  fs::create_directories(dir.path() / "var");
  fs::create_directories(dir.path() / "mappings");
  fs::copy(fs::path(TRIBUTARY_SOURCE_DIR) / "mappings/generic", dir.path() / "mappings/generic",
           fs::copy_options::recursive);
  const std::string path = dir.File("config/tributary.yaml");
  fs::create_directories(dir.path() / "config");
  std::ofstream(path) << "tenant: acme\nstate: sqlite:../var/tributary.db\nconnectors:\n" << connectors_yaml;
  return path;
}

class SftpCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string reason = SftpServer::UnavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
    server_ = std::make_unique<SftpServer>();
    ASSERT_TRUE(server_->Start()) << server_->Log();
  }

  std::unique_ptr<SftpServer> server_;
  TempDir dir_;
};

TEST_F(SftpCheckTest, LogsInWithThePinnedHostKeyAndLooksAtTheRemoteFolder) {
  const std::string config = WriteConfig(dir_, ConnectorsYaml(*server_));
  auto result = RunTributary("check --connect --config " + config);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "erp-sftp (sftp): ok: logged in as sftptest on [127.0.0.1]:" + std::to_string(server_->port()) +
                            " (host key as pinned), remote_dir /data is a folder\n" + config +
                            ": OK (1 connector, 1 mapping)\n");
  // Without --connect, nothing goes to the server.
  auto local = RunTributary("check --config " + config);
  EXPECT_EQ(local.out, config + ": OK (1 connector, 1 mapping)\n");
}

TEST_F(SftpCheckTest, ABadKeyAMissingFolderAndAChangedHostKeyFail) {
  const fs::path stranger = server_->GenerateClientKey("stranger", "ed25519");  // never authorized
  const std::string bad_key = WriteConfig(dir_, ConnectorsYaml(*server_, {.key_file = stranger.string()}));
  auto refused = RunTributary("check --connect --config " + bad_key);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out.rfind("erp-sftp (sftp): failed: authentication as 'sftptest' on [127.0.0.1]:", 0), 0u)
      << refused.out;
  EXPECT_NE(refused.err.find("1 connector failed the remote check\n"), std::string::npos) << refused.err;

  TempDir other;
  const std::string no_folder = WriteConfig(other, ConnectorsYaml(*server_, {.remote_dir = "/data/inbox"}));
  auto missing = RunTributary("check --connect --config " + no_folder);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out.rfind("erp-sftp (sftp): failed: remote_dir /data/inbox does not exist on the server\n", 0), 0u)
      << missing.out;

  // The server's key changes; the one pinned stays.
  const std::string pinned = ReadBytes(server_->known_hosts());
  server_->Stop();
  server_->RegenerateHostKey();
  ASSERT_TRUE(server_->Start()) << server_->Log();
  std::ofstream(server_->known_hosts(), std::ios::trunc) << pinned;
  TempDir third;
  const std::string changed = WriteConfig(third, ConnectorsYaml(*server_));
  auto mismatch = RunTributary("check --connect --config " + changed);
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_EQ(mismatch.out.rfind("erp-sftp (sftp): failed: host key of [127.0.0.1]:", 0), 0u) << mismatch.out;
  EXPECT_NE(mismatch.out.find("CHANGED"), std::string::npos) << mismatch.out;
  EXPECT_NE(mismatch.out.find(server_->HostFingerprint()), std::string::npos) << mismatch.out;
}

class CreditsafeCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = CreditsafeDouble::Start(clock_);
    ASSERT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
  }

  std::string Config(const std::string& password) {
    std::ostringstream yaml;
    yaml << "  - name: scores\n    type: creditsafe\n    creditsafe:\n      base_url: " << double_->base_url()
         << "\n      username: " << double_->options().username << "\n      password: \"" << password << "\"\n";
    return WriteConfig(dir_, yaml.str());
  }

  FakeClock clock_;
  std::unique_ptr<CreditsafeDouble> double_;
  TempDir dir_;
};

TEST_F(CreditsafeCheckTest, TheRightPasswordLogsIn) {
  const std::string config = Config(double_->options().password);
  auto result = RunTributary("check --connect --config " + config);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "scores (creditsafe): ok: logged in at Creditsafe " + double_->base_url() +
                            "/authenticate (token granted)\n" + config + ": OK (1 connector, 0 mappings)\n");
}

TEST_F(CreditsafeCheckTest, AWrongPasswordFailsWithoutShowingIt) {
  const std::string config = Config("Wrong-Password-9");
  auto result = RunTributary("check --connect --config " + config);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out.rfind("scores (creditsafe): failed: Creditsafe " + double_->base_url() +
                                 "/authenticate refused the username and password (HTTP 401",
                             0),
            0u)
      << result.out;
  EXPECT_EQ(result.out.find("Wrong-Password-9"), std::string::npos) << result.out;
  // After the warning of the state database the daemon would create.
  EXPECT_TRUE(result.err.ends_with("\n1 connector failed the remote check\n")) << result.err;
}

// The kit's grant probe, through D&B's client-credentials token endpoint.
TEST(DnbCheckTest, ATokenRequestWithGoodAndBadSecrets) {
  FakeClock clock;
  auto started = DnbDouble::Start(clock);
  ASSERT_TRUE(started.has_value()) << started.error().message;
  const std::unique_ptr<DnbDouble> dnb = std::move(*started);
  auto config = [&](const TempDir& dir, const std::string& secret) {
    std::ostringstream yaml;
    yaml << "  - name: scores\n    type: dnb\n    dnb:\n      base_url: " << dnb->base_url()
         << "\n      consumer_key: " << dnb->options().consumer_key << "\n      consumer_secret: \"" << secret << "\"\n";
    return WriteConfig(dir, yaml.str());
  };
  TempDir good_dir;
  auto good = RunTributary("check --connect --config " + config(good_dir, dnb->options().consumer_secret));
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_EQ(good.out.rfind("scores (dnb): ok: token granted by D&B at " + dnb->base_url(), 0), 0u) << good.out;
  TempDir bad_dir;
  auto bad = RunTributary("check --connect --config " + config(bad_dir, "not-the-secret-at-all"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.out.rfind("scores (dnb): failed: D&B token endpoint ", 0), 0u) << bad.out;
  EXPECT_NE(bad.out.find("refused the consumer key and secret"), std::string::npos) << bad.out;
  EXPECT_EQ(bad.out.find("not-the-secret-at-all"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace tributary::testing
