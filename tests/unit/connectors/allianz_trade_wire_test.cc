// Reading Allianz Trade's answers: cover items (statuses, exact amounts as integers or
// strings, conditions, a temporary part), jobs, error bodies.
#include <gtest/gtest.h>

#include "connectors/allianz_trade/allianz_trade_wire.h"

namespace tributary::connectors::allianz_trade::wire {
namespace {

std::string Item(const std::string& status, const std::string& decision) {
  return R"({"coverId":881,"coverTypeCode":"CreditLimit","coverStatusCode":")" + status +
         R"(","currencyCode":"JPY","requestedAmount":"5000000","company":{"companyId":99184313},"decision":)" +
         decision + "}";
}

TEST(AllianzTradeWireTest, ReadsACoverExactly) {
  auto cover = ParseCover(
      R"({"coverId":881,"coverTypeCode":"CreditLimit","coverStatusCode":"Agreement","currencyCode":"EUR",
          "requestedAmount":50000,"customerReference":"job-1",
          "company":{"companyId":99184313,"legalData":{"companyName":"DUPONT"},"address":{"countryCode":"FR"}},
          "decision":{"decisionDate":"2026-12-01","effectiveDate":"2026-12-02","expiryDate":"2027-06-30",
                      "permanent":{"permanentAmount":"45000.00"},
                      "temporary":{"temporaryAmount":10000,"endDate":"2027-01-31"},
                      "conditions":[{"description":"Subject to a guarantee"}],"reasonLabel":"Partial"}})",
      "5121840");
  ASSERT_TRUE(cover.has_value()) << cover.error().message;
  EXPECT_EQ(cover->policy, "5121840");
  EXPECT_EQ(cover->cover_id, "881");
  EXPECT_EQ(cover->buyer.id, "99184313");
  EXPECT_EQ(cover->buyer.name, "DUPONT");
  EXPECT_EQ(cover->reference, "job-1");
  EXPECT_EQ(cover->cover_type, "credit-limit");
  EXPECT_EQ(cover->state, kit::CoverState::kDecided);
  EXPECT_EQ(cover->requested_minor, 5'000'000);
  EXPECT_EQ(cover->granted_minor, 4'500'000);
  EXPECT_EQ(cover->decided_at, "2026-12-01T00:00:00Z");
  EXPECT_EQ(cover->effective_from, "2026-12-02");
  EXPECT_EQ(cover->expires_at, "2027-06-30");
  EXPECT_EQ(cover->conditions, "Subject to a guarantee; temporary increase of 10000.00 EUR until 2027-01-31");
  EXPECT_EQ(cover->reason, "Partial");
}

TEST(AllianzTradeWireTest, StatusesMapToCoverStates) {
  auto pending = ParseCover(Item("Pending", "null"), "P");
  ASSERT_TRUE(pending.has_value()) << pending.error().message;
  EXPECT_EQ(pending->state, kit::CoverState::kReferred);
  EXPECT_FALSE(pending->granted_minor.has_value());
  EXPECT_EQ(pending->requested_minor, 5'000'000);  // JPY has no minor unit

  auto refused = ParseCover(Item("Refusal", R"({"reasonLabel":"No information"})"), "P");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->state, kit::CoverState::kDecided);
  EXPECT_EQ(refused->granted_minor, 0);
  auto cancelled = ParseCover(Item("Cancelled", "{}"), "P");
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_EQ(cancelled->state, kit::CoverState::kCancelled);
  auto withdrawn = ParseCover(Item("Withdrawn", "{}"), "P");
  ASSERT_TRUE(withdrawn.has_value());
  EXPECT_EQ(withdrawn->state, kit::CoverState::kWithdrawn);
}

