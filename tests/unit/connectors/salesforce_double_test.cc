// The Salesforce double speaks Salesforce's wire protocol: the token endpoint, sessions,
// versions, allocations and injected failures, checked from a plain HTTP client so the
// connector's tests can rest on it. Queries, replication and Bulk: salesforce_double_query_test.cc.
#include <thread>

#include "tests/testing/salesforce_double_support.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/wait.h"
#include "tests/unit/connectors/salesforce_double_fixture.h"

namespace tributary::testing {
namespace {

using nlohmann::json;
using namespace std::chrono;

TEST_F(SalesforceDoubleTest, AJwtSignedWithTheAppKeyOpensASession) {
  auto answer = JwtToken(Jwt(Claims()));
  ASSERT_EQ(answer.status, 200) << answer.body;
  json body = Body(answer);
  EXPECT_TRUE(body["access_token"].get<std::string>().starts_with("00D5g000004SfDb!"));
  EXPECT_EQ(body["instance_url"], sf_->base_url());
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["scope"], "api");
  EXPECT_TRUE(body["id"].get<std::string>().starts_with(sf_->base_url() + "/id/00D5g000004SfDbEAK/005"));
  EXPECT_TRUE(body["issued_at"].is_string());
  EXPECT_FALSE(body["signature"].get<std::string>().empty());
  EXPECT_FALSE(body.contains("expires_in"));
  EXPECT_FALSE(body.contains("refresh_token"));
  EXPECT_TRUE(http::FindHeader(answer.headers, "Sforce-Limit-Info").empty());  // not a REST answer

