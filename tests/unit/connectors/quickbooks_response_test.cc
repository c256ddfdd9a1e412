// Reading QuickBooks answers: entity objects with exact numbers, deleted stubs, `time`,
// COUNT, Faults in both spellings; and QuickBooks times.
#include <gtest/gtest.h>

#include "connectors/quickbooks/qbo_response.h"
#include "connectors/quickbooks/qbo_time.h"

namespace tributary::connectors::quickbooks {
namespace {

TEST(QuickBooksResponse, QueryObjectsKeepTheExactTextOfNumbers) {
  const std::string body =
      R"({"QueryResponse":{"Invoice":[{"Id":"130","DocNumber":"1037","TotalAmt":362.07,"Balance":0.1,)"
      R"("Big":12345678901234567.89,"Count":3,"Neg":-5.50,"Exp":1.5e2,"Ok":true,"Nil":null,"Text":"a\"b\nc é",)"
      R"("Line":[{"Amount":100.00},{"Amount":262.07}],"MetaData":{"CreateTime":"x","LastUpdatedTime":"2026-07-01T10:00:00-07:00"}},)"
      R"({"Id":"131","TotalAmt":0.30}],"startPosition":1,"maxResults":2},"time":"2026-07-01T10:00:05.123-07:00"})";
  auto response = ParseQboResponse(body);
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(response->time, "2026-07-01T10:00:05.123-07:00");
  ASSERT_EQ(response->objects.size(), 2u);
  const QboObject& first = response->objects[0];
  EXPECT_EQ(first.entity, "Invoice");
  EXPECT_EQ(first.id, "130");
  EXPECT_FALSE(first.deleted);
  EXPECT_EQ(first.last_updated, "2026-07-01T10:00:00-07:00");
  EXPECT_EQ(first.json,
            R"({"Id":"130","DocNumber":"1037","TotalAmt":362.07,"Balance":0.1,"Big":12345678901234567.89,"Count":3,)"
            R"("Neg":-5.50,"Exp":1.5e2,"Ok":true,"Nil":null,"Text":"a\"b\nc é","Line":[{"Amount":100.00},)"
            R"({"Amount":262.07}],"MetaData":{"CreateTime":"x","LastUpdatedTime":"2026-07-01T10:00:00-07:00"}})");
  EXPECT_EQ(response->objects[1].json, R"({"Id":"131","TotalAmt":0.30})");
  EXPECT_EQ(first.json.find('\n'), std::string::npos);  // one line each
  EXPECT_FALSE(response->has_fault);
}

TEST(QuickBooksResponse, CdcEntitiesAndDeletedStubsInAnyOrder) {
  const std::string body =
      R"({"CDCResponse":[{"QueryResponse":[)"
      R"({"Payment":[{"Id":"9","TotalAmt":1.10,"MetaData":{"LastUpdatedTime":"2026-07-02T09:00:00-07:00"}}],"startPosition":1,"maxResults":1},)"
      R"({"Customer":[{"domain":"QBO","status":"Deleted","Id":"63","MetaData":{"LastUpdatedTime":"2026-07-02T09:19:40-07:00"}}],)"
      R"("startPosition":1,"maxResults":1},{}]}],"time":"2026-07-02T10:00:01.512-07:00"})";
  auto response = ParseQboResponse(body);
  ASSERT_TRUE(response.has_value()) << response.error().message;
  ASSERT_EQ(response->objects.size(), 2u);
  EXPECT_EQ(response->objects[0].entity, "Payment");
  EXPECT_FALSE(response->objects[0].deleted);
  EXPECT_EQ(response->objects[1].entity, "Customer");
  EXPECT_EQ(response->objects[1].id, "63");
  EXPECT_TRUE(response->objects[1].deleted);
  EXPECT_EQ(response->objects[1].last_updated, "2026-07-02T09:19:40-07:00");
  EXPECT_EQ(response->time, "2026-07-02T10:00:01.512-07:00");
}

TEST(QuickBooksResponse, EmptyAnswersAndCount) {
  auto empty = ParseQboResponse(R"({"QueryResponse":{},"time":"t"})");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->objects.empty());
  auto empty_cdc = ParseQboResponse(R"({"CDCResponse":[{"QueryResponse":[{}]}],"time":"t"})");
  ASSERT_TRUE(empty_cdc.has_value());
  EXPECT_TRUE(empty_cdc->objects.empty());
  auto count = ParseQboResponse(R"({"QueryResponse":{"totalCount":41},"time":"t"})");
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(count->total_count, 41);
  // Objects named like an entity outside a QueryResponse are not entity objects.
  auto other = ParseQboResponse(R"({"Invoice":{"Id":"1"},"time":"t"})");
  ASSERT_TRUE(other.has_value());
  EXPECT_TRUE(other->objects.empty());
}

TEST(QuickBooksResponse, MalformedJsonIsAnErrorWithItsPosition) {
  auto response = ParseQboResponse(R"({"QueryResponse":{"Invoice":[{"Id":"1",}]}})");
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::kParse);
  EXPECT_NE(response.error().message.find("byte"), std::string::npos) << response.error().message;
}

TEST(QuickBooksResponse, FaultsInBothSpellings) {
  auto fault = ParseQboFault(
      R"({"Fault":{"Error":[{"Message":"message=ThrottleExceeded; errorCode=003001; statusCode=429",)"
      R"("Detail":"The request limit was reached.  Try again later","code":"3001"}],"type":"SERVICE"},)"
      R"("time":"2016-12-07T15:27:09.527-08:00"})");
  ASSERT_TRUE(fault.has_value());
  EXPECT_EQ(fault->code, "3001");
  EXPECT_EQ(fault->type, "SERVICE");
  EXPECT_EQ(fault->time, "2016-12-07T15:27:09.527-08:00");
  auto gateway = ParseQboFault(
      R"({"warnings":null,"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401",)"
      R"("detail":"Token expired: AB0160","code":"3200","element":null}],"type":"AUTHENTICATION"},"time":1601391072830})");
  ASSERT_TRUE(gateway.has_value());
  EXPECT_EQ(gateway->code, "3200");
  EXPECT_EQ(gateway->type, "AUTHENTICATION");
  EXPECT_EQ(gateway->detail, "Token expired: AB0160");
  EXPECT_EQ(gateway->time, "");
  EXPECT_FALSE(ParseQboFault(R"({"QueryResponse":{}})").has_value());
  EXPECT_FALSE(ParseQboFault("<html>").has_value());
  auto in_200 = ParseQboResponse(R"({"Fault":{"Error":[{"code":"610"}],"type":"ValidationFault"},"time":"t"})");
  ASSERT_TRUE(in_200.has_value());
  EXPECT_TRUE(in_200->has_fault);
}

TEST(QuickBooksTime, OffsetsFractionsAndZ) {
  auto a = ParseQboTime("2026-07-02T10:00:01.512-07:00");
  auto b = ParseQboTime("2026-07-02T17:00:01.512Z");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  auto c = ParseQboTime("2020-09-29T05:58:07-07:00");
  ASSERT_TRUE(c);
  EXPECT_EQ(FormatQboTime(*c), "2020-09-29T12:58:07Z");
  EXPECT_FALSE(ParseQboTime("2026-07-02 10:00:01"));
  EXPECT_FALSE(ParseQboTime("2026-02-30T10:00:00Z"));
  EXPECT_FALSE(ParseQboTime("2026-07-02T10:00:00+0700"));
  EXPECT_FALSE(ParseQboTime("1601391072830"));
}

}  // namespace
}  // namespace tributary::connectors::quickbooks
