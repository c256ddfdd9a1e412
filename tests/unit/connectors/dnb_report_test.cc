// Reading Direct+ answers: the failure score's normalisation, text values, values outside
// the scale, exact limits, match candidates and ambiguity, notifications.
#include <gtest/gtest.h>

#include "connectors/dnb/dnb_report.h"

namespace tributary::connectors::dnb {
namespace {

std::string Report(const std::string& assessment) {
  return R"({"transactionDetail":{"transactionID":"t1"},"inquiryDetail":{"duns":"275046387"},)"
         R"("organization":{"duns":"275046387","primaryName":"ACME","countryISOAlpha2Code":"FR",)"
         R"("registrationNumbers":[{"registrationNumber":"49481445200012"},)"
         R"({"registrationNumber":"494814452","isPreferredRegistrationNumber":true}],)"
         R"("dunsControlStatus":{"operatingStatus":{"description":"Active","dnbCode":9074}},)"
         R"("dnbAssessment":)" +
         assessment + "}}";
}

std::string Failure(const std::string& percentile, const std::string& limit = R"({"value":25000.50,"currency":"EUR"})") {
  return R"({"failureScore":{"nationalPercentile":)" + percentile +
         R"(,"classScore":2,"classScoreDescription":"Low to Moderate Risk","scoreDate":"2026-11-30"},)"
         R"("standardRating":{"rating":"5A2"},)"
         R"("creditLimitRecommendation":{"assessmentDate":"2026-11-29","maximumRecommendedLimit":)" +
         limit + "}}";
}

TEST(DnbNormalisation, SpreadsOneToHundredOverZeroToHundredRoundingHalfUp) {
  EXPECT_EQ(NormalisePercentile(1), 0);
  EXPECT_EQ(NormalisePercentile(2), 1);     // 1.0101
  EXPECT_EQ(NormalisePercentile(50), 49);   // 49.49
  EXPECT_EQ(NormalisePercentile(51), 51);   // 50.505
  EXPECT_EQ(NormalisePercentile(58), 58);   // 57.58
  EXPECT_EQ(NormalisePercentile(99), 99);   // 98.99
  EXPECT_EQ(NormalisePercentile(100), 100);
  EXPECT_EQ(NormalisePercentile(0), std::nullopt);
  EXPECT_EQ(NormalisePercentile(101), std::nullopt);
  // Every value in 0-100, never decreasing.
  int64_t previous = -1;
  for (int64_t p = 1; p <= 100; ++p) {
    const int64_t value = *NormalisePercentile(p);
    EXPECT_GE(value, previous);
    EXPECT_LE(value, 100);
    previous = value;
  }
}

TEST(DnbReport, ReadsTheFailureScoreBandLimitAndCompany) {
  const std::string body = Report(Failure("58"));
  auto report = ParseReport(body);
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->company.id, "275046387");
  EXPECT_EQ(report->company.duns, "275046387");
  EXPECT_EQ(report->company.name, "ACME");
  EXPECT_EQ(report->company.country, "FR");
  EXPECT_EQ(report->company.registration_number, "494814452");  // the preferred one
  EXPECT_EQ(report->company.status, "Active");
  EXPECT_EQ(report->value_raw, "58");
  EXPECT_EQ(report->value_numeric, 58);
  EXPECT_EQ(report->band, "2 (Low to Moderate Risk)");
  ASSERT_TRUE(report->recommended_limit.has_value());
  EXPECT_EQ(report->recommended_limit->minor, 2500050);
  EXPECT_EQ(report->recommended_limit->currency, "EUR");
  EXPECT_EQ(report->as_of, "2026-11-30T00:00:00Z");
  EXPECT_EQ(report->report.content, body);
  EXPECT_EQ(report->report.filename, "dnb-275046387.json");
}

TEST(DnbReport, LimitsAreExactAtTheCurrencyExponent) {
  auto large = ParseReport(Report(Failure("58", R"({"value":12345678901234.56,"currency":"USD"})")));
  ASSERT_TRUE(large.has_value()) << large.error().message;
  EXPECT_EQ(large->recommended_limit->minor, 1234567890123456);  // never through a double
  auto yen = ParseReport(Report(Failure("58", R"({"value":1500000,"currency":"JPY"})")));
  ASSERT_TRUE(yen.has_value());
  EXPECT_EQ(yen->recommended_limit->minor, 1500000);
  auto as_text = ParseReport(Report(Failure("58", R"({"value":"3000.10","currency":"GBP"})")));
  ASSERT_TRUE(as_text.has_value());
  EXPECT_EQ(as_text->recommended_limit->minor, 300010);
  auto too_precise = ParseReport(Report(Failure("58", R"({"value":10.555,"currency":"EUR"})")));
  ASSERT_FALSE(too_precise.has_value());
  EXPECT_EQ(too_precise.error().code, ErrorCode::kParse);
}

TEST(DnbReport, ATextLimitIsNoLimit) {
  auto report = ParseReport(Report(Failure("58", R"({"value":"Credit Limit not applicable","currency":"EUR"})")));
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_FALSE(report->recommended_limit.has_value());
  auto absent = ParseReport(Report(R"({"failureScore":{"nationalPercentile":40}})"));
  ASSERT_TRUE(absent.has_value());
  EXPECT_FALSE(absent->recommended_limit.has_value());
  EXPECT_EQ(absent->band, "");
}

TEST(DnbReport, ATextScoreHasNoNumericValue) {
  auto report = ParseReport(Report(Failure(R"("Not Scored")")));
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->value_raw, "Not Scored");
  EXPECT_EQ(report->value_numeric, std::nullopt);
  auto numeric_text = ParseReport(Report(Failure(R"("77")")));
  ASSERT_TRUE(numeric_text.has_value());
  EXPECT_EQ(numeric_text->value_numeric, 77);  // (76 * 100 / 99 = 76.77)
  auto missing = ParseReport(Report(R"({"standardRating":{"rating":"5A2"}})"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->value_raw, "");
  EXPECT_EQ(missing->value_numeric, std::nullopt);
  EXPECT_EQ(missing->band, "5A2");  // no class score: the standard rating
}

TEST(DnbReport, AValueOutsideItsScaleIsAParseErrorNamingIt) {
  auto zero = ParseReport(Report(Failure("0")));
  ASSERT_FALSE(zero.has_value());
  EXPECT_EQ(zero.error().code, ErrorCode::kParse);
  EXPECT_EQ(zero.error().message, "the D&B failure score nationalPercentile 0 is outside its scale 1-100");
  auto high = ParseReport(Report(Failure("101")));
  ASSERT_FALSE(high.has_value());
  EXPECT_EQ(high.error().message, "the D&B failure score nationalPercentile 101 is outside its scale 1-100");
  auto fraction = ParseReport(Report(Failure("57.5")));
  ASSERT_FALSE(fraction.has_value());
  EXPECT_EQ(fraction.error().message, "the D&B failure score nationalPercentile 57.5 is not a whole number");
  auto class_score = ParseReport(Report(R"({"failureScore":{"nationalPercentile":50,"classScore":7}})"));
  ASSERT_FALSE(class_score.has_value());
  EXPECT_EQ(class_score.error().message, "the D&B failure score classScore \"7\" is outside its scale 1-5");
}

TEST(DnbReport, AnUnknownCurrencyIsAParseErrorNamingIt) {
  auto report = ParseReport(Report(Failure("58", R"({"value":1000,"currency":"XYZ"})")));
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kParse);
  EXPECT_EQ(report.error().message, "the D&B recommended limit's currency \"XYZ\" is not an ISO 4217 code");
}

