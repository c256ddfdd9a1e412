// The QuickBooks double speaks Intuit's wire protocol (the checklist of a faithful double):
// checked here from a plain HTTP client, so the connector's tests rest on it.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "gateway/http/http_client.h"
#include "tests/testing/quickbooks_double.h"

namespace tributary::testing {
namespace {

using nlohmann::json;

constexpr const char* kRealm = "4620816365037572";

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<int>(bytes.size()));
  return out;
}

std::string Encode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

class QuickBooksDoubleTest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(QuickBooksDoubleOptions options) {
    auto started = QuickBooksDouble::Start(std::move(options));
    ASSERT_TRUE(started.has_value());
    qbo_ = std::move(*started);
    qbo_->AddRealm(kRealm);
    tokens_ = qbo_->IssueGrant(kRealm);
  }

  http::Response Token(const std::string& form, bool hard_expiry = false, std::string secret = "") {
    if (secret.empty()) secret = qbo_->options().client_secret;
    http::Request request{.method = "POST", .target = qbo_->token_url(),
                          .headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                                      {"Authorization", "Basic " + Base64(qbo_->options().client_id + ":" + secret)}},
                          .body = form};
    if (hard_expiry) request.headers.emplace_back("x-include-refresh-token-hard-expires-in", "true");
    return client_->Send(request).value();
  }

  http::Response Api(const std::string& path_and_query, const std::string& method = "GET", const std::string& body = "") {
    http::Request request{.method = method,
                          .target = qbo_->base_url() + "/v3/company/" + kRealm + "/" + path_and_query,
                          .headers = {{"Authorization", "Bearer " + tokens_.access_token}, {"Accept", "application/json"}},
                          .body = body};
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    return client_->Send(request).value();
  }

  http::Response Query(const std::string& sql) { return Api("query?minorversion=75&query=" + Encode(sql)); }

  std::unique_ptr<QuickBooksDouble> qbo_;
  IssuedTokens tokens_;
  std::unique_ptr<http::HttpClient> client_ = http::MakeCurlClient({});
};

TEST_F(QuickBooksDoubleTest, TokenEndpointRotatesAndRefusesTheSupersededToken) {
  auto bad_client = Token("grant_type=refresh_token&refresh_token=" + tokens_.refresh_token, false, "wrong");
  EXPECT_EQ(bad_client.status, 401);
  EXPECT_EQ(json::parse(bad_client.body)["error"], "invalid_client");

  auto first = Token("grant_type=refresh_token&refresh_token=" + tokens_.refresh_token);
  ASSERT_EQ(first.status, 200) << first.body;
  json body = json::parse(first.body);
  EXPECT_EQ(body["expires_in"], 3600);
  EXPECT_EQ(body["x_refresh_token_expires_in"], 8726400);
  EXPECT_FALSE(body.contains("x_refresh_token_hard_expires_in"));  // not asked
  EXPECT_NE(body["refresh_token"], tokens_.refresh_token);
  EXPECT_EQ(body["token_type"], "bearer");

  auto superseded = Token("grant_type=refresh_token&refresh_token=" + tokens_.refresh_token);
  EXPECT_EQ(superseded.status, 400);
  EXPECT_EQ(json::parse(superseded.body)["error"], "invalid_grant");
  EXPECT_EQ(qbo_->superseded_refresh_attempts(), 1);

  auto asked = Token("grant_type=refresh_token&refresh_token=" + body["refresh_token"].get<std::string>(), true);
  ASSERT_EQ(asked.status, 200);
  EXPECT_EQ(json::parse(asked.body)["x_refresh_token_hard_expires_in"], 157680000);
  EXPECT_FALSE(http::FindHeader(asked.headers, "intuit_tid").empty());
}

TEST_F(QuickBooksDoubleTest, RotationCanBeTurnedOff) {
  Start({.rotate_refresh_tokens = false});
  auto first = Token("grant_type=refresh_token&refresh_token=" + tokens_.refresh_token);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(json::parse(first.body)["refresh_token"], tokens_.refresh_token);
  EXPECT_EQ(Token("grant_type=refresh_token&refresh_token=" + tokens_.refresh_token).status, 200);
}

TEST_F(QuickBooksDoubleTest, AnExpiredBearerGetsTheLowercaseGatewayFault) {
  ASSERT_EQ(Query("SELECT COUNT(*) FROM Customer").status, 200);
  qbo_->Advance(std::chrono::seconds(3601));
  auto expired = Query("SELECT COUNT(*) FROM Customer");
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(http::FindHeader(expired.headers, "WWW-Authenticate"), "Bearer realm=\"Intuit\", error=\"invalid_token\"");
  json body = json::parse(expired.body);
  EXPECT_EQ(body["fault"]["error"][0]["code"], "3200");
  EXPECT_EQ(body["fault"]["type"], "AUTHENTICATION");
  EXPECT_TRUE(body["time"].is_number());  // epoch milliseconds, unlike every other answer
  EXPECT_FALSE(body.contains("Fault"));
}

