// The Creditsafe provider against the Creditsafe double: search, reports, the login and
// its failures, throttling, and the monitoring portfolio.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/connectors/creditsafe_fixture.h"

namespace tributary::connectors::creditsafe::test {
namespace {

using namespace std::chrono_literals;

class CreditsafeProviderTest : public CreditsafeFixture {};

TEST_F(CreditsafeProviderTest, FindsOneCompanyBySiren) {
  auto provider = MakeProvider();
  auto matches = provider->FindCompany(Siren("494814452"), {});
  ASSERT_TRUE(matches.has_value()) << matches.error().message;
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ(matches->front().id, kJulesVerne);
  EXPECT_EQ(matches->front().name, "LE JULES VERNE");
  EXPECT_EQ(matches->front().vat_number, "FR85494814452");
  EXPECT_EQ(matches->front().status, "Active");
  const auto requests = double_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].kind, "authenticate");
  EXPECT_EQ(requests[0].body, R"({"password":"Double-Password-1","username":"tributary-user-key"})");
  EXPECT_EQ(requests[1].path, "/v1/companies");
  EXPECT_EQ(requests[1].query, "countries=FR&regNo=494814452&page=1&pageSize=20");
}

TEST_F(CreditsafeProviderTest, SearchesByVatThenByName) {
  auto provider = MakeProvider();
  auto by_vat = provider->FindCompany({.country = "FR", .vat_number = "FR85494814452"}, {});
  ASSERT_TRUE(by_vat.has_value()) << by_vat.error().message;
  ASSERT_EQ(by_vat->size(), 1u);
  auto by_name = provider->FindCompany({.country = "FR", .name = "jules verne"}, {});
  ASSERT_TRUE(by_name.has_value()) << by_name.error().message;
  ASSERT_EQ(by_name->size(), 1u);
  const auto requests = double_->requests();
  EXPECT_EQ(requests[1].query, "countries=FR&vatNo=FR85494814452&page=1&pageSize=20");
  EXPECT_EQ(requests[2].query, "countries=FR&name=jules%20verne&page=1&pageSize=20");
}

TEST_F(CreditsafeProviderTest, FindsNone) {
  auto provider = MakeProvider();
  auto matches = provider->FindCompany(Siren("111111111"), {});
  ASSERT_TRUE(matches.has_value()) << matches.error().message;
  EXPECT_TRUE(matches->empty());
}

TEST_F(CreditsafeProviderTest, ManyMatchesAreReadOverPages) {
  for (int i = 0; i < 25; ++i) {
    double_->AddCompany({.id = "FR-X-ACME" + std::to_string(100 + i), .reg_no = "ACME" + std::to_string(100 + i),
                         .name = "ACME " + std::to_string(i)});
  }
  auto provider = MakeProvider();
  auto matches = provider->FindCompany({.country = "FR", .name = "acme"}, {});
  ASSERT_TRUE(matches.has_value()) << matches.error().message;
  EXPECT_EQ(matches->size(), 25u);
  EXPECT_EQ(double_->CountRequests("search"), 2);
}

TEST_F(CreditsafeProviderTest, ASirenFindingEveryEstablishmentKeepsTheHeadOffice) {
  double_->AddCompany({.id = "FR-X-49481445200020", .reg_no = "49481445200020", .name = "LE JULES VERNE",
                       .office_type = "Branch"});
  auto provider = MakeProvider();
  auto matches = provider->FindCompany(Siren("494814452"), {});
  ASSERT_TRUE(matches.has_value()) << matches.error().message;
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ(matches->front().id, kJulesVerne);
  // By name, both offices are matches: the action will say so.
  auto by_name = provider->FindCompany({.country = "FR", .name = "JULES VERNE"}, {});
  ASSERT_TRUE(by_name.has_value());
  EXPECT_EQ(by_name->size(), 2u);
}

