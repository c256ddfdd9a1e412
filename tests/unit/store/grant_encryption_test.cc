// OAuth grants are stored encrypted under the key file next to the database: the columns
// never hold the tokens, a value moved to another row does not decrypt, a changed key makes
// the grant kUndecryptable, plain text rows of an earlier version are read and sealed.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "gateway/store/secret_box.h"
#include "gateway/store/sqlite_db.h"
#include "tests/unit/store/store_test_support.h"

namespace tributary::store::test {
namespace {

const GrantId kRealm1{.provider = "quickbooks", .client_id = "app", .account = "realm-1"};
const GrantId kRealm2{.provider = "quickbooks", .client_id = "app", .account = "realm-2"};

class GrantEncryptionTest : public StoreTest {
 protected:
  std::string KeyPath() const { return dir_.File("state/tributary.key"); }
  bool KeyExists() const { return std::filesystem::exists(KeyPath()); }

  void Save(const GrantId& id, const std::string& refresh, const std::string& access) {
    auto update = store_->api().LockGrant(id);
    ASSERT_TRUE(update.has_value()) << update.error().ToString();
    auto saved = (*update)->Save({.refresh_token = refresh, .access_token = access, .access_expires_at = 100});
    ASSERT_TRUE(saved.has_value()) << saved.error().ToString();
  }
  OAuthGrant Get(const GrantId& id) {
    auto grant = store_->api().GetGrant(id);
    EXPECT_TRUE(grant.has_value()) << grant.error().ToString();
    EXPECT_TRUE(grant && grant->has_value());
    return grant && *grant ? **grant : OAuthGrant{};
  }

