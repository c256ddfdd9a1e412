// How the connector reads Creditsafe's answers: score normalisation on integers, exact
// credit limits, text values, reports with missing sections, and error bodies.
#include <gtest/gtest.h>

#include "connectors/creditsafe/creditsafe_wire.h"

namespace tributary::connectors::creditsafe {
namespace {

TEST(CreditsafeNormaliseTest, MapsTheScaleOntoZeroToHundredRoundingHalfUp) {
  EXPECT_EQ(NormaliseScore("58", "0", "100").value(), 58);
  EXPECT_EQ(NormaliseScore("0", "0", "100").value(), 0);
  EXPECT_EQ(NormaliseScore("100", "0", "100").value(), 100);
  EXPECT_EQ(NormaliseScore("1", "1", "100").value(), 0);
  EXPECT_EQ(NormaliseScore("100", "1", "100").value(), 100);
  // (50 - 1) * 100 / 99 = 49.49… -> 49; (51 - 1) * 100 / 99 = 50.50… -> 51.
  EXPECT_EQ(NormaliseScore("50", "1", "100").value(), 49);
  EXPECT_EQ(NormaliseScore("51", "1", "100").value(), 51);
  // Exactly half: 1 * 100 / 8 = 12.5 -> 13.
  EXPECT_EQ(NormaliseScore("1", "0", "8").value(), 13);
  EXPECT_EQ(NormaliseScore(" 7 ", "0", "10").value(), 70);
}

TEST(CreditsafeNormaliseTest, TextIsNotRated) {
  EXPECT_EQ(NormaliseScore("Not Rated", "0", "100").value(), std::nullopt);
  EXPECT_EQ(NormaliseScore("No credit rating", "", "").value(), std::nullopt);
  EXPECT_EQ(NormaliseScore("", "0", "100").value(), std::nullopt);
  EXPECT_EQ(NormaliseScore("42", "", "").value(), std::nullopt);  // no scale: not normalised
}

TEST(CreditsafeNormaliseTest, ValuesOutsideTheScaleAndBadScalesAreParseErrors) {
  auto high = NormaliseScore("101", "0", "100");
  ASSERT_FALSE(high.has_value());
  EXPECT_EQ(high.error().code, ErrorCode::kParse);
  EXPECT_EQ(high.error().message, "the Creditsafe score 101 is outside its scale 0-100");
  EXPECT_EQ(NormaliseScore("-1", "0", "100").error().message, "the Creditsafe score -1 is outside its scale 0-100");
  EXPECT_EQ(NormaliseScore("5", "100", "0").error().message,
            "the Creditsafe score scale \"100\"-\"0\" is not two integers min < max");
  EXPECT_EQ(NormaliseScore("5", "0", "ten").error().code, ErrorCode::kParse);
}

TEST(CreditsafeCreditLimitTest, IsExactMoney) {
  auto limit = ParseCreditLimit("EUR", "25000");
  ASSERT_TRUE(limit.has_value() && limit->has_value());
  EXPECT_EQ(**limit, (model::Money{.minor = 2500000, .currency = "EUR"}));
  EXPECT_EQ(ParseCreditLimit("EUR", "12000.50").value()->minor, 1200050);
  EXPECT_EQ(ParseCreditLimit("JPY", "3000000").value()->minor, 3000000);
  EXPECT_EQ(ParseCreditLimit("KWD", "1.125").value()->minor, 1125);
  // 0.1 + 0.2 style values stay exact.
  EXPECT_EQ(ParseCreditLimit("GBP", "90071992547409.93").value()->minor, 9007199254740993);
}

TEST(CreditsafeCreditLimitTest, TextMeansNoLimit) {
  EXPECT_EQ(ParseCreditLimit("EUR", "Credit Limit not applicable").value(), std::nullopt);
  EXPECT_EQ(ParseCreditLimit("", "").value(), std::nullopt);
}

TEST(CreditsafeCreditLimitTest, BadValuesAreParseErrorsNamingThem) {
  EXPECT_EQ(ParseCreditLimit("EUX", "100").error().message,
            "the Creditsafe credit limit's currency \"EUX\" is not an ISO 4217 code");
  EXPECT_EQ(ParseCreditLimit("EUR", "25,000").error().message,
            "the Creditsafe credit limit \"25,000\" is not a decimal number");
  EXPECT_EQ(ParseCreditLimit("EUR", "12.345").error().code, ErrorCode::kParse);  // finer than cents
}

TEST(CreditsafeReportTest, AReportWithoutScoreSectionHasNoScore) {
  auto report = ParseReport(R"({"correlationId":"x","report":{"companyId":"DE-X-1","companySummary":)"
                            R"({"businessName":"MUSTER GMBH","country":"DE"},"failedSections":["creditScore"]}})",
                            "DE-X-1");
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->company.name, "MUSTER GMBH");
  EXPECT_EQ(report->value_numeric, std::nullopt);
  EXPECT_EQ(report->recommended_limit, std::nullopt);
  EXPECT_EQ(report->as_of, "");
}

TEST(CreditsafeReportTest, NumbersWrittenAsJsonNumbersAreRead) {
  auto report = ParseReport(R"({"report":{"companyId":"GB-0-1","creditScore":{"currentCreditRating":)"
                            R"({"commonValue":"A","commonDescription":"Very Low Risk","creditLimit":)"
                            R"({"currency":"GBP","value":150000},"providerValue":{"minValue":0,"maxValue":100,"value":93}}}}})",
                            "GB-0-1");
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->value_numeric, 93);
  EXPECT_EQ(report->band, "A (Very Low Risk)");
  EXPECT_EQ(report->recommended_limit->minor, 15000000);
}

TEST(CreditsafeReportTest, NotAReportIsAParseError) {
  EXPECT_EQ(ParseReport("<html>", "X").error().message, "the Creditsafe report is not a JSON object");
  EXPECT_EQ(ParseReport(R"({"correlationId":"x"})", "X").error().message, "the Creditsafe answer on X holds no report");
}

TEST(CreditsafeRefusalTest, DescribesTheErrorBody) {
  EXPECT_EQ(DescribeRefusal({.status = 400, .body = R"({"correlationId":"c","message":"Invalid request",)"
                                                     R"("details":"countries is required"})"}),
            "HTTP 400: Invalid request (countries is required)");
  EXPECT_EQ(DescribeRefusal({.status = 502, .body = "<html>"}), "HTTP 502");
}

TEST(CreditsafeEventsTest, ReadsEventsAndPaging) {
  auto page = ParseEventsPage(R"({"totalCount":3,"data":[{"company":{"id":"FR-X-1"},"eventId":7000003},)"
                              R"({"company":{"id":"FR-X-2"},"eventId":7000002}],"paging":{"size":2,"prev":null,"next":1,"last":1}})");
  ASSERT_TRUE(page.has_value()) << page.error().message;
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].event_id, 7000003);
  EXPECT_EQ(page->events[1].company_id, "FR-X-2");
  EXPECT_EQ(page->next_page, 1);
  auto last = ParseEventsPage(R"({"totalCount":0,"data":[],"paging":{"size":2,"prev":null,"next":null,"last":0}})");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->next_page, std::nullopt);
}

}  // namespace
}  // namespace tributary::connectors::creditsafe