TEST(DnbReport, AnAnswerWithoutOrganizationIsAParseError) {
  EXPECT_EQ(ParseReport(R"({"transactionDetail":{}})").error().message, "the D&B data answer has no organization");
  EXPECT_EQ(ParseReport("not json").error().code, ErrorCode::kParse);
}

TEST(DnbCandidates, TheTopConfidenceDecides) {
  auto candidates = ParseCandidates(
      R"({"candidatesMatchedQuantity":3,"matchCandidates":[)"
      R"({"displaySequence":1,"organization":{"duns":"111111111","primaryName":"A",)"
      R"("primaryAddress":{"addressCountry":{"isoAlpha2Code":"FR"}},"registrationNumbers":[{"registrationNumber":"1"}],)"
      R"("dunsControlStatus":{"operatingStatus":{"description":"Active"}}},)"
      R"("matchQualityInformation":{"confidenceCode":9,"matchGrade":"AAAAAAAAFAA"}},)"
      R"({"organization":{"duns":"222222222","primaryName":"B"},"matchQualityInformation":{"confidenceCode":9}},)"
      R"({"organization":{"duns":"333333333","primaryName":"C"},"matchQualityInformation":{"confidenceCode":8}}]})");
  ASSERT_TRUE(candidates.has_value()) << candidates.error().message;
  ASSERT_EQ(candidates->size(), 3u);
  EXPECT_EQ((*candidates)[0].company.name, "A");
  EXPECT_EQ((*candidates)[0].company.country, "FR");
  EXPECT_EQ((*candidates)[0].company.registration_number, "1");
  EXPECT_EQ((*candidates)[0].match_grade, "AAAAAAAAFAA");
  auto at_8 = BestCandidates(*candidates, 8);
  ASSERT_EQ(at_8.size(), 2u);  // ambiguous: two at 9
  EXPECT_EQ(at_8[0].id, "111111111");
  EXPECT_EQ(at_8[1].id, "222222222");
  EXPECT_TRUE(BestCandidates(*candidates, 10).empty());
  EXPECT_TRUE(ParseCandidates(R"({"candidatesMatchedQuantity":0})")->empty());
  EXPECT_TRUE(ParseCandidates(R"({"matchCandidates":[]})")->empty());
  EXPECT_FALSE(ParseCandidates(R"({"candidatesMatchedQuantity":2})").has_value());
}

TEST(DnbNotifications, EachDunsOncePerPage) {
  auto page = ParseNotifications(
      R"({"transactionDetail":{"transactionTimestamp":"2026-12-07T10:00:00.000Z"},"inquiryDetail":{"reference":"r"},)"
      R"("notifications":[{"type":"UPDATE","organization":{"duns":"111111111"}},)"
      R"({"organization":{"duns":"222222222"}},{"duns":"111111111"},{"duns":"333333333"}]})");
  ASSERT_TRUE(page.has_value()) << page.error().message;
  EXPECT_EQ(page->duns, (std::vector<std::string>{"111111111", "222222222", "333333333"}));
  EXPECT_EQ(page->notifications, 4u);
  EXPECT_EQ(page->timestamp, "2026-12-07T10:00:00.000Z");
  EXPECT_FALSE(ParseNotifications(R"({"transactionDetail":{}})").has_value());
}

}  // namespace
}  // namespace tributary::connectors::dnb