  // The stored text of a grant's column, read with a connection of its own.
  std::string Column(const GrantId& id, const std::string& column) {
    auto db = Database::Open(path(), std::chrono::milliseconds(1000));
    EXPECT_TRUE(db.has_value());
    if (!db) return "";
    auto stmt = (*db)->Prepare("SELECT " + column + " FROM oauth_grants WHERE account = ?");
    EXPECT_TRUE(stmt.has_value());
    stmt->Bind(id.account);
    auto row = stmt->Step();
    EXPECT_TRUE(row.has_value() && *row);
    return row && *row ? stmt->Text(0) : "";
  }
  void Execute(const std::string& sql) {
    auto db = Database::Open(path(), std::chrono::milliseconds(1000));
    ASSERT_TRUE(db.has_value());
    ASSERT_TRUE((*db)->Exec(sql.c_str()).has_value()) << sql;
  }
  // A row as the previous version wrote it: tokens in plain text.
  void InsertPlainRow(const GrantId& id, const std::string& refresh, const std::string& access) {
    Execute("INSERT INTO oauth_grants (provider, client_id, account, state, generation, refresh_token, access_token, "
            "access_expires_at, updated_at) VALUES ('" + id.provider + "', '" + id.client_id + "', '" + id.account +
            "', 'active', 4, '" + refresh + "', '" + access + "', 100, '2026-01-01T00:00:00Z')");
  }
};

TEST_F(GrantEncryptionTest, TokensRoundTripAndTheColumnsNeverHoldThem) {
  EXPECT_FALSE(KeyExists());
  Save(kRealm1, "RT-secret-refresh", "AT-secret-access");
  EXPECT_TRUE(KeyExists());
  struct stat info {};
  ASSERT_EQ(::stat(KeyPath().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);

  for (const char* column : {"refresh_token", "access_token"}) {
    const std::string stored = Column(kRealm1, column);
    EXPECT_TRUE(stored.starts_with("enc1:")) << stored;
    EXPECT_EQ(stored.find("secret"), std::string::npos) << stored;
  }
  Reopen();
  OAuthGrant grant = Get(kRealm1);
  EXPECT_EQ(grant.state, GrantState::kActive);
  EXPECT_EQ(grant.refresh_token, "RT-secret-refresh");
  EXPECT_EQ(grant.access_token, "AT-secret-access");
  EXPECT_EQ(store_->api().KeyFile(), KeyPath());
}

TEST_F(GrantEncryptionTest, AValueMovedToAnotherGrantDoesNotDecrypt) {
  Save(kRealm1, "RT-one", "AT-one");
  Save(kRealm2, "RT-two", "AT-two");
  Execute("UPDATE oauth_grants SET refresh_token = (SELECT refresh_token FROM oauth_grants WHERE account = 'realm-1') "
          "WHERE account = 'realm-2'");
  OAuthGrant moved = Get(kRealm2);
  EXPECT_EQ(moved.state, GrantState::kUndecryptable);
  EXPECT_EQ(moved.refresh_token, "");
  EXPECT_EQ(moved.access_token, "");
  EXPECT_NE(moved.problem.find("refresh_token: cannot decrypt with " + KeyPath()), std::string::npos) << moved.problem;
  EXPECT_EQ(Get(kRealm1).refresh_token, "RT-one");

  // Nor into the other column of the same grant.
  Execute("UPDATE oauth_grants SET access_token = refresh_token WHERE account = 'realm-1'");
  EXPECT_EQ(Get(kRealm1).state, GrantState::kUndecryptable);
}

TEST_F(GrantEncryptionTest, AnotherKeyMakesTheGrantUndecryptableUntilConsentIsGivenAgain) {
  Save(kRealm1, "RT-one", "AT-one");
  ASSERT_TRUE(std::filesystem::remove(KeyPath()));
  Reopen();
  OAuthGrant missing = Get(kRealm1);
  EXPECT_EQ(missing.state, GrantState::kUndecryptable);
  EXPECT_EQ(missing.problem, "the key file " + KeyPath() + " does not exist");
  EXPECT_FALSE(KeyExists());  // reading creates no key

  ASSERT_TRUE(SecretKey::LoadOrCreate(KeyPath()).has_value());  // a different key
  Reopen();
  OAuthGrant wrong = Get(kRealm1);
  EXPECT_EQ(wrong.state, GrantState::kUndecryptable);
  EXPECT_NE(wrong.problem.find("a different key, or an altered value"), std::string::npos) << wrong.problem;
  EXPECT_EQ(wrong.generation, 1);

  // A new consent replaces the grant under the current key.
  {
    auto update = store_->api().LockGrant(kRealm1);
    ASSERT_TRUE(update.has_value());
    EXPECT_EQ((*update)->current()->state, GrantState::kUndecryptable);
    ASSERT_TRUE((*update)->Save({.refresh_token = "RT-new", .access_token = "AT-new"}).has_value());
  }
  OAuthGrant renewed = Get(kRealm1);
  EXPECT_EQ(renewed.state, GrantState::kActive);
  EXPECT_EQ(renewed.refresh_token, "RT-new");
  EXPECT_EQ(renewed.generation, 2);
}

TEST_F(GrantEncryptionTest, APlainTextRowOfThePreviousVersionIsReadThenSealed) {
  InsertPlainRow(kRealm1, "RT-plain", "AT-plain");
  InsertPlainRow(kRealm2, "RT-plain-2", "AT-plain-2");
  OAuthGrant plain = Get(kRealm1);
  EXPECT_EQ(plain.state, GrantState::kActive);
  EXPECT_EQ(plain.refresh_token, "RT-plain");
  EXPECT_EQ(plain.generation, 4);
  EXPECT_FALSE(KeyExists());

  ASSERT_TRUE(store_->api().SealStoredGrants().has_value());
  EXPECT_TRUE(KeyExists());
  for (const GrantId& id : {kRealm1, kRealm2}) {
    EXPECT_TRUE(Column(id, "refresh_token").starts_with("enc1:"));
    EXPECT_TRUE(Column(id, "access_token").starts_with("enc1:"));
  }
  Reopen();
  OAuthGrant sealed = Get(kRealm2);
  EXPECT_EQ(sealed.refresh_token, "RT-plain-2");
  EXPECT_EQ(sealed.access_token, "AT-plain-2");
  EXPECT_EQ(sealed.generation, 4);  // sealing is no save
  ASSERT_TRUE(store_->api().SealStoredGrants().has_value());  // nothing left to do
}

TEST_F(GrantEncryptionTest, APlainTextRowIsSealedAtItsNextSave) {
  InsertPlainRow(kRealm1, "RT-plain", "AT-plain");
  {
    auto update = store_->api().LockGrant(kRealm1);
    ASSERT_TRUE(update.has_value());
    EXPECT_EQ((*update)->current()->refresh_token, "RT-plain");
    OAuthGrant next = *(*update)->current();
    next.refresh_token = "RT-rotated";
    ASSERT_TRUE((*update)->Save(next).has_value());
  }
  EXPECT_TRUE(Column(kRealm1, "refresh_token").starts_with("enc1:"));
  EXPECT_TRUE(Column(kRealm1, "access_token").starts_with("enc1:"));
  EXPECT_EQ(Get(kRealm1).access_token, "AT-plain");
}

TEST_F(GrantEncryptionTest, NoGrantsNoKeyFile) {
  ASSERT_TRUE(store_->api().SealStoredGrants().has_value());
  EXPECT_FALSE(KeyExists());
}

TEST_F(GrantEncryptionTest, AKeyFileOthersCanReadStopsEverything) {
  Save(kRealm1, "RT-one", "AT-one");
  ASSERT_EQ(::chmod(KeyPath().c_str(), 0640), 0);
  Reopen();
  auto sealed = store_->api().SealStoredGrants();
  ASSERT_FALSE(sealed.has_value());
  EXPECT_NE(sealed.error().message.find("has mode 0640"), std::string::npos) << sealed.error().message;
  auto grant = store_->api().GetGrant(kRealm1);
  ASSERT_FALSE(grant.has_value());
  EXPECT_EQ(grant.error().code, ErrorCode::kInvalidArgument);
  // No lock either: a refresher must not retire a token it could not store.
  EXPECT_FALSE(store_->api().LockGrant(kRealm2).has_value());
}

}  // namespace
}  // namespace tributary::store::test