  session_ = body["access_token"].get<std::string>();
  EXPECT_EQ(Call("/services/data/v62.0/limits").status, 200);
  EXPECT_EQ(sf_->TokenRequests().succeeded, 1);
  EXPECT_EQ(sf_->TokenRequests().total(), 1);
}

TEST_F(SalesforceDoubleTest, AJwtSignedWithAnotherKeyIsAnInvalidAssertion) {
  auto answer = JwtToken(Jwt(Claims(), other_keys_));
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(Body(answer), json({{"error", "invalid_grant"}, {"error_description", "invalid assertion"}}));
  EXPECT_EQ(sf_->TokenRequests().invalid_grant, 1);
  EXPECT_EQ(sf_->TokenRequests().succeeded, 0);
}

TEST_F(SalesforceDoubleTest, JwtClaimsAreCheckedWithSalesforcesMessages) {
  auto description = [&](const http::Response& answer) {
    EXPECT_EQ(answer.status, 400);
    return Body(answer)["error_description"].get<std::string>();
  };
  json claims = Claims();
  claims["aud"] = "https://login.salesforce.com";
  EXPECT_EQ(description(JwtToken(Jwt(claims))), "audience is invalid");
  claims["aud"] = sf_->base_url() + "/";  // the login URL with its trailing slash is the same audience
  EXPECT_EQ(JwtToken(Jwt(claims)).status, 200);

  claims = Claims();
  claims["sub"] = "someone@example.com";
  EXPECT_EQ(description(JwtToken(Jwt(claims))), "user hasn't approved this consumer");

  claims = Claims();
  claims["exp"] = duration_cast<seconds>((sf_->Now() - seconds(61)).time_since_epoch()).count();
  EXPECT_EQ(description(JwtToken(Jwt(claims))), "expired authorization code");
  claims["exp"] = duration_cast<seconds>((sf_->Now() + minutes(10)).time_since_epoch()).count();
  EXPECT_EQ(description(JwtToken(Jwt(claims))), "invalid assertion");
  claims.erase("exp");
  EXPECT_EQ(description(JwtToken(Jwt(claims))), "invalid assertion");

  claims = Claims();
  claims["iss"] = "another-consumer-key";
  auto wrong_client = JwtToken(Jwt(claims));
  EXPECT_EQ(description(wrong_client), "client identifier invalid");
  EXPECT_EQ(Body(wrong_client)["error"], "invalid_client_id");

  EXPECT_EQ(description(JwtToken(Jwt(Claims(), nullptr, {{"alg", "HS256"}}))), "invalid assertion");
  EXPECT_EQ(description(JwtToken("not.a-jwt")), "invalid assertion");
  EXPECT_EQ(description(JwtToken("")), "invalid assertion");

  auto get = client_->Send({.method = "GET", .target = sf_->token_url()}).value();
  EXPECT_EQ(get.status, 400);
  EXPECT_EQ(Body(get)["error"], "invalid_request");

  auto grant = Token("grant_type=password&username=a&password=b");
  EXPECT_EQ(grant.status, 400);
  EXPECT_EQ(Body(grant),
            json({{"error", "unsupported_grant_type"}, {"error_description", "grant type not supported"}}));

  TokenCounts counts = sf_->TokenRequests();
  EXPECT_EQ(counts.succeeded, 1);
  EXPECT_EQ(counts.invalid_grant, 8);
  EXPECT_EQ(counts.invalid_client, 1);
  EXPECT_EQ(counts.unsupported_grant_type, 1);
  EXPECT_EQ(counts.invalid_request, 1);
  EXPECT_EQ(counts.total(), 12);
  EXPECT_EQ(sf_->CountRequests("token"), 12);
}

TEST_F(SalesforceDoubleTest, WithoutClockSkewExpIsCheckedAgainstTheFakeClockExactly) {
  Start({.assertion_clock_skew_seconds = 0});
  json claims = Claims();
  claims["exp"] = duration_cast<seconds>(sf_->Now().time_since_epoch()).count();
  EXPECT_EQ(Body(JwtToken(Jwt(claims)))["error_description"], "expired authorization code");
  claims["exp"] = duration_cast<seconds>((sf_->Now() + seconds(181)).time_since_epoch()).count();
  EXPECT_EQ(Body(JwtToken(Jwt(claims)))["error_description"], "invalid assertion");
  claims["exp"] = duration_cast<seconds>((sf_->Now() + seconds(180)).time_since_epoch()).count();
  EXPECT_EQ(JwtToken(Jwt(claims)).status, 200);

  Start({});          // a minute of leeway either way
  claims = Claims();  // a new double has a new address
  claims["exp"] = duration_cast<seconds>((sf_->Now() + seconds(230)).time_since_epoch()).count();
  EXPECT_EQ(JwtToken(Jwt(claims)).status, 200);
  claims["exp"] = duration_cast<seconds>((sf_->Now() - seconds(30)).time_since_epoch()).count();
  EXPECT_EQ(JwtToken(Jwt(claims)).status, 200);
}

TEST_F(SalesforceDoubleTest, TheCertificateCanComeFromAFile) {
  TempDir dir;
  auto files = WriteRsaTestKeyPair(*app_keys_, dir.path().string());
  ASSERT_TRUE(files.has_value());
  Start({.certificate_path = files->certificate_path});
  EXPECT_EQ(JwtToken(Jwt(Claims())).status, 200);
  EXPECT_EQ(JwtToken(Jwt(Claims(), other_keys_)).status, 400);

  EXPECT_FALSE(SalesforceDouble::Start({.certificate_pem = "-----BEGIN CERTIFICATE-----\nnope\n"}).has_value());
  EXPECT_FALSE(SalesforceDouble::Start({.certificate_path = dir.File("missing.crt")}).has_value());
}

TEST_F(SalesforceDoubleTest, ClientCredentialsOnlyOnAMyDomainHost) {
  auto refused = Token("grant_type=client_credentials&client_id=" + sf_->options().client_id +
                       "&client_secret=" + sf_->options().client_secret);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(Body(refused),
            json({{"error", "invalid_grant"}, {"error_description", "request not supported on this domain"}}));

  Start({.my_domain = true});
  const std::string basic =
      "Basic " + sfdc::Base64Encode(sf_->options().client_id + ":" + sf_->options().client_secret);
  auto with_basic = Token("grant_type=client_credentials", {{"Authorization", basic}});
  ASSERT_EQ(with_basic.status, 200) << with_basic.body;
  EXPECT_FALSE(Body(with_basic).contains("refresh_token"));
  auto in_body = Token("grant_type=client_credentials&client_id=" + sf_->options().client_id +
                       "&client_secret=" + sf_->options().client_secret);
  EXPECT_EQ(in_body.status, 200);
  auto bad_secret = Token("grant_type=client_credentials&client_id=" + sf_->options().client_id + "&client_secret=x");
  EXPECT_EQ(bad_secret.status, 400);
  EXPECT_EQ(Body(bad_secret), json({{"error", "invalid_client"}, {"error_description", "invalid client credentials"}}));
}

TEST_F(SalesforceDoubleTest, SessionsExpireOnTheFakeClockWithAnArrayBody) {
  EXPECT_EQ(Call("/services/data/v62.0/limits").status, 200);
  sf_->Advance(seconds(7199));
  EXPECT_EQ(Call("/services/data/v62.0/limits").status, 200);
  sf_->Advance(seconds(1));
  auto expired = Call("/services/data/v62.0/limits");
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.body, R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])");

  session_ = sf_->IssueSession();
  EXPECT_EQ(Call("/services/data/v62.0/limits").status, 200);
  sf_->ExpireSessions();
  EXPECT_EQ(Call("/services/data/v62.0/limits").status, 401);
  session_ = sf_->IssueSession();
  auto oauth_scheme = client_->Send({.method = "GET",
                                     .target = sf_->base_url() + "/services/data/v62.0/limits",
                                     .headers = {{"Authorization", "OAuth " + session_}}});
  EXPECT_EQ(oauth_scheme.value().status, 200);  // the older scheme Salesforce still takes
  session_ = "00D5g000004SfDb!made-up";
  EXPECT_EQ(Call("/services/data/v62.0/query?q=SELECT+Id+FROM+Account").status, 401);
}