TEST_F(CreditsafeProviderTest, ADunsAloneCannotBeSearched) {
  auto provider = MakeProvider();
  auto matches = provider->FindCompany({.country = "FR", .duns = "123456789"}, {});
  ASSERT_FALSE(matches.has_value());
  EXPECT_EQ(matches.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(matches.error().message,
            "Creditsafe does not search by DUNS 123456789; give a registration number, a VAT number or a name");
  EXPECT_EQ(double_->requests().size(), 0u);
}

TEST_F(CreditsafeProviderTest, ReadsAndNormalisesTheReport) {
  auto provider = MakeProvider();
  auto report = provider->FetchReport({.id = kJulesVerne}, {});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->company.id, kJulesVerne);
  EXPECT_EQ(report->company.name, "LE JULES VERNE");
  EXPECT_EQ(report->company.registration_number, "49481445200012");
  EXPECT_EQ(report->company.vat_number, "FR85494814452");
  EXPECT_EQ(report->value_raw, "58");
  EXPECT_EQ(report->value_numeric, 58);
  EXPECT_EQ(report->scale, "0-100");
  EXPECT_EQ(report->band, "B (Low Risk)");
  ASSERT_TRUE(report->recommended_limit.has_value());
  EXPECT_EQ(report->recommended_limit->minor, 2500000);
  EXPECT_EQ(report->recommended_limit->currency, "EUR");
  EXPECT_EQ(report->as_of, "2021-05-07T00:00:00Z");
  EXPECT_EQ(report->report.media_type, "application/json");
  EXPECT_EQ(report->report.filename, "creditsafe-FR-X-49481445200012.json");
  EXPECT_TRUE(nlohmann::json::parse(report->report.content).contains("report"));
  const auto requests = double_->requests();
  EXPECT_EQ(requests.back().path, "/v1/companies/FR-X-49481445200012");
  EXPECT_EQ(requests.back().query, "language=en");
}

TEST_F(CreditsafeProviderTest, TextValuedScoreAndLimit) {
  double_->AddCompany({.id = "FR-X-1", .reg_no = "1", .name = "NOT RATED SA", .common_value = "E",
                       .common_description = "Not Scored", .provider_value = "Not Rated",
                       .limit_value = "Credit Limit not applicable"});
  auto provider = MakeProvider();
  auto report = provider->FetchReport({.id = "FR-X-1"}, {});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->value_raw, "Not Rated");
  EXPECT_EQ(report->value_numeric, std::nullopt);
  EXPECT_EQ(report->band, "E (Not Scored)");
  EXPECT_EQ(report->recommended_limit, std::nullopt);
}

TEST_F(CreditsafeProviderTest, AScoreOutsideItsScaleIsAParseError) {
  double_->AddCompany({.id = "FR-X-2", .reg_no = "2", .name = "ODD", .provider_value = "120"});
  auto provider = MakeProvider();
  auto report = provider->FetchReport({.id = "FR-X-2"}, {});
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kParse);
  EXPECT_EQ(report.error().message, "the Creditsafe score 120 is outside its scale 0-100");
}

TEST_F(CreditsafeProviderTest, AnUnknownCurrencyIsAParseError) {
  double_->AddCompany({.id = "FR-X-3", .reg_no = "3", .name = "ODD", .limit_currency = "EUX"});
  auto provider = MakeProvider();
  auto report = provider->FetchReport({.id = "FR-X-3"}, {});
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kParse);
  EXPECT_EQ(report.error().message, "the Creditsafe credit limit's currency \"EUX\" is not an ISO 4217 code");
}

TEST_F(CreditsafeProviderTest, AnUnknownCompanyIsNotFoundWithCreditsafesMessage) {
  auto provider = MakeProvider();
  auto report = provider->FetchReport({.id = "FR-X-404"}, {});
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(report.error().message, "Creditsafe has no report on FR-X-404: Company not found");
}

TEST_F(CreditsafeProviderTest, TheTokenIsReusedWithinItsHourAndRenewedAfter) {
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->FindCompany(Siren("494814452"), {}).has_value());
  ASSERT_TRUE(provider->FetchReport({.id = kJulesVerne}, {}).has_value());
  EXPECT_EQ(double_->CountRequests("authenticate"), 1);
  // A second provider of the same account (the monitor) uses the stored token.
  auto other = MakeProvider();
  ASSERT_TRUE(other->FindCompany(Siren("494814452"), {}).has_value());
  EXPECT_EQ(double_->CountRequests("authenticate"), 1);
  clock_.Advance(1h);
  ASSERT_TRUE(provider->FetchReport({.id = kJulesVerne}, {}).has_value());
  EXPECT_EQ(double_->CountRequests("authenticate"), 2);
  EXPECT_EQ(double_->CountRequests("report", 401), 0);
}

