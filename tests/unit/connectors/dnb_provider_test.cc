// The dnb provider against the D&B double: finding a company (DUNS, match, ambiguity,
// none), the report, the token (v2 and v3, reuse, renewal on expiry, refused credentials
// never retried), throttling and transient failures, and monitoring.
#include <gtest/gtest.h>

#include "connectors/kit/oauth_grants.h"
#include "gateway/http/http_client.h"
#include "gateway/http/http_types.h"
#include "tests/unit/connectors/dnb_fixture.h"

namespace tributary::connectors::dnb::test {
namespace {

using tributary::testing::DnbDouble;
using tributary::testing::DnbRequest;

std::string Header(const DnbRequest& request, const std::string& name) { return http::FindHeader(request.headers, name); }

std::vector<DnbRequest> OfKind(const std::vector<DnbRequest>& requests, const std::string& kind) {
  std::vector<DnbRequest> out;
  for (const DnbRequest& request : requests) {
    if (request.kind == kind) out.push_back(request);
  }
  return out;
}

TEST_F(DnbFixture, ADunsInTheQueryIsUsedWithoutAMatchCall) {
  auto found = Provider().FindCompany({.country = "FR", .duns = "27-504-6387"}, {});
  ASSERT_TRUE(found.has_value()) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().id, kAcmeDuns);
  EXPECT_EQ(found->front().duns, kAcmeDuns);
  EXPECT_TRUE(dnb_->requests().empty());  // no token, no match: nothing billed

  auto bad = Provider().FindCompany({.country = "FR", .duns = "12345"}, {});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message, "DUNS 12345 is not a D-U-N-S Number (9 digits)");
}

TEST_F(DnbFixture, MatchByRegistrationNumberSpeaksTheWire) {
  auto found = Provider().FindCompany(BySiren(), {});
  ASSERT_TRUE(found.has_value()) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().id, kAcmeDuns);
  EXPECT_EQ(found->front().name, "ACME INDUSTRIE");
  EXPECT_EQ(found->front().country, "FR");
  EXPECT_EQ(found->front().registration_number, kAcmeSiren);
  EXPECT_EQ(found->front().status, "Active");

  const auto requests = dnb_->requests();
  ASSERT_EQ(requests.size(), 2u);
  const DnbRequest& token = requests[0];
  EXPECT_EQ(token.method, "POST");
  EXPECT_EQ(token.path, "/v2/token");
  EXPECT_EQ(Header(token, "Authorization"),
            kit::BasicAuthorization(dnb_->options().consumer_key, dnb_->options().consumer_secret));
  EXPECT_EQ(Header(token, "Content-Type"), "application/json");
  EXPECT_EQ(token.body, R"({"grant_type":"client_credentials"})");
  const DnbRequest& match = requests[1];
  EXPECT_EQ(match.method, "GET");
  EXPECT_EQ(match.path, "/v1/match/cleanseMatch");
  EXPECT_EQ(match.query,
            "countryISOAlpha2Code=FR&registrationNumber=494814452&candidateMaximumQuantity=5"
            "&confidenceLowerLevelThresholdValue=8");
  EXPECT_TRUE(Header(match, "Authorization").starts_with("Bearer dnb-token-"));
  EXPECT_EQ(Header(match, "Accept"), "application/json");
}

TEST_F(DnbFixture, SeveralCandidatesAtTheTopConfidenceAreAllReturned) {
  dnb_->PutCompany({.duns = "150483782", .name = "ACME INDUSTRIE SUD", .country = "FR", .registration_number = kAcmeSiren});
  dnb_->PutCompany({.duns = "399999999", .name = "ACME", .country = "FR", .registration_number = "111", .confidence = 8});
  auto found = Provider().FindCompany({.country = "FR", .registration_number = kAcmeSiren, .name = "ACME"}, {});
  ASSERT_TRUE(found.has_value()) << found.error().message;
  ASSERT_EQ(found->size(), 2u);  // both at confidence 10; the one at 8 is not a contender
  EXPECT_EQ((*found)[0].id, "150483782");
  EXPECT_EQ((*found)[1].id, kAcmeDuns);
}