TEST_F(SalesforceDoubleTest, VersionsAreListedAndAnUnknownOneIsNotFound) {
  auto list = client_->Send({.method = "GET", .target = sf_->base_url() + "/services/data/"}).value();
  ASSERT_EQ(list.status, 200);
  json versions = Body(list);
  ASSERT_EQ(versions.size(), 5u);
  EXPECT_EQ(versions[0], json({{"label", "Summer '23"}, {"url", "/services/data/v58.0"}, {"version", "58.0"}}));
  EXPECT_EQ(versions[4], json({{"label", "Winter '25"}, {"url", "/services/data/v62.0"}, {"version", "62.0"}}));

  auto unknown = Call("/services/data/v57.0/limits");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, R"([{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}])");
  EXPECT_EQ(Call("/services/data/v62.0/nothing-here").status, 404);
}

TEST_F(SalesforceDoubleTest, EveryRestAnswerCarriesTheUsageAndASpentAllocationIs403) {
  sf_->SetDailyLimit(5);
  sf_->SetApiUsage(3);
  auto limits = Call("/services/data/v62.0/limits");
  ASSERT_EQ(limits.status, 200);
  EXPECT_EQ(http::FindHeader(limits.headers, "Sforce-Limit-Info"), "api-usage=4/5");
  EXPECT_EQ(Body(limits)["DailyApiRequests"], json({{"Max", 5}, {"Remaining", 1}}));

  auto bad_query = Query("SELECT FROM");
  EXPECT_EQ(bad_query.status, 400);
  EXPECT_EQ(http::FindHeader(bad_query.headers, "Sforce-Limit-Info"), "api-usage=5/5");

  auto spent = Call("/services/data/v62.0/limits");
  EXPECT_EQ(spent.status, 403);
  EXPECT_EQ(spent.body, R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])");
  EXPECT_TRUE(http::FindHeader(spent.headers, "Retry-After").empty());
  EXPECT_EQ(http::FindHeader(spent.headers, "Sforce-Limit-Info"), "api-usage=5/5");
  EXPECT_EQ(sf_->ApiUsage(), 5);

  AdvanceDays(1);  // the window rolls over
  EXPECT_EQ(http::FindHeader(Call("/services/data/v62.0/limits").headers, "Sforce-Limit-Info"), "api-usage=1/5");
}