TEST_F(QuickBooksDoubleTest, RealmAndMinorversionAreChecked) {
  auto no_version = Api("query?query=" + Encode("SELECT * FROM Customer"));
  EXPECT_EQ(no_version.status, 400);
  EXPECT_EQ(http::FindHeader(no_version.headers, "Content-Type"), "application/json;charset=utf-8");
  http::Request other{.method = "GET", .target = qbo_->base_url() + "/v3/company/1/query?minorversion=75&query=x",
                      .headers = {{"Authorization", "Bearer " + tokens_.access_token}}};
  EXPECT_EQ(client_->Send(other)->status, 403);
}

TEST_F(QuickBooksDoubleTest, QueryLanguageSubset) {
  const std::string amy = qbo_->AddCustomer(kRealm, "Amy");
  for (int i = 0; i < 5; ++i) qbo_->AddInvoice(kRealm, amy, std::to_string(1000 + i), "10.00");
  qbo_->Update(kRealm, "Customer", amy, [](nlohmann::ordered_json& customer) { customer["Active"] = false; });

  auto zero = Query("SELECT * FROM Invoice STARTPOSITION 0 MAXRESULTS 10");
  EXPECT_EQ(zero.status, 400);
  EXPECT_EQ(json::parse(zero.body)["Fault"]["Error"][0]["code"], "4001");
  EXPECT_NE(zero.body.find("value 0 is too small. Min allowed value is 1"), std::string::npos);

  json page = json::parse(Query("SELECT * FROM Invoice ORDERBY Metadata.LastUpdatedTime STARTPOSITION 4 MAXRESULTS 5000").body);
  EXPECT_EQ(page["QueryResponse"]["startPosition"], 4);
  EXPECT_EQ(page["QueryResponse"]["maxResults"], 2);
  EXPECT_EQ(page["QueryResponse"]["Invoice"][0]["DocNumber"], "1003");
  // Exact amounts, the subtotal line, balance, metadata.
  auto raw = Query("SELECT * FROM Invoice WHERE Id = '" + qbo_->Ids(kRealm, "Invoice")[0] + "'").body;
  EXPECT_NE(raw.find("\"TotalAmt\":10.00"), std::string::npos) << raw;
  EXPECT_NE(raw.find("SubTotalLineDetail"), std::string::npos);
  EXPECT_NE(raw.find("\"Balance\":10.00"), std::string::npos);

  json empty = json::parse(Query("SELECT * FROM Payment").body);
  EXPECT_TRUE(empty["QueryResponse"].empty());  // the entity key is absent
  EXPECT_TRUE(empty.contains("time"));
  EXPECT_EQ(json::parse(Query("SELECT COUNT(*) FROM Invoice").body)["QueryResponse"]["totalCount"], 5);
  // Inactive customers only when asked for.
  EXPECT_TRUE(json::parse(Query("SELECT * FROM Customer").body)["QueryResponse"].empty());
  EXPECT_EQ(json::parse(Query("SELECT Id FROM Customer WHERE Active IN (true, false)").body)["QueryResponse"]["Customer"][0],
            json({{"domain", "QBO"}, {"sparse", true}, {"Id", amy}}));
  EXPECT_EQ(Query("SELEKT * FROM Invoice").status, 400);
}