TEST_F(DnbFixture, CandidatesBelowTheMinimumConfidenceAreNone) {
  dnb_->PutCompany({.duns = "399999999", .name = "BETA SARL", .country = "FR", .confidence = 7});
  auto found = Provider().FindCompany({.country = "FR", .name = "Beta SARL"}, {});
  ASSERT_TRUE(found.has_value()) << found.error().message;
  EXPECT_TRUE(found->empty());

  settings_.min_confidence = 7;
  auto lower = MakeProvider()->FindCompany({.country = "FR", .name = "Beta SARL"}, {});
  ASSERT_TRUE(lower.has_value());
  ASSERT_EQ(lower->size(), 1u);
  EXPECT_EQ(lower->front().id, "399999999");
}

TEST_F(DnbFixture, NoCandidateIsNoneAlsoWhenAnsweredAs404) {
  auto none = Provider().FindCompany(BySiren("999999999"), {});
  ASSERT_TRUE(none.has_value()) << none.error().message;
  EXPECT_TRUE(none->empty());

  tributary::testing::DnbDoubleOptions options;
  options.no_match_as_404 = true;
  StartDouble(options);
  settings_.base_url = dnb_->base_url();
  auto as_404 = MakeProvider()->FindCompany(BySiren("999999999"), {});
  ASSERT_TRUE(as_404.has_value()) << as_404.error().message;
  EXPECT_TRUE(as_404->empty());
  EXPECT_EQ(dnb_->CountRequests("match", 404), 1);
}

TEST_F(DnbFixture, TheReportIsReadExactly) {
  auto report = Provider().FetchReport({.id = kAcmeDuns, .duns = kAcmeDuns}, {});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->company.id, kAcmeDuns);
  EXPECT_EQ(report->company.name, "ACME INDUSTRIE");
  EXPECT_EQ(report->value_raw, "58");
  EXPECT_EQ(report->value_numeric, 58);  // (58 - 1) * 100 / 99 = 57.58 -> 58
  EXPECT_EQ(report->scale, "1-100 (D&B failure score national percentile)");
  EXPECT_EQ(report->band, "2 (Low to Moderate Risk)");
  ASSERT_TRUE(report->recommended_limit.has_value());
  EXPECT_EQ(report->recommended_limit->minor, 2500050);
  EXPECT_EQ(report->recommended_limit->currency, "EUR");
  EXPECT_EQ(report->as_of, "2026-11-30T00:00:00Z");
  EXPECT_EQ(report->report.media_type, "application/json");
  EXPECT_EQ(report->report.filename, std::string("dnb-") + kAcmeDuns + ".json");
  EXPECT_NE(report->report.content.find("\"value\":25000.50"), std::string::npos) << report->report.content;

  const auto data = OfKind(dnb_->requests(), "data");
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].path, std::string("/v1/data/duns/") + kAcmeDuns);
  EXPECT_EQ(data[0].query, "blockIDs=companyinfo_L2_v1,financialstrengthinsight_L2_v1");
}

TEST_F(DnbFixture, TextValuesAreKeptWithoutANumber) {
  PutAcme(nlohmann::ordered_json("Not Scored"), "Credit Limit not applicable");
  auto report = Provider().FetchReport({.id = kAcmeDuns}, {});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->value_raw, "Not Scored");
  EXPECT_EQ(report->value_numeric, std::nullopt);
  EXPECT_FALSE(report->recommended_limit.has_value());
  EXPECT_EQ(report->band, "2 (Low to Moderate Risk)");
}

TEST_F(DnbFixture, AnUnknownDunsIsNotFound) {
  auto report = Provider().FetchReport({.id = "111111111"}, {});
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(report.error().message, "D&B found no company with DUNS 111111111 (HTTP 404 10500 DUNS not found)");
}