TEST_F(SalesforceDoubleTest, TheConcurrencyGateRefusesTheRequestOverTheLimit) {
  Start({.max_concurrent_requests = 2});
  sf_->PauseRequests();
  std::vector<int> statuses(2, 0);
  std::vector<std::jthread> callers;
  for (int i = 0; i < 2; ++i) {
    callers.emplace_back([&, i] {
      auto client = http::MakeCurlClient({});
      auto answer = client->Send({.method = "GET",
                                  .target = sf_->base_url() + "/services/data/v62.0/limits",
                                  .headers = {{"Authorization", "Bearer " + session_}}});
      statuses[i] = answer ? answer->status : -1;
    });
  }
  ASSERT_TRUE(WaitUntil([&] { return sf_->in_flight() == 2; }));
  auto over = Call("/services/data/v62.0/limits");
  EXPECT_EQ(over.status, 403);
  EXPECT_EQ(over.body,
            R"([{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])");
  sf_->ResumeRequests();
  callers.clear();
  EXPECT_EQ(statuses, std::vector<int>({200, 200}));
  EXPECT_EQ(Call("/services/data/v62.0/limits").status, 200);
}

TEST_F(SalesforceDoubleTest, InjectedFailuresAnswerBeforeAnythingElse) {
  sf_->FailNext(2);
  auto first = Call("/services/data/v62.0/limits");
  EXPECT_EQ(first.status, 503);
  EXPECT_EQ(first.body, R"([{"message":"Server temporarily unavailable","errorCode":"SERVER_UNAVAILABLE"}])");
  EXPECT_EQ(Call("/services/data/v62.0/limits").status, 503);
  EXPECT_EQ(Call("/services/data/v62.0/limits").status, 200);
  EXPECT_EQ(sf_->ApiUsage(), 1);  // failed answers are not counted

  sf_->FailNext(1, 500);
  EXPECT_EQ(Body(Call("/services/data/v62.0/limits"))[0]["errorCode"], "UNKNOWN_EXCEPTION");

  sf_->FailNextToken(1);
  EXPECT_EQ(JwtToken(Jwt(Claims())).status, 503);
  EXPECT_EQ(JwtToken(Jwt(Claims())).status, 200);
  EXPECT_EQ(sf_->TokenRequests().failed_injected, 1);
  EXPECT_EQ(sf_->TokenRequests().succeeded, 1);
}

TEST_F(SalesforceDoubleTest, EveryRequestIsRecordedWithItsKind) {
  sf_->Put("Account", {{"Name", "Acme"}});
  Query("SELECT Id FROM Account");
  Query("SELECT Id FROM Account", "queryAll");
  Call("/services/data/v62.0/limits");
  JwtToken(Jwt(Claims()));
  auto seen = sf_->requests();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].kind, "query");
  EXPECT_EQ(seen[0].path, "/services/data/v62.0/query");
  EXPECT_EQ(seen[0].query, "q=SELECT%20Id%20FROM%20Account");
  EXPECT_EQ(seen[0].status, 200);
  EXPECT_EQ(http::FindHeader(seen[0].headers, "Authorization"), "Bearer " + session_);
  EXPECT_EQ(seen[1].kind, "queryAll");
  EXPECT_EQ(seen[2].kind, "limits");
  EXPECT_EQ(seen[3].kind, "token");
  EXPECT_EQ(seen[3].method, "POST");
  EXPECT_TRUE(seen[3].body.starts_with("grant_type="));
  EXPECT_EQ(sf_->CountRequests("query", 200), 1);
}

TEST(RsaTestKeysTest, Base64UrlRoundTripsAndRefusesOtherAlphabets) {
  const std::string bytes("\xfb\xff\x00\x01 binary?", 12);
  const std::string encoded = Base64UrlEncode(bytes);
  EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(Base64UrlDecode(encoded).value_or(""), bytes);
  EXPECT_FALSE(Base64UrlDecode("a+b/").has_value());
  EXPECT_FALSE(Base64UrlDecode("abcde").has_value());
}

}  // namespace
}  // namespace tributary::testing
