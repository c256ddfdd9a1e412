#include "connectors/kit/grant_keeper.h"

#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <gtest/gtest.h>

#include "gateway/store/store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/connectors/kit/scripted_server.h"

namespace tributary::connectors::kit {
namespace {

using test::Json;

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

KeyPair MakeRsaKey() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  KeyPair pair;
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(out, &data);
  pair.private_pem.assign(data, static_cast<size_t>(size));
  BIO_free(out);
  out = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(out, key);
  size = BIO_get_mem_data(out, &data);
  pair.public_pem.assign(data, static_cast<size_t>(size));
  BIO_free(out);
  EVP_PKEY_free(key);
  return pair;
}

std::string FormValue(const std::string& body, const std::string& name) {
  for (size_t start = 0; start < body.size();) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string pair = body.substr(start, end - start);
    if (pair.starts_with(name + "=")) return http::PercentDecode(pair.substr(name.size() + 1));
    start = end + 1;
  }
  return "";
}

class GrantKeeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open(dir_.File("state/tributary.db"));
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
  }
  GrantIdentity Identity() {
    return {.id = {"acme", "app", "user@acme.com"}, .provider_name = "Acme", .token_url = server_.url("/token")};
  }
  std::unique_ptr<GrantKeeper> Keeper(GrantKind& kind) {
    return std::make_unique<GrantKeeper>(kind, "src", "tributary auth acme --connector src", *store_, *client_, locks_,
                                         clock_, nullptr);
  }

  testing::TempDir dir_;
  test::ScriptedServer server_;
  testing::FakeClock clock_;
  std::unique_ptr<http::HttpClient> client_ = http::MakeCurlClient({});
  std::unique_ptr<store::Store> store_;
  GrantLocks locks_;
};