TEST_F(CreditsafeProviderTest, ARefusedTokenIsRenewedOnceAndAcceptedBare) {
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->FindCompany(Siren("494814452"), {}).has_value());
  double_->RevokeTokens();
  auto report = provider->FetchReport({.id = kJulesVerne}, {});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(double_->CountRequests("report", 401), 1);
  EXPECT_EQ(double_->CountRequests("authenticate"), 2);
  // The double takes the token bare too, as older clients send it.
  const auto requests = double_->requests();
  const std::string bearer = http::FindHeader(requests.back().headers, "Authorization");
  ASSERT_TRUE(bearer.starts_with("Bearer "));
}

TEST_F(CreditsafeProviderTest, ThrottlingIsRetriedThenSucceeds) {
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->FindCompany(Siren("494814452"), {}).has_value());
  double_->FailNext(2, 429, 3);
  auto report = provider->FetchReport({.id = kJulesVerne}, {});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(double_->CountRequests("report", 429), 2);
  EXPECT_EQ(double_->CountRequests("report", 200), 1);
  // Retry-After was honoured on the fake clock.
  const auto waited = clock_.Waited();
  ASSERT_GE(waited.size(), 2u);
  EXPECT_GE(waited[0], 3s);
}

TEST_F(CreditsafeProviderTest, AProviderThatStaysDownIsUnavailable) {
  settings_.http.max_attempts = 3;
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->FindCompany(Siren("494814452"), {}).has_value());
  double_->FailNext(10, 503);
  auto report = provider->FetchReport({.id = kJulesVerne}, {});
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(double_->CountRequests("report", 503), 3);
}

TEST_F(CreditsafeProviderTest, BadCredentialsAreNeverRetried) {
  settings_.password = {.value = "wrong-password"};
  auto provider = MakeProvider();
  for (int i = 0; i < 3; ++i) {
    auto matches = provider->FindCompany(Siren("494814452"), {});
    ASSERT_FALSE(matches.has_value());
    EXPECT_EQ(matches.error().code, ErrorCode::kRejected);
    EXPECT_NE(matches.error().message.find("Creditsafe /authenticate refused the username and password (HTTP 401: "
                                           "Access denied - Please check that your username and password are correct)"),
              std::string::npos)
        << matches.error().message;
  }
  // One login only: the refusal is kept, and no later call logs in again.
  EXPECT_EQ(double_->CountRequests("authenticate"), 1);
  EXPECT_EQ(double_->CountRequests("search"), 0);
}

TEST_F(CreditsafeProviderTest, ALockedLoginWaitsFiveMinutes) {
  double_->FailNext(1, 429);
  auto provider = MakeProvider();
  auto first = provider->FindCompany(Siren("494814452"), {});
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(first.error().message.find("answered 429"), std::string::npos) << first.error().message;
  clock_.Advance(4min);
  auto second = provider->FindCompany(Siren("494814452"), {});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(double_->CountRequests("authenticate"), 1);
  clock_.Advance(61s);
  auto third = provider->FindCompany(Siren("494814452"), {});
  ASSERT_TRUE(third.has_value()) << third.error().message;
  EXPECT_EQ(double_->CountRequests("authenticate"), 2);
}

TEST_F(CreditsafeProviderTest, TheDoubleLocksLoginsAfterFiveIdenticalFailures) {
  // The double's own rule (what the provider must never trigger): the 6th identical bad
  // login within 2 minutes is answered 429, and every login for 5 minutes after.
  settings_.password = {.value = "wrong-password"};
  for (int i = 0; i < 6; ++i) {
    // A new provider (a new start) tries a stored refusal once more.
    auto provider = MakeProvider();
    (void)provider->FindCompany(Siren("494814452"), {});
  }
  EXPECT_EQ(double_->CountRequests("authenticate", 401), 5);
  EXPECT_EQ(double_->CountRequests("authenticate", 429), 1);
  settings_.password = {.value = double_->options().password};
  EXPECT_FALSE(MakeProvider()->FindCompany(Siren("494814452"), {}).has_value());
  clock_.Advance(5min);
  EXPECT_TRUE(MakeProvider()->FindCompany(Siren("494814452"), {}).has_value());
}

