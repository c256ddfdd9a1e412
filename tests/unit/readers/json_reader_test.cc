#include "gateway/readers/json_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/readers/reader_test_util.h"

namespace tributary::readers {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Options;
using testing::Path;
using testing::Plan;
using testing::ReadAll;

// A QuickBooks Online query response, as the API sends it (pretty-printed here).
constexpr const char* kQuickBooksQuery = R"({
  "QueryResponse": {
    "Invoice": [
      {
        "Id": "130", "DocNumber": "1037", "TotalAmt": 362.07, "Balance": 362.07,
        "CurrencyRef": {"value": "USD", "name": "United States Dollar"},
        "CustomerRef": {"value": "58", "name": "Sonnenschein Family Store"},
        "Line": [{"Amount": 362.07, "DetailType": "SalesItemLineDetail"}, {"Amount": 362.07, "DetailType": "SubTotalLineDetail"}],
        "EmailStatus": "NotSet", "AllowOnlineACHPayment": false, "PrivateNote": ""
      },
      {"Id": "131", "DocNumber": "1038", "TotalAmt": 12345678901234567.89, "Balance": 0.30000000000000004,
       "CurrencyRef": {"value": "EUR"}, "Deposit": 0, "DueDate": null, "Tags": [1, 2.50, "x"]}
    ],
    "startPosition": 1, "maxResults": 2
  },
  "time": "2026-03-31T06:00:00.000-07:00"
})";

TEST(JsonReader, ReadsQuickBooksInvoicesWithExactNumbers) {
  auto options = Options("reader: {type: json, records: 'QueryResponse.Invoice[]'}");
  auto result = ReadAll(*options,
                        Plan({Path("Id"), Path("TotalAmt"), Path("Balance"), Path("CurrencyRef.value"),
                              Path("Line.0.Amount"), Path("$.time"), Path("AllowOnlineACHPayment"), Path("DueDate"),
                              Path("PrivateNote"), Path("Missing.Path")}),
                        kQuickBooksQuery);
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("130", "362.07", "362.07", "USD", "362.07",
                                                 "2026-03-31T06:00:00.000-07:00", "false", "<null>", "<null>",
                                                 "<null>"));
  EXPECT_THAT(result.rows[1].values, ElementsAre("131", "12345678901234567.89", "0.30000000000000004", "EUR", "<null>",
                                                 "2026-03-31T06:00:00.000-07:00", "<null>", "<null>", "<null>",
                                                 "<null>"));
  EXPECT_EQ(result.rows[0].location, "QueryResponse.Invoice[0]");
  EXPECT_EQ(result.rows[1].location, "QueryResponse.Invoice[1]");
  EXPECT_EQ(result.rows[0].line, 4);
  EXPECT_EQ(result.rows[1].line, 11);
  EXPECT_THAT(result.rows[1].raw, ::testing::StartsWith("{\"Id\": \"131\""));
  EXPECT_THAT(result.rows[1].raw, ::testing::EndsWith("\"Tags\": [1, 2.50, \"x\"]}"));
}

TEST(JsonReader, ObjectsAndArraysAreCompactJsonWithSourceNumbers) {
  auto options = Options("reader: {type: json, records: 'QueryResponse.Invoice[]'}");
  auto result = ReadAll(*options, Plan({Path("CurrencyRef"), Path("Tags"), Path("Deposit")}), kQuickBooksQuery);
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0].values[0], R"({"value":"USD","name":"United States Dollar"})");
  EXPECT_EQ(result.rows[1].values[1], R"([1,2.50,"x"])");
  EXPECT_EQ(result.rows[1].values[2], "0");
}