TEST_F(DnbFixture, ABadRequestIsRefusedWithDnbsWords) {
  settings_.blocks = {"companyinfo_L2_v1", "paymentinsight_L1_v1"};  // not served by the double
  auto report = MakeProvider()->FetchReport({.id = kAcmeDuns}, {});
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kRejected);
  EXPECT_EQ(report.error().message,
            "D&B refused company with DUNS 275046387 (HTTP 400 00003 Invalid blockID paymentinsight_L1_v1)");
  EXPECT_EQ(dnb_->CountRequests("data"), 1);  // not retried
}

TEST_F(DnbFixture, TheTokenIsReusedAndRenewedWhenItExpires) {
  ASSERT_TRUE(Provider().FetchReport({.id = kAcmeDuns}, {}).has_value());
  ASSERT_TRUE(Provider().FetchReport({.id = kAcmeDuns}, {}).has_value());
  EXPECT_EQ(dnb_->TokensIssued(), 1);
  // A new provider (a restart) uses the stored token too.
  ASSERT_TRUE(MakeProvider()->FetchReport({.id = kAcmeDuns}, {}).has_value());
  EXPECT_EQ(dnb_->TokensIssued(), 1);

  // D&B ends the token early: 401 00040, one renewal, the call goes through.
  dnb_->ExpireTokens();
  auto report = Provider().FetchReport({.id = kAcmeDuns}, {});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(dnb_->TokensIssued(), 2);
  EXPECT_EQ(dnb_->CountRequests("data", 401), 1);

  // 24 hours later the keeper renews before calling: no 401 at all.
  clock_->Advance(std::chrono::hours(24));
  ASSERT_TRUE(Provider().FetchReport({.id = kAcmeDuns}, {}).has_value());
  EXPECT_EQ(dnb_->TokensIssued(), 3);
  EXPECT_EQ(dnb_->CountRequests("data", 401), 1);
}

TEST_F(DnbFixture, TheV3TokenIsAFormPost) {
  settings_.token_version = "v3";
  auto report = MakeProvider()->FetchReport({.id = kAcmeDuns}, {});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  const auto tokens = OfKind(dnb_->requests(), "token");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].path, "/v3/token");
  EXPECT_EQ(Header(tokens[0], "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(tokens[0].body, "grant_type=client_credentials");
  EXPECT_EQ(tokens[0].status, 200);
  // expires_in was read: a day later the token is renewed before use.
  clock_->Advance(std::chrono::hours(24));
  settings_.token_version = "v3";
  ASSERT_TRUE(MakeProvider()->FetchReport({.id = kAcmeDuns}, {}).has_value());
  EXPECT_EQ(dnb_->TokensIssued(), 2);
  EXPECT_EQ(dnb_->CountRequests("data", 401), 0);
}

TEST_F(DnbFixture, RefusedCredentialsAreNeverRetried) {
  settings_.consumer_secret.value = "wrong";
  auto provider = MakeProvider();
  auto found = provider->FindCompany(BySiren(), {});
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code, ErrorCode::kRejected);
  EXPECT_NE(found.error().message.find("refused the consumer key and secret (HTTP 401 00041 Invalid credentials)"),
            std::string::npos)
      << found.error().message;
  EXPECT_EQ(dnb_->CountRequests("token"), 1);
  // The same keeper does not ask again: the refusal is stored until a reload.
  EXPECT_FALSE(provider->FindCompany(BySiren(), {}).has_value());
  EXPECT_EQ(dnb_->CountRequests("token"), 1);
  EXPECT_EQ(dnb_->CountRequests("match"), 0);
}

TEST_F(DnbFixture, RefusedV3CredentialsAreNeverRetriedEither) {
  settings_.token_version = "v3";
  settings_.consumer_secret.value = "wrong";
  auto provider = MakeProvider();
  auto report = provider->FetchReport({.id = kAcmeDuns}, {});
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kRejected);
  EXPECT_NE(report.error().message.find("/v3/token refused"), std::string::npos) << report.error().message;
  EXPECT_FALSE(provider->FetchReport({.id = kAcmeDuns}, {}).has_value());
  EXPECT_EQ(dnb_->CountRequests("token"), 1);
  EXPECT_EQ(dnb_->CountRequests("data"), 0);
}