TEST(AllianzTradeWireTest, RefusesWhatItCannotReadExactly) {
  auto unknown = ParseCover(Item("Maybe", "{}"), "P");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kParse);
  EXPECT_EQ(unknown.error().message, "the Allianz Trade cover \"881\" has an unknown coverStatusCode \"Maybe\"");

  auto fraction = ParseCover(Item("Agreement", R"({"permanent":{"permanentAmount":1000.5}})"), "P");
  ASSERT_FALSE(fraction.has_value());
  EXPECT_EQ(fraction.error().code, ErrorCode::kParse);
  EXPECT_NE(fraction.error().message.find("is not an exact amount"), std::string::npos) << fraction.error().message;

  auto cents = ParseCover(Item("Agreement", R"({"permanent":{"permanentAmount":"1000.50"}})"), "P");
  ASSERT_FALSE(cents.has_value());  // JPY has no cents
  EXPECT_EQ(cents.error().code, ErrorCode::kParse);

  auto no_amount = ParseCover(Item("Agreement", "{}"), "P");
  ASSERT_FALSE(no_amount.has_value());
  EXPECT_EQ(no_amount.error().code, ErrorCode::kParse);

  auto no_company = ParseCover(R"({"coverId":"1","coverStatusCode":"Pending","currencyCode":"EUR"})", "P");
  ASSERT_FALSE(no_company.has_value());

  auto bad_currency = ParseCover(R"({"coverId":"1","coverStatusCode":"Pending","currencyCode":"EURO",
                                    "company":{"companyId":"7"}})", "P");
  ASSERT_FALSE(bad_currency.has_value());
  EXPECT_EQ(bad_currency.error().code, ErrorCode::kParse);

  auto not_a_list = ParseCovers(R"({"covers":[]})", "P");
  ASSERT_FALSE(not_a_list.has_value());
  EXPECT_EQ(not_a_list.error().code, ErrorCode::kParse);
}

TEST(AllianzTradeWireTest, JobsAndErrors) {
  auto accepted = ParseJobAccepted(R"({"jobId":"job-7","status":"pending"})");
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(*accepted, "job-7");
  EXPECT_FALSE(ParseJobAccepted("{}").has_value());

  auto failed = ParseJob(R"({"jobId":"job-7","status":"failed","errors":[{"code":"A","message":"First."},
                                                                        {"code":"B","message":"Second."}]})");
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->status, JobStatus::kFailed);
  EXPECT_EQ(failed->errors, "First.; Second.");
  auto processed = ParseJob(R"({"jobId":"job-7","status":"processed","coverId":881})");
  ASSERT_TRUE(processed.has_value());
  EXPECT_EQ(processed->status, JobStatus::kProcessed);
  EXPECT_EQ(processed->cover_id, "881");
  EXPECT_FALSE(ParseJob(R"({"jobId":"job-7","status":"lost"})").has_value());

  EXPECT_EQ(DescribeRefusal({.status = 422, .body = R"({"errors":[{"code":"X","message":"No."}]})"}), "HTTP 422: No.");
  EXPECT_EQ(DescribeRefusal({.status = 500, .body = "<html>"}), "HTTP 500");
}

TEST(AllianzTradeWireTest, RequestBodiesAreWholeUnits) {
  kit::CoverRequest request{.policy = "P", .buyer = {.id = "7"}, .currency = "EUR", .amount_minor = 1'234'500,
                            .reference = "job-1"};
  auto body = CoverRequestBody(request, "ACI");
  ASSERT_TRUE(body.has_value());
  EXPECT_NE(body->find(R"("amount":12345)"), std::string::npos) << *body;
  request.amount_minor = 1'234'550;
  auto cents = CoverRequestBody(request, "ACI");
  ASSERT_FALSE(cents.has_value());
  EXPECT_EQ(cents.error().message, "Allianz Trade takes whole amounts of EUR, not 12345.50");
  EXPECT_EQ(AuthorizeBody("a", "b:c"), R"({"apiKey":"YTpiOmM="})");
}

}  // namespace
}  // namespace tributary::connectors::allianz_trade::wire