TEST(JsonReader, NestedRecordsReachTheirParentsAndTheRoot) {
  // A QuickBooks change-data-capture response.
  const std::string cdc = R"({"CDCResponse":[{"QueryResponse":[
    {"Customer":[{"Id":"58","DisplayName":"Sonnenschein"}],"startPosition":1},
    {"Invoice":[{"Id":"130","Line":[{"LinkedTxn":[{"TxnId":"9","TxnType":"Payment"},{"TxnId":"10","TxnType":"Payment"}]}]}],
     "startPosition":7}
  ]}],"time":"2026-03-31T06:00:00Z"})";
  ReadPlan plan;
  plan.plans.push_back({"CDCResponse[].QueryResponse[].Customer[]", {Path("Id"), Path("^.startPosition")}});
  plan.plans.push_back({"CDCResponse[].QueryResponse[].Invoice[].Line[].LinkedTxn[]",
                        {Path("TxnId"), Path("^^.Id"), Path("^.^.Id"), Path("^.^.^.startPosition"), Path("$.time")}});
  auto options = Options("reader: {type: json}");
  auto result = ReadAll(*options, plan, cdc);
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_EQ(result.rows[0].plan, 0u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("58", "1"));
  EXPECT_EQ(result.rows[0].location, "CDCResponse[0].QueryResponse[0].Customer[0]");
  EXPECT_EQ(result.rows[1].plan, 1u);
  EXPECT_THAT(result.rows[1].values, ElementsAre("9", "130", "130", "7", "2026-03-31T06:00:00Z"));
  EXPECT_EQ(result.rows[2].location, "CDCResponse[0].QueryResponse[1].Invoice[0].Line[0].LinkedTxn[1]");
  EXPECT_EQ(result.rows[2].line, 3);
}

TEST(JsonReader, MissingRecordPathsGiveNoRecordsAndTopLevelArraysIterate) {
  auto options = Options("reader: {type: json, records: 'QueryResponse.Invoice[]'}");
  auto result = ReadAll(*options, Plan({Path("Id")}), R"({"QueryResponse":{},"time":"x"})");
  ASSERT_EQ(result.start_error, "");
  EXPECT_TRUE(result.rows.empty());

  auto array = Options("reader: {type: json, records: '[]'}");
  result = ReadAll(*array, Plan({Path("id")}), R"([{"id":1},{"id":2},"scalar"])");
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_EQ(result.rows[1].values[0], "2");
  EXPECT_EQ(result.rows[1].location, "[1]");
  EXPECT_EQ(result.rows[2].values[0], "<null>");
  EXPECT_EQ(result.rows[2].raw, "\"scalar\"");

  auto whole = Options("reader: {type: json}");
  result = ReadAll(*whole, Plan({Path("a.b")}), R"({"a":{"b":"c"}})");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].values[0], "c");
  EXPECT_EQ(result.rows[0].location, "");
}

TEST(JsonReader, MalformedJsonIsAStartErrorWithLineAndColumn) {
  auto options = Options("reader: {type: json, records: 'a[]'}");
  auto result = ReadAll(*options, Plan({Path("x")}), "{\"a\": [\n  {\"x\": 1},\n  {\"x\": tru}\n]}");
  EXPECT_THAT(result.start_error, HasSubstr("invalid JSON at line 3, column 12: syntax error while parsing value - invalid literal"));
  EXPECT_THAT(ReadAll(*options, Plan({Path("x")}), "").start_error, HasSubstr("invalid JSON at line 1, column 1"));
  EXPECT_THAT(ReadAll(*options, Plan({Path("x")}), "{\"a\":[]} x").start_error, HasSubstr("invalid JSON at line 1"));
  // Invalid UTF-8 inside a string.
  EXPECT_THAT(ReadAll(*options, Plan({Path("x")}), "{\"a\":[{\"x\":\"caf\xE9\"}]}").start_error,
              HasSubstr("invalid JSON at line 1"));
}

TEST(JsonReader, DeepNestingIsRefusedNotACrash) {
  auto options = Options("reader: {type: json}");
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto result = ReadAll(*options, Plan({Path("x")}), deep);
  EXPECT_THAT(result.start_error, HasSubstr("nesting deeper than 1000 levels"));
  // Within the limit, a deep value still serializes.
  const std::string ok = "{\"v\":" + std::string(900, '[') + std::string(900, ']') + "}";
  result = ReadAll(*options, Plan({Path("v")}), ok);
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].values[0].size(), 1800u);
}

TEST(JsonReader, DocumentsOverTheLimitAreRefused) {
  auto options = Options("reader: {type: json, max_document_bytes: 10}");
  EXPECT_EQ(ReadAll(*options, Plan({Path("x")}), R"({"x": "0123456789"})").start_error,
            "the document is larger than reader.max_document_bytes (10 bytes)");
}

