// The key file of the OAuth tokens, with the real daemon: a grant stored in plain text by an
// earlier version is encrypted at start and keeps working; a key file others may read stops
// the daemon at start with an error naming it.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>

#include "gateway/store/sqlite_db.h"
#include "tests/integration/quickbooks_daemon.h"

namespace tributary::testing::qbo_e2e {
namespace {

using std::chrono::seconds;

class QuickBooksKeyFileTest : public QuickBooksEndToEndTest {
 protected:
  void SetUp() override {
    QuickBooksEndToEndTest::SetUp();
    if (HasFatalFailure()) return;
    WriteQuickBooksConfig(*daemon_, *core_, *qbo_);
    ASSERT_NE(OpenDaemonStore(*daemon_), nullptr);  // creates the database and its schema
  }

  std::string DatabasePath() const { return (daemon_->root() / "var/tributary.db").string(); }
  std::string KeyPath() const { return (daemon_->root() / "var/tributary.key").string(); }

  // The grant's row as the previous version wrote it: the tokens in plain text.
  void InsertPlainGrant(const IssuedTokens& tokens) {
    auto db = store::Database::Open(DatabasePath(), std::chrono::milliseconds(5000));
    ASSERT_TRUE(db.has_value());
    auto stmt = (*db)->Prepare(
        "INSERT INTO oauth_grants (provider, client_id, account, state, generation, refresh_token, access_token, "
        "access_expires_at, updated_at) VALUES ('quickbooks', ?, ?, 'active', 1, ?, ?, 0, '2026-01-01T00:00:00Z')");
    ASSERT_TRUE(stmt.has_value());
    ASSERT_TRUE(stmt->Bind(qbo_->options().client_id, std::string(kRealm), tokens.refresh_token, tokens.access_token)
                    .Run()
                    .has_value());
  }

  std::string StoredRefreshToken() {
    auto db = store::Database::Open(DatabasePath(), std::chrono::milliseconds(5000));
    if (!db) return "";
    auto stmt = (*db)->Prepare("SELECT refresh_token FROM oauth_grants");
    if (!stmt) return "";
    auto row = stmt->Step();
    return row && *row ? stmt->Text(0) : "";
  }

};

TEST_F(QuickBooksKeyFileTest, APlainTextGrantOfAnEarlierVersionIsEncryptedAtStartAndKeepsWorking) {
  const std::string amy = qbo_->AddCustomer(kRealm, "Amy");
  InsertPlainGrant(qbo_->IssueGrant(kRealm));
  EXPECT_FALSE(std::filesystem::exists(KeyPath()));
  daemon_->Start();
  ASSERT_TRUE(WaitUntil([&] { return core_->entity("qbo:customer:" + amy).has_value(); }, seconds(30)))
      << daemon_->Log();
  EXPECT_TRUE(StoredRefreshToken().starts_with("enc1:")) << StoredRefreshToken();
  EXPECT_EQ(StoredRefreshToken().find(qbo_->CurrentRefreshToken(kRealm)), std::string::npos);
  struct stat info {};
  ASSERT_EQ(::stat(KeyPath().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_EQ(daemon_->StopWith(SIGTERM), 0) << daemon_->Log();
}

TEST_F(QuickBooksKeyFileTest, AKeyFileOthersCanReadStopsTheDaemonAtStart) {
  InsertPlainGrant(qbo_->IssueGrant(kRealm));
  {
    std::ofstream(KeyPath()) << std::string(64, 'a') << "\n";
  }
  ASSERT_EQ(::chmod(KeyPath().c_str(), 0644), 0);
  const std::string log = (daemon_->root() / "start.log").string();
  // `timeout`: a daemon that started anyway would otherwise run forever.
  const std::string command = std::string("timeout 30 ") + TRIBUTARY_BINARY + " run --config " +
                              daemon_->config_path().string() + " >" + log + " 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
  EXPECT_NE(WEXITSTATUS(status), 124) << "the daemon started";
  std::ifstream in(log);
  const std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(output.find("the key file " + KeyPath() + " has mode 0644"), std::string::npos) << output;
  EXPECT_FALSE(StoredRefreshToken().starts_with("enc1:"));  // nothing encrypted with that key
}

}  // namespace
}  // namespace tributary::testing::qbo_e2e