TEST_F(DnbFixture, AnApiRefusalOfTheCredentialsIsNotRenewed) {
  ASSERT_TRUE(Provider().FetchReport({.id = kAcmeDuns}, {}).has_value());
  dnb_->RevokeTokens();  // the API now answers 401 00041
  auto report = Provider().FetchReport({.id = kAcmeDuns}, {});
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kRejected);
  EXPECT_EQ(report.error().message,
            "D&B refused the consumer key and secret for company with DUNS 275046387 (HTTP 401 00041 Unauthorized); "
            "correct consumer_key and consumer_secret, then run `systemctl reload tributary`");
  EXPECT_EQ(dnb_->CountRequests("token"), 1);
  EXPECT_EQ(dnb_->CountRequests("data", 401), 1);
}

TEST_F(DnbFixture, ThrottlingIsRetriedThenSucceeds) {
  dnb_->ThrottleNext(2, "00046");
  auto report = Provider().FetchReport({.id = kAcmeDuns}, {});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(dnb_->CountRequests("data", 429), 2);
  EXPECT_EQ(dnb_->CountRequests("data", 200), 1);
  EXPECT_EQ(clock_->Waited().size(), 2u);  // two backoffs, on the fake clock
}

TEST_F(DnbFixture, TheDoubleLimitsRequestsPerSecondWith00045) {
  tributary::testing::DnbDoubleOptions options;
  options.max_requests_per_second = 1;
  StartDouble(options);
  PutAcme();
  auto client = http::MakeCurlClient({});
  auto token = client->Send({.method = "POST",
                             .target = dnb_->base_url() + "/v2/token",
                             .headers = {{"Authorization", kit::BasicAuthorization(options.consumer_key,
                                                                                   options.consumer_secret)},
                                         {"Content-Type", "application/json"}},
                             .body = R"({"grant_type":"client_credentials"})"});
  ASSERT_TRUE(token.has_value());
  ASSERT_EQ(token->status, 200) << token->body;
  const auto answer = nlohmann::json::parse(token->body);
  EXPECT_EQ(answer["expiresIn"], 86400);
  EXPECT_TRUE(answer["transactionDetail"].contains("transactionID"));
  const http::Request get{.method = "GET",
                          .target = dnb_->base_url() + "/v1/data/duns/" + kAcmeDuns + "?blockIDs=companyinfo_L2_v1",
                          .headers = {{"Authorization", "Bearer " + answer["access_token"].get<std::string>()}}};
  auto first = client->Send(get);
  auto second = client->Send(get);
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 429);
  EXPECT_EQ(nlohmann::json::parse(second->body)["error"]["errorCode"], "00045");
  clock_->Advance(std::chrono::seconds(1));
  auto third = client->Send(get);
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->status, 200);
}

TEST_F(DnbFixture, ThrottlingThatLastsIsUnavailable) {
  dnb_->ThrottleNext(10);
  auto report = Provider().FetchReport({.id = kAcmeDuns}, {});
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(dnb_->CountRequests("data", 429), 4);  // max_attempts
}

TEST_F(DnbFixture, ATransientFailureIsRetried) {
  dnb_->FailNext(1);
  auto found = Provider().FindCompany(BySiren(), {});
  ASSERT_TRUE(found.has_value()) << found.error().message;
  EXPECT_EQ(dnb_->CountRequests("match", 503), 1);
  EXPECT_EQ(found->size(), 1u);
}

