// OAuth against the QuickBooks double: refresh and rotation, the 401 path, racing
// refreshers, invalid_grant, a grant the key file cannot decrypt, the hard-expiry header,
// and the consent flow.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "connectors/quickbooks/consent.h"
#include "gateway/store/secret_box.h"
#include "tests/unit/connectors/quickbooks_fixture.h"

namespace tributary::connectors::quickbooks::test {
namespace {

using std::chrono::hours;

class QuickBooksTokensTest : public QuickBooksFixture {
 protected:
  store::OAuthGrant Grant() {
    auto grant = store_->api().GetGrant(GrantIdOf(settings_));
    EXPECT_TRUE(grant.has_value() && grant->has_value());
    return grant && *grant ? **grant : store::OAuthGrant{};
  }
};

TEST_F(QuickBooksTokensTest, AnExpiredAccessTokenIsRefreshedAndTheRotatedTokenStored) {
  SeedGrant(/*access_expires_at=*/UnixNow() - 10);
  Wire();
  const std::string first_refresh = Grant().refresh_token;
  auto access = tokens_->Current();
  ASSERT_TRUE(access.has_value()) << access.error().message;
  EXPECT_EQ(double_->refresh_grants_answered(), 1);
  store::OAuthGrant grant = Grant();
  EXPECT_EQ(grant.generation, 2);
  EXPECT_NE(grant.refresh_token, first_refresh);
  EXPECT_EQ(grant.refresh_token, double_->CurrentRefreshToken(kRealm));
  EXPECT_EQ(access->token, grant.access_token);
  EXPECT_NEAR(grant.access_expires_at, UnixNow() + 3600, 5);
  EXPECT_NEAR(grant.refresh_expires_at, UnixNow() + 8726400, 5);
  // Asked with x-include-refresh-token-hard-expires-in: the hard expiry is known.
  EXPECT_NEAR(grant.refresh_hard_expires_at, UnixNow() + 157680000, 5);
  EXPECT_EQ(metrics_.Get("tributary_oauth_refresh_token_hard_expiry_timestamp_seconds", {{"connector", "qbo"}}),
            grant.refresh_hard_expires_at);
  EXPECT_EQ(metrics_.Get("tributary_oauth_access_token_expiry_timestamp_seconds", {{"connector", "qbo"}}),
            grant.access_expires_at);
  // Still fresh: no new refresh.
  ASSERT_TRUE(tokens_->Current().has_value());
  EXPECT_EQ(double_->refresh_grants_answered(), 1);
  // The token request was Basic-authenticated, a form, and asked for the hard expiry.
  for (const auto& request : double_->requests()) {
    if (request.kind == "token") {
      EXPECT_NE(request.body.find("grant_type=refresh_token"), std::string::npos);
    }
  }
}

TEST_F(QuickBooksTokensTest, A401FromTheApiRefreshesOnceAndRetries) {
  SeedGrant();
  Wire();
  double_->AddCustomer(kRealm, "Amy");
  double_->Advance(hours(2));  // QuickBooks' clock: the access token has expired
  auto body = api_->Get("query", {{"query", "SELECT COUNT(*) FROM Customer"}}, {});
  ASSERT_TRUE(body.has_value()) << body.error().message;
  EXPECT_NE(body->find("\"totalCount\":1"), std::string::npos) << *body;
  EXPECT_EQ(double_->CountRequests("query", 401), 1);
  EXPECT_EQ(double_->refresh_grants_answered(), 1);
}

TEST_F(QuickBooksTokensTest, RacingRefreshersNeverSendASupersededToken) {
  SeedGrant();
  Wire();
  constexpr int kRounds = 20;
  // Two workers, each with its own store connection and client, as two connectors (or a
  // connector and `tributary auth`) would be; each round both see the same token refused.
  auto worker = [&](std::vector<std::string>* tokens) {
    auto store = OpenStore();
    auto client = http::MakeCurlClient({});
    kit::RefreshTokenGrant grant(GrantSettingsOf(settings_));
    kit::GrantKeeper keeper(grant, "qbo", ConsentCommand("qbo"), *store, *client, locks_, MachineClock(), nullptr);
    for (int round = 0; round < kRounds; ++round) {
      auto current = store->api().GetGrant(GrantIdOf(settings_));
      kit::GrantKeeper::Access seen{(*current)->access_token, "", (*current)->generation};
      auto refreshed = keeper.RenewAfterRejection(seen);
      tokens->push_back(refreshed ? refreshed->token : "error: " + refreshed.error().message);
    }
  };
  std::vector<std::string> a, b;
  std::thread first(worker, &a), second(worker, &b);
  first.join();
  second.join();
  EXPECT_EQ(double_->superseded_refresh_attempts(), 0);
  EXPECT_EQ(double_->invalid_grants_answered(), 0);
  for (const auto& token : a) EXPECT_EQ(token.find("error"), std::string::npos) << token;
  for (const auto& token : b) EXPECT_EQ(token.find("error"), std::string::npos) << token;
  // Between kRounds and 2·kRounds refreshes: a worker that finds the grant already
  // refreshed by the other uses that result instead of refreshing again.
  EXPECT_GE(double_->refresh_grants_answered(), kRounds);
  EXPECT_LE(double_->refresh_grants_answered(), 2 * kRounds);
  EXPECT_EQ(Grant().refresh_token, double_->CurrentRefreshToken(kRealm));
}

TEST_F(QuickBooksTokensTest, InvalidGrantStopsWithConsentNeededAndNoRetryLoop) {
  SeedGrant(/*access_expires_at=*/UnixNow() - 10);
  Wire();
  double_->RevokeGrants(kRealm);
  auto access = tokens_->Current();
  ASSERT_FALSE(access.has_value());
  EXPECT_EQ(access.error().code, ErrorCode::kRejected);
  EXPECT_NE(access.error().message.find("consent needed"), std::string::npos) << access.error().message;
  EXPECT_NE(access.error().message.find("tributary auth quickbooks"), std::string::npos);
  EXPECT_EQ(Grant().state, store::GrantState::kConsentNeeded);
  EXPECT_EQ(metrics_.Get("tributary_oauth_consent_needed", {{"connector", "qbo"}}), 1);
  const int token_calls = double_->CountRequests("token");
  for (int i = 0; i < 3; ++i) {
    auto passed = sync_->Pass({});
    ASSERT_FALSE(passed.has_value());
    EXPECT_NE(passed.error().message.find("consent needed"), std::string::npos);
  }
  EXPECT_EQ(double_->CountRequests("token"), token_calls);  // nobody asked the token endpoint again
  EXPECT_EQ(double_->CountRequests("query"), 0);
}

TEST_F(QuickBooksTokensTest, AGrantTheKeyCannotDecryptStopsWithAClearStatusAndNoRetryLoop) {
  SeedGrant(/*access_expires_at=*/UnixNow() - 10);
  const std::string key_path = dir_.File("state/tributary.key");
  // The key file was replaced (say, a database restored without its key).
  ASSERT_TRUE(std::filesystem::remove(key_path));
  ASSERT_TRUE(store::SecretKey::LoadOrCreate(key_path).has_value());
  store_ = OpenStore();
  Wire();
  auto access = tokens_->Current();
  ASSERT_FALSE(access.has_value());
  EXPECT_EQ(access.error().code, ErrorCode::kRejected);
  EXPECT_NE(access.error().message.find("cannot decrypt the stored QuickBooks grant with " + key_path),
            std::string::npos)
      << access.error().message;
  EXPECT_NE(access.error().message.find("the key file changed? run `tributary auth quickbooks --config FILE "
                                        "--connector qbo` to consent again"),
            std::string::npos)
      << access.error().message;
  EXPECT_EQ(metrics_.Get("tributary_oauth_consent_needed", {{"connector", "qbo"}}), 1);
  auto rejected = tokens_->RenewAfterRejection({"whatever", "", 1});
  ASSERT_FALSE(rejected.has_value());
  EXPECT_NE(rejected.error().message.find("cannot decrypt"), std::string::npos);
  for (int i = 0; i < 3; ++i) {
    auto passed = sync_->Pass({});
    ASSERT_FALSE(passed.has_value());
    EXPECT_NE(passed.error().message.find("cannot decrypt"), std::string::npos) << passed.error().message;
  }
  EXPECT_EQ(double_->CountRequests("token"), 0);
  EXPECT_EQ(double_->CountRequests("query"), 0);

  // Consent again: the new grant is stored under the current key and works.
  auto started = StartConsent(settings_, "qbo", *store_);
  ASSERT_TRUE(started.has_value());
  auto page = client_->Send({.method = "GET", .target = started->url});
  ASSERT_TRUE(page.has_value());
  auto grant = CompleteConsent(settings_, "qbo", *store_, *client_,
                               RedirectParameters(http::FindHeader(page->headers, "Location")));
  ASSERT_TRUE(grant.has_value()) << grant.error().message;
  ASSERT_TRUE(tokens_->Current().has_value());
  EXPECT_EQ(Grant().state, store::GrantState::kActive);
}

TEST_F(QuickBooksTokensTest, WithoutAGrantTheConnectorAsksForConsent) {
  Wire();
  auto passed = sync_->Pass({});
  ASSERT_FALSE(passed.has_value());
  EXPECT_NE(passed.error().message.find("consent needed: no QuickBooks grant for account 9130357785543026 yet"),
            std::string::npos)
      << passed.error().message;
}

TEST_F(QuickBooksTokensTest, ConsentExchangesTheCodeOnceForTheConfiguredCompany) {
  Wire();
  auto started = StartConsent(settings_, "qbo", *store_);
  ASSERT_TRUE(started.has_value()) << started.error().message;
  EXPECT_NE(started->url.find("scope=com.intuit.quickbooks.accounting"), std::string::npos);
  EXPECT_NE(started->url.find("state=" + started->state), std::string::npos);
  EXPECT_EQ(started->state.size(), 64u);
  // The person consents: the double's consent page redirects with code, state and realmId.
  auto page = client_->Send({.method = "GET", .target = started->url});
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->status, 302);
  const std::string redirect = http::FindHeader(page->headers, "Location");
  EXPECT_TRUE(redirect.starts_with(settings_.redirect_uri + "?code=")) << redirect;
  auto grant = CompleteConsent(settings_, "qbo", *store_, *client_, RedirectParameters(redirect));
  ASSERT_TRUE(grant.has_value()) << grant.error().message;
  EXPECT_EQ(grant->state, store::GrantState::kActive);
  EXPECT_EQ(Grant().refresh_token, double_->CurrentRefreshToken(kRealm));
  ASSERT_TRUE(tokens_->Current().has_value());

  // The same redirect again: the state was spent.
  auto again = CompleteConsent(settings_, "qbo", *store_, *client_, RedirectParameters(redirect));
  ASSERT_FALSE(again.has_value());
  EXPECT_NE(again.error().message.find("unknown or expired consent state"), std::string::npos);

  // Consent given for another company than realm_id.
  auto other = StartConsent(settings_, "qbo", *store_);
  ASSERT_TRUE(other.has_value());
  auto wrong = CompleteConsent(settings_, "qbo", *store_, *client_,
                               {{"code", "x"}, {"state", other->state}, {"realmId", "42"}});
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message.find("realm 42"), std::string::npos) << wrong.error().message;
  // A refused consent.
  auto refused = CompleteConsent(settings_, "qbo", *store_, *client_, {{"error", "access_denied"}});
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("access_denied"), std::string::npos);
}

}  // namespace
}  // namespace tributary::connectors::quickbooks::test
