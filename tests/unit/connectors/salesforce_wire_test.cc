// How the salesforce connector reads Salesforce's answers: query pages with exact number
// text, records lacking a selected field, Bulk API CSV, error arrays, times.
#include <gtest/gtest.h>

#include "connectors/salesforce/bulk_csv.h"
#include "connectors/salesforce/query_page.h"
#include "connectors/salesforce/sf_api.h"

namespace tributary::connectors::salesforce {
namespace {

TEST(SalesforceQueryPage, KeepsNumberTextAndDropsAttributes) {
  const std::string body = R"({"totalSize":2,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gX-2000",
    "records":[{"attributes":{"type":"Account","url":"/x"},"Id":"001A","SystemModstamp":"2026-07-02T10:11:12.000+0000",
    "Amount__c":987654321098765.43,"Owner":{"attributes":{"type":"User"},"Name":"Ann \"A\""},"Tags":[1,2.50],"Parent":null},
    {"attributes":{"type":"Account"},"Id":"001B","SystemModstamp":"2026-07-02T10:11:13.000+0000","Amount__c":1e2,
     "Owner":null,"Tags":[],"Parent":{"attributes":{"type":"Account"},"Id":"001A"}}]})";
  auto page = ParseQueryPage(body, {"Id", "Amount__c", "Owner"});
  ASSERT_TRUE(page.has_value()) << page.error().message;
  EXPECT_EQ(page->total_size, 2);
  EXPECT_FALSE(page->done);
  EXPECT_EQ(page->next_records_url, "/services/data/v62.0/query/01gX-2000");
  EXPECT_EQ(page->json_lines,
            "{\"Id\":\"001A\",\"SystemModstamp\":\"2026-07-02T10:11:12.000+0000\",\"Amount__c\":987654321098765.43,"
            "\"Owner\":{\"Name\":\"Ann \\\"A\\\"\"},\"Tags\":[1,2.50],\"Parent\":null}\n"
            "{\"Id\":\"001B\",\"SystemModstamp\":\"2026-07-02T10:11:13.000+0000\",\"Amount__c\":1e2,\"Owner\":null,"
            "\"Tags\":[],\"Parent\":{\"Id\":\"001A\"}}\n");
  EXPECT_EQ(page->ids, (std::vector<std::string>{"001A", "001B"}));
  EXPECT_EQ(page->stamps.back(), "2026-07-02T10:11:13.000+0000");
}

TEST(SalesforceQueryPage, ARecordWithoutASelectedFieldIsAnErrorNamingIt) {
  const std::string body =
      R"({"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account"},"Id":"001A","Name":"Acme"}]})";
  auto page = ParseQueryPage(body, {"Id", "Name", "CurrencyIsoCode"});
  ASSERT_FALSE(page.has_value());
  EXPECT_EQ(page.error().message, "Salesforce sent record 001A without the field CurrencyIsoCode the query selected");
}

TEST(SalesforceBulkCsv, EmptyIsNullRelationshipsNestAndTextStaysExact) {
  auto page = CsvToJsonLines(
      "\"Id\",\"Amount__c\",\"Account.Name\",\"Account.Owner.Name\"\n"
      "\"a01\",\"987654321098765.43\",\"Acme, Inc\",\"Ann\"\n"
      "\"a02\",\"\",\"\",\"\"\n",
      {"Id", "Account"});
  ASSERT_TRUE(page.has_value()) << page.error().message;
  EXPECT_EQ(page->json_lines,
            "{\"Id\":\"a01\",\"Amount__c\":\"987654321098765.43\",\"Account\":{\"Name\":\"Acme, Inc\",\"Owner\":{\"Name\":"
            "\"Ann\"}}}\n"
            "{\"Id\":\"a02\",\"Amount__c\":null,\"Account\":null}\n");
  auto missing = CsvToJsonLines("\"Id\"\n\"a01\"\n", {"Id", "Name"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message, "Salesforce sent Bulk API results without the field Name the query selected");
}

http::Response Answer(int status, const std::string& body) {
  http::Response response;
  response.status = status;
  response.body = body;
  return response;
}

TEST(SalesforceAnswers, ReadingsOfSalesforcesRefusals) {
  EXPECT_EQ(ReadAnswer(Answer(401, R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])")),
            kit::Reading::kAuthExpired);
  EXPECT_EQ(ReadAnswer(Answer(
                401, R"([{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}])")),
            kit::Reading::kDone);
  EXPECT_EQ(ReadAnswer(Answer(403, R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])")),
            kit::Reading::kQuotaExhausted);
  EXPECT_EQ(ReadAnswer(Answer(
                403, R"([{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])")),
            kit::Reading::kThrottled);
  EXPECT_EQ(ReadAnswer(Answer(503, "<html>down</html>")), kit::Reading::kCommon);
  EXPECT_EQ(DescribeRefusal(Answer(400, R"([{"message":"\nSELECT Foo FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo' on entity 'Account'.","errorCode":"INVALID_FIELD"}])")),
            "HTTP 400 INVALID_FIELD: No such column 'Foo' on entity 'Account'.");
  EXPECT_EQ(DescribeRefusal(Answer(400, R"([{"message":"bad","errorCode":"X","fields":["A","B"]}])")),
            "HTTP 400 X: bad (fields: A B)");
}

TEST(SalesforceAnswers, LimitInfoAndTimes) {
  http::Response response;
  response.headers = {{"Sforce-Limit-Info", "api-usage=25/15000"}};
  auto usage = LimitInfoOf(response);
  ASSERT_TRUE(usage.has_value());
  EXPECT_EQ(usage->used, 25);
  EXPECT_EQ(usage->max, 15000);
  auto ms = ParseSalesforceTime("2026-07-02T10:11:12.345+0000");
  ASSERT_TRUE(ms.has_value());
  EXPECT_EQ(FormatSalesforceTime(*ms), "2026-07-02T10:11:12.345Z");
  EXPECT_EQ(ParseSalesforceTime("2026-07-02T12:11:12.345+02:00"), ms);
  EXPECT_EQ(SoqlQuote("O'Brien\\"), "'O\\'Brien\\\\'");
}

}  // namespace
}  // namespace tributary::connectors::salesforce