TEST(JsonLinesReader, EachLineIsADocumentAndBadLinesAreRecordErrors) {
  auto options = Options("reader: {type: json_lines}");
  auto result = ReadAll(*options, Plan({Path("id"), Path("amount"), Path("$.id")}),
                        "{\"id\": \"a\", \"amount\": 10.10}\n\n{\"id\": \"b\", \"amount\": 1e3\n"
                        "{\"id\": \"c\", \"amount\": -0.5}\r\n");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("a", "10.10", "a"));
  EXPECT_EQ(result.rows[0].line, 1);
  EXPECT_EQ(result.rows[1].line, 3);
  EXPECT_THAT(result.rows[1].error, HasSubstr("invalid JSON at column 26: syntax error while parsing object - unexpected end of input"));
  EXPECT_EQ(result.rows[1].raw, "{\"id\": \"b\", \"amount\": 1e3");
  EXPECT_THAT(result.rows[2].values, ElementsAre("c", "-0.5", "c"));
  EXPECT_EQ(result.rows[2].line, 4);
}

TEST(JsonLinesReader, RecordsInsideEachLine) {
  auto options = Options("reader: {type: json_lines, records: 'items[]'}");
  auto result = ReadAll(*options, Plan({Path("sku"), Path("$.order")}),
                        "{\"order\": 1, \"items\": [{\"sku\": \"A\"}, {\"sku\": \"B\"}]}\n{\"order\": 2, \"items\": []}\n"
                        "{\"order\": 3, \"items\": [{\"sku\": \"C\"}]}\n");
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_THAT(result.rows[1].values, ElementsAre("B", "1"));
  EXPECT_EQ(result.rows[1].location, "items[1]");
  EXPECT_THAT(result.rows[2].values, ElementsAre("C", "3"));
  EXPECT_EQ(result.rows[2].line, 3);
}

TEST(JsonLinesReader, LongLinesAreRecordErrors) {
  auto options = Options("reader: {type: json_lines, max_document_bytes: 20}");
  auto result = ReadAll(*options, Plan({Path("a")}), "{\"a\": \"" + std::string(50, 'x') + "\"}\n{\"a\": 1}\n");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0].error, "line is longer than reader.max_document_bytes (20 bytes)");
  EXPECT_EQ(result.rows[1].values[0], "1");
}

TEST(JsonPlan, ProblemsAreFoundAtLoad) {
  auto options = Options("reader: {type: json}");
  ReadPlan plan;
  plan.plans.push_back({"QueryResponse.Invoice[]", {Path("^.Id"), Path("Line[].Amount"), Path("a..b"),
                                                    testing::Column("Id"), Path("x.$.y")}});
  plan.plans.push_back({"a[].b[]", {Path("^.ok"), Path("^^.too_far")}});
  plan.plans.push_back({"a.[x]", {}});
  auto problems = ValidatePlan(*options, plan);
  ASSERT_EQ(problems.size(), 7u);
  EXPECT_EQ(problems[0].message,
            "\"^.Id\" goes 1 level up, but records \"QueryResponse.Invoice[]\" has 0 enclosing \"[]\" levels");
  EXPECT_EQ(problems[1].message,
            "a field path cannot iterate (\"Line[].Amount\"): \"[]\" belongs in the records selector; index with .0");
  EXPECT_EQ(problems[2].message, "empty segment in path \"a..b\"");
  EXPECT_EQ(problems[3].message, "'column' needs a csv or fixed_width reader; a json reader reads 'path'");
  EXPECT_EQ(problems[4].message, "'$' and '^' may only start a path (\"x.$.y\")");
  EXPECT_EQ(problems[5].plan, 1u);
  EXPECT_EQ(problems[5].field, 1u);
  EXPECT_EQ(problems[6].plan, 2u);
  EXPECT_FALSE(problems[6].field.has_value());
}

TEST(JsonReader, DeclaredSingleByteEncodingIsDecodedFirst) {
  auto options = Options("reader: {type: json, encoding: windows-1252}");
  auto result = ReadAll(*options, Plan({Path("name")}), "{\"name\": \"Soci\xE9t\xE9 \x80\"}");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].values[0], "Soci\xC3\xA9t\xC3\xA9 \xE2\x82\xAC");
}

}  // namespace
}  // namespace tributary::readers

namespace tributary::readers {
namespace {

TEST(JsonReader, ScalarRecordsHaveTheirOwnLine) {
  auto options = testing::Options("reader: {type: json, records: '[]'}");
  auto result = testing::ReadAll(*options, testing::Plan({testing::Path("a")}), "[\n{\"a\": 1},\n2,\n\"x\"\n]");
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_EQ(result.rows[0].line, 2);
  EXPECT_EQ(result.rows[1].line, 3);
  EXPECT_EQ(result.rows[1].raw, "2");
  EXPECT_EQ(result.rows[2].line, 4);
}

}  // namespace
}  // namespace tributary::readers