TEST_F(GrantKeeperTest, JwtBearerSignsTheClaimsWithTheKeyAndKeepsTheEndpoint) {
  const KeyPair key = MakeRsaKey();
  std::string assertion;
  server_.Route([&](const http::Request& request) -> std::optional<http::Response> {
    EXPECT_EQ(FormValue(request.body, "grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
    assertion = FormValue(request.body, "assertion");
    return Json(200, R"({"access_token":"00Dx!AR8","instance_url":"https://acme.my.salesforce.com","token_type":"Bearer"})");
  });
  JwtBearerGrant grant({.identity = Identity(),
                        .issuer = "3MVG9consumer",
                        .subject = "user@acme.com",
                        .audience = "https://login.salesforce.com",
                        .private_key_pem = key.private_pem},
                       clock_);
  auto keeper = Keeper(grant);
  auto access = keeper->Current();
  ASSERT_TRUE(access.has_value()) << access.error().message;
  EXPECT_EQ(access->token, "00Dx!AR8");
  EXPECT_EQ(access->endpoint, "https://acme.my.salesforce.com");

  // The assertion verifies with the public key, RS256, with the claims of the flow.
  jwt_t* decoded = nullptr;
  ASSERT_EQ(jwt_decode(&decoded, assertion.c_str(), reinterpret_cast<const unsigned char*>(key.public_pem.data()),
                       static_cast<int>(key.public_pem.size())),
            0);
  EXPECT_EQ(jwt_get_alg(decoded), JWT_ALG_RS256);
  EXPECT_STREQ(jwt_get_grant(decoded, "iss"), "3MVG9consumer");
  EXPECT_STREQ(jwt_get_grant(decoded, "sub"), "user@acme.com");
  EXPECT_STREQ(jwt_get_grant(decoded, "aud"), "https://login.salesforce.com");
  EXPECT_EQ(jwt_get_grant_int(decoded, "exp"), clock_.UnixSeconds() + 180);
  jwt_free(decoded);

  // Stored before use: a second keeper (another start) uses it without asking again.
  auto again = Keeper(grant)->Current();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->token, "00Dx!AR8");
  EXPECT_EQ(server_.Count("/token"), 1);
}

TEST_F(GrantKeeperTest, ARefusedSelfObtainedGrantIsTriedOncePerStartNeverInALoop) {
  const KeyPair key = MakeRsaKey();
  server_.Route([&](const http::Request&) -> std::optional<http::Response> {
    return Json(400, R"({"error":"invalid_grant","error_description":"user hasn't approved this consumer"})");
  });
  JwtBearerGrant grant({.identity = Identity(), .issuer = "app", .subject = "user@acme.com", .audience = "aud",
                        .private_key_pem = key.private_pem},
                       clock_);
  auto keeper = Keeper(grant);
  for (int pass = 0; pass < 5; ++pass) {
    auto access = keeper->Current();
    ASSERT_FALSE(access.has_value());
    EXPECT_EQ(access.error().code, ErrorCode::kRejected);
    EXPECT_NE(access.error().message.find("Acme refused the grant"), std::string::npos) << access.error().message;
    EXPECT_NE(access.error().message.find("user hasn't approved this consumer"), std::string::npos);
  }
  EXPECT_EQ(server_.Count("/token"), 1);
  // Another keeper of the same daemon (another worker of the connector) tries nothing:
  // a burst of refused logins could lock the account.
  EXPECT_FALSE(Keeper(grant)->Current().has_value());
  EXPECT_EQ(server_.Count("/token"), 1);
  // A new start or reload (new locks), or `tributary auth`, tries once more.
  GrantLocks restarted;
  GrantKeeper after_restart(grant, "src", "tributary auth acme --connector src", *store_, *client_, restarted, clock_,
                            nullptr);
  EXPECT_FALSE(after_restart.Current().has_value());
  EXPECT_EQ(server_.Count("/token"), 2);
}

TEST_F(GrantKeeperTest, AnUnusablePrivateKeyIsAClearErrorWithoutARequest) {
  JwtBearerGrant grant({.identity = Identity(), .issuer = "app", .subject = "u", .audience = "aud",
                        .private_key_pem = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"},
                       clock_);
  auto access = Keeper(grant)->Current();
  ASSERT_FALSE(access.has_value());
  EXPECT_NE(access.error().message.find("private key"), std::string::npos) << access.error().message;
  EXPECT_EQ(server_.Count("/token"), 0);
}

TEST_F(GrantKeeperTest, ClientCredentialsAndPasswordGrantsSpeakRfc6749) {
  std::vector<http::Request> seen;
  server_.Route([&](const http::Request& request) -> std::optional<http::Response> {
    seen.push_back(request);
    return Json(200, R"({"access_token":"t","expires_in":"3600"})");
  });
  ClientCredentialsGrant credentials({.identity = Identity(), .client_id = "app", .client_secret = "s3cret", .scope = "read"});
  ASSERT_TRUE(Keeper(credentials)->Current().has_value());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(FormValue(seen[0].body, "grant_type"), "client_credentials");
  EXPECT_EQ(FormValue(seen[0].body, "scope"), "read");
  EXPECT_EQ(http::FindHeader(seen[0].headers, "Authorization"), BasicAuthorization("app", "s3cret"));
  auto grant = store_->api().GetGrant(credentials.id());
  ASSERT_TRUE(grant.has_value() && grant->has_value());
  EXPECT_EQ((*grant)->access_expires_at, clock_.UnixSeconds() + 3600);

  PasswordGrant password({.identity = {.id = {"acme", "app", "other"}, .provider_name = "Acme",
                                       .token_url = server_.url("/token")},
                          .client_id = "app", .client_secret = "s3cret", .username = "me", .password = "p&ss"});
  ASSERT_TRUE(Keeper(password)->Current().has_value());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(FormValue(seen[1].body, "grant_type"), "password");
  EXPECT_EQ(FormValue(seen[1].body, "username"), "me");
  EXPECT_EQ(FormValue(seen[1].body, "password"), "p&ss");
}

TEST_F(GrantKeeperTest, AnExpiringTokenIsRenewedAndAnUnknownExpiryIsUsedUntilRefused) {
  int issued = 0;
  server_.Route([&](const http::Request&) -> std::optional<http::Response> {
    ++issued;
    return Json(200, R"({"access_token":"t)" + std::to_string(issued) + R"(","expires_in":120})");
  });
  ClientCredentialsGrant grant({.identity = Identity(), .client_id = "app", .client_secret = "s"});
  auto keeper = Keeper(grant);
  ASSERT_EQ(keeper->Current()->token, "t1");
  clock_.Advance(std::chrono::seconds(30));
  EXPECT_EQ(keeper->Current()->token, "t1");
  clock_.Advance(std::chrono::seconds(40));  // less than a minute left
  EXPECT_EQ(keeper->Current()->token, "t2");
}

}  // namespace
}  // namespace tributary::connectors::kit