TEST_F(DnbFixture, WatchAddsTheSubjectOnceAndChangesArePulled) {
  settings_.monitoring = DnbMonitoring{.registration = kRegistration};
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->Monitors());
  ASSERT_TRUE(provider->Watch({.id = kAcmeDuns, .duns = kAcmeDuns}, {}).has_value());
  ASSERT_TRUE(provider->Watch({.id = kAcmeDuns, .duns = kAcmeDuns}, {}).has_value());  // 21012: already there
  EXPECT_EQ(dnb_->Subjects(kRegistration), std::set<std::string>{kAcmeDuns});
  const auto subjects = OfKind(dnb_->requests(), "subjects");
  ASSERT_EQ(subjects.size(), 2u);
  EXPECT_EQ(subjects[0].method, "POST");
  EXPECT_EQ(subjects[0].path, std::string("/v1/monitoring/registrations/") + kRegistration + "/subjects/" + kAcmeDuns);
  EXPECT_EQ(subjects[1].status, 400);

  auto empty = provider->ChangesSince("", {});
  ASSERT_TRUE(empty.has_value()) << empty.error().message;
  EXPECT_TRUE(empty->company_ids.empty());
  EXPECT_FALSE(empty->more);

  const std::string element = "organization.dnbAssessment.failureScore.nationalPercentile";
  ASSERT_TRUE(dnb_->Notify(kRegistration, kAcmeDuns, element, 58, 31));
  ASSERT_TRUE(dnb_->Notify(kRegistration, kAcmeDuns, "organization.dnbAssessment.failureScore.classScore", 2, 4));
  EXPECT_FALSE(dnb_->Notify(kRegistration, "111111111", element, 1, 2));  // not a subject
  auto page = provider->ChangesSince(empty->next_cursor, {});
  ASSERT_TRUE(page.has_value()) << page.error().message;
  EXPECT_EQ(page->company_ids, std::vector<std::string>{kAcmeDuns});  // once per page
  EXPECT_FALSE(page->more);
  EXPECT_FALSE(page->next_cursor.empty());
  EXPECT_EQ(dnb_->PendingNotifications(kRegistration), 0u);
  const auto pulls = OfKind(dnb_->requests(), "notifications");
  ASSERT_EQ(pulls.size(), 2u);
  EXPECT_EQ(pulls[0].path, std::string("/v1/monitoring/registrations/") + kRegistration + "/notifications");
  EXPECT_EQ(pulls[0].query, "maximumQuantity=100");
}

TEST_F(DnbFixture, AFullPageOfNotificationsSaysThereIsMore) {
  settings_.monitoring = DnbMonitoring{.registration = kRegistration};
  auto provider = MakeProvider();
  for (int i = 0; i < 101; ++i) {
    const std::string duns = std::to_string(300000000 + i);
    dnb_->PutCompany({.duns = duns, .name = "C" + std::to_string(i), .country = "FR"});
    ASSERT_TRUE(provider->Watch({.id = duns}, {}).has_value());
    ASSERT_TRUE(dnb_->Notify(kRegistration, duns, "organization.primaryName", "x", "y"));
  }
  auto first = provider->ChangesSince("", {});
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->company_ids.size(), 100u);
  EXPECT_TRUE(first->more);
  auto second = provider->ChangesSince(first->next_cursor, {});
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->company_ids, std::vector<std::string>{"300000100"});
  EXPECT_FALSE(second->more);
}

TEST_F(DnbFixture, AnUnknownRegistrationIsNotFound) {
  settings_.monitoring = DnbMonitoring{.registration = "nope"};
  auto page = MakeProvider()->ChangesSince("", {});
  ASSERT_FALSE(page.has_value());
  EXPECT_EQ(page.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(page.error().message,
            "D&B found no monitoring registration nope (HTTP 404 21501 Registration not found)");
  auto watched = MakeProvider()->Watch({.id = kAcmeDuns}, {});
  ASSERT_FALSE(watched.has_value());
  EXPECT_EQ(watched.error().message,
            "D&B found no monitoring registration nope (HTTP 404 21501 Registration not found)");
}

TEST_F(DnbFixture, WithoutMonitoringNothingIsCalled) {
  auto provider = MakeProvider();
  EXPECT_FALSE(provider->Monitors());
  EXPECT_TRUE(provider->Watch({.id = kAcmeDuns}, {}).has_value());
  auto page = provider->ChangesSince("c", {});
  ASSERT_TRUE(page.has_value());
  EXPECT_TRUE(page->company_ids.empty());
  EXPECT_TRUE(dnb_->requests().empty());
}

}  // namespace
}  // namespace tributary::connectors::dnb::test