TEST_F(QuickBooksDoubleTest, CdcWithDeletedStubsTheWindowAndTheCap) {
  const std::string since = QuickBooksDouble::FormatTime(qbo_->Now());
  const std::string amy = qbo_->AddCustomer(kRealm, "Amy");
  const std::string invoice = qbo_->AddInvoice(kRealm, amy, "1", "5.00");
  const std::string payment = qbo_->AddPayment(kRealm, amy, "5.00", {{.txn_id = invoice, .amount = "5.00"}});
  // LinkedTxn both ways; LineEx noise on the payment line.
  json invoice_now = *qbo_->Find(kRealm, "Invoice", invoice);
  EXPECT_EQ(invoice_now["LinkedTxn"][0]["TxnId"], payment);
  EXPECT_EQ(invoice_now["Balance"], 0.0);
  EXPECT_TRUE(qbo_->Find(kRealm, "Payment", payment)->at("Line")[0].contains("LineEx"));
  qbo_->Delete(kRealm, "Customer", amy);

  json cdc = json::parse(Api("cdc?minorversion=75&entities=Invoice,Customer,Payment&changedSince=" + Encode(since)).body);
  json groups = cdc["CDCResponse"][0]["QueryResponse"];
  std::map<std::string, json> by_entity;
  for (const auto& group : groups) {
    for (const auto& [key, value] : group.items()) {
      if (value.is_array()) by_entity[key] = value;
    }
  }
  EXPECT_EQ(by_entity["Customer"][0], json({{"domain", "QBO"}, {"status", "Deleted"}, {"Id", amy},
                                            {"MetaData", {{"LastUpdatedTime", by_entity["Customer"][0]["MetaData"]["LastUpdatedTime"]}}}}));
  EXPECT_EQ(by_entity["Invoice"].size(), 1u);
  EXPECT_EQ(by_entity["Payment"].size(), 1u);
  EXPECT_TRUE(cdc["time"].is_string());

  auto old = Api("cdc?minorversion=75&entities=Invoice&changedSince=" +
                 Encode(QuickBooksDouble::FormatTime(qbo_->Now() - std::chrono::hours(24 * 31))));
  EXPECT_EQ(old.status, 400);
  EXPECT_EQ(json::parse(old.body)["Fault"]["type"], "ValidationFault");

  const std::string bulk = qbo_->AddCustomer(kRealm, "Bulk");
  const std::string from = QuickBooksDouble::FormatTime(qbo_->Now());
  for (int i = 0; i < 1005; ++i) qbo_->AddInvoice(kRealm, bulk, "B" + std::to_string(i), "1.00");
  json capped = json::parse(Api("cdc?minorversion=75&entities=Invoice&changedSince=" + Encode(from)).body);
  EXPECT_EQ(capped["CDCResponse"][0]["QueryResponse"][0]["Invoice"].size(), 1000u);
  EXPECT_EQ(capped["CDCResponse"][0]["QueryResponse"][0]["Invoice"][0]["DocNumber"], "B0");  // oldest first
}

TEST_F(QuickBooksDoubleTest, ThePerRealmBucketAnswers429WithFault3001) {
  Start({.requests_per_minute = 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Query("SELECT COUNT(*) FROM Invoice").status, 200);
  auto throttled = Query("SELECT COUNT(*) FROM Invoice");
  EXPECT_EQ(throttled.status, 429);
  json fault = json::parse(throttled.body)["Fault"];
  EXPECT_EQ(fault["Error"][0]["code"], "3001");
  EXPECT_NE(fault["Error"][0]["Message"].get<std::string>().find("ThrottleExceeded"), std::string::npos);
  qbo_->ThrottleEveryNth(1, /*legacy_403=*/true);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM Invoice").status, 403);
  qbo_->ThrottleEveryNth(0);
  qbo_->FailNextWith503(1);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM Invoice").status, 503);
}

TEST_F(QuickBooksDoubleTest, BusinessFaultsAndBatchItems) {
  const std::string amy = qbo_->AddCustomer(kRealm, "Amy");
  auto duplicate = Api("customer?minorversion=75", "POST", R"({"DisplayName":"Amy"})");
  EXPECT_EQ(duplicate.status, 400);
  EXPECT_EQ(json::parse(duplicate.body)["Fault"]["Error"][0]["code"], "6240");
  auto stale = Api("customer?minorversion=75", "POST", R"({"Id":")" + amy + R"(","SyncToken":"7","sparse":true,"CompanyName":"x"})");
  EXPECT_EQ(stale.status, 400);
  EXPECT_EQ(json::parse(stale.body)["Fault"]["Error"][0]["code"], "5010");
  auto missing = Api("invoice/999?minorversion=75");
  EXPECT_EQ(json::parse(missing.body)["Fault"]["Error"][0]["code"], "610");
  auto updated = Api("customer?minorversion=75", "POST", R"({"Id":")" + amy + R"(","SyncToken":"0","sparse":true,"CompanyName":"Amy Inc"})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json::parse(updated.body)["Customer"]["SyncToken"], "1");

  auto batch = Api("batch?minorversion=75", "POST",
                   R"({"BatchItemRequest":[{"bId":"1","operation":"create","Customer":{"DisplayName":"Amy"}},)"
                   R"({"bId":"2","Query":"SELECT COUNT(*) FROM Customer"}]})");
  ASSERT_EQ(batch.status, 200);  // the item's Fault is inside the 200
  json items = json::parse(batch.body)["BatchItemResponse"];
  EXPECT_EQ(items[0]["Fault"]["Error"][0]["code"], "6240");
  EXPECT_EQ(items[1]["QueryResponse"]["totalCount"], 1);
}

}  // namespace
}  // namespace tributary::testing