TEST_F(CreditsafeProviderTest, WatchAddsToThePortfolioOnce) {
  settings_.monitoring = CreditsafeMonitoring{.portfolio_id = kPortfolio};
  auto provider = MakeProvider();
  EXPECT_TRUE(provider->Monitors());
  ASSERT_TRUE(provider->Watch({.id = kJulesVerne}, {}).has_value());
  ASSERT_TRUE(provider->Watch({.id = kJulesVerne}, {}).has_value());  // 409: already in it
  EXPECT_EQ(double_->PortfolioCompanies(kPortfolio), std::set<std::string>{kJulesVerne});
  const auto requests = double_->requests();
  EXPECT_EQ(requests.back().path, "/v1/monitoring/portfolios/131318/companies");
  EXPECT_EQ(nlohmann::json::parse(requests.back().body)["id"], kJulesVerne);
  EXPECT_EQ(double_->CountRequests("watch", 201), 1);
  EXPECT_EQ(double_->CountRequests("watch", 409), 1);
}

TEST_F(CreditsafeProviderTest, WithoutMonitoringNothingIsCalled) {
  auto provider = MakeProvider();
  EXPECT_FALSE(provider->Monitors());
  ASSERT_TRUE(provider->Watch({.id = kJulesVerne}, {}).has_value());
  auto page = provider->ChangesSince("", {});
  ASSERT_TRUE(page.has_value());
  EXPECT_TRUE(page->company_ids.empty());
  EXPECT_EQ(double_->requests().size(), 0u);
}

TEST_F(CreditsafeProviderTest, ChangesSinceStartsNowAndReadsNewEventsOnce) {
  settings_.monitoring = CreditsafeMonitoring{.portfolio_id = kPortfolio, .page_size = 2};
  double_->AddCompany({.id = "FR-X-2", .reg_no = "2", .name = "DEUX"});
  double_->AddCompany({.id = "FR-X-3", .reg_no = "3", .name = "TROIS"});
  auto provider = MakeProvider();
  for (const char* id : {kJulesVerne, "FR-X-2", "FR-X-3"}) ASSERT_TRUE(provider->Watch({.id = id}, {}).has_value());
  const int64_t old_event = double_->InjectEvent(kPortfolio, kJulesVerne);
  ASSERT_GT(old_event, 0);

  auto first = provider->ChangesSince("", {});
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_TRUE(first->company_ids.empty());
  EXPECT_EQ(first->next_cursor, std::to_string(old_event));

  double_->InjectEvent(kPortfolio, "FR-X-2");
  double_->InjectEvent(kPortfolio, kJulesVerne);
  double_->InjectEvent(kPortfolio, "FR-X-3");
  const int64_t newest = double_->InjectEvent(kPortfolio, "FR-X-2");
  auto changes = provider->ChangesSince(first->next_cursor, {});
  ASSERT_TRUE(changes.has_value()) << changes.error().message;
  EXPECT_EQ(changes->company_ids, (std::vector<std::string>{"FR-X-2", "FR-X-3", kJulesVerne}));
  EXPECT_EQ(changes->next_cursor, std::to_string(newest));
  EXPECT_FALSE(changes->more);
  const auto requests = double_->requests();
  EXPECT_EQ(requests.back().path, "/v1/monitoring/portfolios/131318/notificationEvents");
  EXPECT_EQ(requests.back().query, "sortBy=eventId&sortDir=desc&pageSize=2&page=2");

  auto nothing = provider->ChangesSince(changes->next_cursor, {});
  ASSERT_TRUE(nothing.has_value());
  EXPECT_TRUE(nothing->company_ids.empty());
  EXPECT_EQ(nothing->next_cursor, changes->next_cursor);
}

}  // namespace
}  // namespace tributary::connectors::creditsafe::test
