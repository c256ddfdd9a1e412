// Reading and writing the Atradius wire: covers (exact amounts, states, conditions), the
// request bodies, buyer identifiers and error bodies.
#include <gtest/gtest.h>

#include "connectors/atradius/atradius_wire.h"

namespace tributary::connectors::atradius::wire {
namespace {

TEST(AtradiusWireTest, ReadsADecidedCover) {
  auto cover = ParseCover(R"({"coverId":"C1","policyId":"5012345","buyerId":70001,"buyerName":"LE JULES VERNE",
      "coverType":"credit-limit","coverStatus":"DECISION","customerRefNumber":"job-1","currencyCode":"EUR",
      "creditLimitApplicationAmountInPolicyCurrency":50000,
      "totalDecision":{"decisionAmtInPolicyCurrency":"45000.50","decisionDate":"2026-12-07T10:00:00",
                       "decisionEffectiveDate":"2026-12-07","decisionReasonDescription":"Partly"},
      "firstAmtDecision":{"decisionAmtInPolicyCurrency":40000,"decisionExpiryDate":"2027-03-31T00:00:00",
                          "decisionConditions":[{"conditionDescription":"60 days max"}]},
      "secondAmtDecision":{"decisionAmtInPolicyCurrency":"5000.50",
                           "decisionConditions":[{"conditionDescription":"Retention of title"}]}})",
                          "GBP");
  ASSERT_TRUE(cover.has_value()) << cover.error().message;
  EXPECT_EQ(cover->cover_id, "C1");
  EXPECT_EQ(cover->buyer.id, "70001");
  EXPECT_EQ(cover->buyer.name, "LE JULES VERNE");
  EXPECT_EQ(cover->state, kit::CoverState::kDecided);
  EXPECT_EQ(cover->currency, "EUR");
  EXPECT_EQ(cover->requested_minor, 5000000);
  EXPECT_EQ(cover->granted_minor, 4500050);
  EXPECT_EQ(cover->decided_at, "2026-12-07T10:00:00Z");
  EXPECT_EQ(cover->effective_from, "2026-12-07");
  EXPECT_EQ(cover->expires_at, "2027-03-31");
  EXPECT_EQ(cover->conditions, "60 days max; Retention of title");
  EXPECT_EQ(cover->reason, "Partly");
}

TEST(AtradiusWireTest, WithoutATotalThePartsAddUp) {
  auto cover = ParseCover(R"({"coverStatus":"DECISION","firstAmtDecision":{"decisionAmtInPolicyCurrency":40000},
      "secondAmtDecision":{"decisionAmtInPolicyCurrency":5000}})",
                          "EUR");
  ASSERT_TRUE(cover.has_value()) << cover.error().message;
  EXPECT_EQ(cover->granted_minor, 4500000);
  EXPECT_EQ(cover->currency, "EUR");  // the policy's, when the cover does not say
}

TEST(AtradiusWireTest, StatesAndWhatTheyHold) {
  auto referred = ParseCover(R"({"coverStatus":"REFERRED","creditLimitApplicationAmountInPolicyCurrency":10000})", "EUR");
  ASSERT_TRUE(referred.has_value());
  EXPECT_EQ(referred->state, kit::CoverState::kReferred);
  EXPECT_FALSE(referred->granted_minor.has_value());
  auto withdrawn = ParseCover(
      R"({"coverStatus":"WITHDRAWN","totalDecision":{"decisionAmtInPolicyCurrency":10000}})", "EUR");
  ASSERT_TRUE(withdrawn.has_value());
  EXPECT_EQ(withdrawn->state, kit::CoverState::kWithdrawn);
  EXPECT_EQ(withdrawn->granted_minor, 0);
  auto cancelled = ParseCover(R"({"coverStatus":"CANCELLED"})", "EUR");
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_EQ(cancelled->state, kit::CoverState::kCancelled);
  auto unknown = ParseCover(R"({"coverId":"C9","coverStatus":"PENDING"})", "EUR");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().message,
            "the Atradius cover \"C9\" has the coverStatus \"PENDING\" (expected DECISION, REFERRED, CANCELLED or "
            "WITHDRAWN)");
}

TEST(AtradiusWireTest, AmountsAreNeverReadThroughADouble) {
  auto fraction = ParseCover(R"({"coverStatus":"DECISION","totalDecision":{"decisionAmtInPolicyCurrency":100.5}})", "EUR");
  ASSERT_FALSE(fraction.has_value());
  EXPECT_EQ(fraction.error().code, ErrorCode::kParse);
  EXPECT_EQ(fraction.error().message,
            "the Atradius totalDecision.decisionAmtInPolicyCurrency \"100.5\" is not an exact amount (a number with a "
            "fraction must come as a string)");
  auto too_fine = ParseCover(R"({"coverStatus":"DECISION","totalDecision":{"decisionAmtInPolicyCurrency":"100.555"}})",
                             "EUR");
  ASSERT_FALSE(too_fine.has_value());
  EXPECT_EQ(too_fine.error().code, ErrorCode::kParse);
  auto yen = ParseCover(R"({"coverStatus":"DECISION","currencyCode":"JPY",
      "totalDecision":{"decisionAmtInPolicyCurrency":9007199254740993}})",
                        "EUR");
  ASSERT_TRUE(yen.has_value()) << yen.error().message;
  EXPECT_EQ(yen->granted_minor, 9007199254740993);  // past 2^53: exact
  auto negative = ParseCover(R"({"coverStatus":"DECISION","totalDecision":{"decisionAmtInPolicyCurrency":-5}})", "EUR");
  ASSERT_FALSE(negative.has_value());
}

TEST(AtradiusWireTest, ListPagingFromMetaOrAFullPage) {
  auto with_meta = ParseCovers(R"({"data":[{"coverStatus":"CANCELLED"}],"meta":{"page":1,"totalPages":2}})", "EUR", 100);
  ASSERT_TRUE(with_meta.has_value());
  EXPECT_TRUE(with_meta->more);
  auto last = ParseCovers(R"({"data":[],"meta":{"page":2,"totalPages":2}})", "EUR", 100);
  ASSERT_TRUE(last.has_value());
  EXPECT_FALSE(last->more);
  auto full = ParseCovers(R"({"data":[{"coverStatus":"CANCELLED"},{"coverStatus":"CANCELLED"}]})", "EUR", 2);
  ASSERT_TRUE(full.has_value());
  EXPECT_TRUE(full->more);
  EXPECT_FALSE(ParseCovers(R"({"data":{}})", "EUR", 2).has_value());
}

TEST(AtradiusWireTest, RequestBodies) {
  kit::CoverRequest request{.policy = "P1", .buyer = {.id = "B1"}, .currency = "EUR", .amount_minor = 2000000,
                            .reference = "job-1"};
  EXPECT_EQ(ChangeOf(request), CoverChange::kNew);
  EXPECT_EQ(MethodOf(CoverChange::kNew), "POST");
  EXPECT_EQ(CoverBody("C1", request, CoverChange::kNew).value(),
            R"({"customerId":"C1","policyId":"P1","buyerId":"B1","coverType":"credit-limit",)"
            R"("creditLimitAmount":20000,"currencyCode":"EUR","customerRefNumber":"job-1"})");
  request.in_force = kit::Cover{.cover_id = "X9", .cover_type = "credit-check", .granted_minor = 500000};
  EXPECT_EQ(ChangeOf(request), CoverChange::kSupersede);
  EXPECT_EQ(MethodOf(CoverChange::kSupersede), "PUT");
  EXPECT_EQ(CoverBody("C1", request, CoverChange::kSupersede).value(),
            R"({"action":"supersede","coverId":"X9","customerId":"C1","policyId":"P1","buyerId":"B1",)"
            R"("coverType":"credit-check","creditLimitAmount":20000,"currencyCode":"EUR","customerRefNumber":"job-1"})");
  request.amount_minor = 100000;
  EXPECT_EQ(ChangeOf(request), CoverChange::kReduce);
  request.amount_minor = 0;
  EXPECT_EQ(ChangeOf(request), CoverChange::kCancel);
  EXPECT_EQ(CoverBody("C1", request, CoverChange::kCancel).value(),
            R"({"action":"cancel","coverId":"X9","customerId":"C1","policyId":"P1","buyerId":"B1",)"
            R"("coverType":"credit-check","customerRefNumber":"job-1"})");
  request.amount_minor = 100050;
  auto cents = CoverBody("C1", request, CoverChange::kReduce);
  ASSERT_FALSE(cents.has_value());
  EXPECT_EQ(cents.error().message, "Atradius takes cover amounts in whole EUR, not 1000.50");
}

TEST(AtradiusWireTest, BuyerIdentifiers) {
  EXPECT_EQ(UidOf({.country = "FR", .registration_number = "494 814 452"})->uid, "494814452");
  EXPECT_EQ(UidOf({.country = "FR", .registration_number = "49481445200012"})->uid, "494814452");
  EXPECT_EQ(UidOf({.country = "FR", .registration_number = "49481445200012"})->uid_type, "SN");
  EXPECT_EQ(UidOf({.country = "DE", .registration_number = "HRB 12345"})->uid_type, "CRN");
  EXPECT_EQ(UidOf({.country = "DE", .vat_number = "DE123456789"})->uid_type, "VAT");
  EXPECT_EQ(UidOf({.country = "US", .duns = "123456789"})->uid_type, "DUNS");
  EXPECT_FALSE(UidOf({.country = "FR", .name = "ACME"}).has_value());
  EXPECT_EQ(BuyersTarget("C 1", "P1", "FRA", {.uid = "A&B", .uid_type = "CRN"}),
            "/credit-insurance/organisation-management/v1/buyers?customerId=C%201&policyId=P1&country=FRA&uid=A%26B"
            "&uidType=CRN");
}

TEST(AtradiusWireTest, TokenAnswers) {
  auto answer = ParseToken(R"({"data":{"access_token":"T1","expires_in":1800}})");
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->access_token, "T1");
  EXPECT_EQ(answer->expires_in, 1800);
  EXPECT_EQ(ParseToken(R"({"data":{"access_token":"T1"},"expires_in":"900"})")->expires_in, 900);
  EXPECT_EQ(ParseToken(R"({"data":{"access_token":"T1"}})")->expires_in, 3600);
  EXPECT_FALSE(ParseToken(R"({"access_token":"T1"})").has_value());
  const http::Request request = TokenRequest("https://api.atradius.com", "K", "id", "secret");
  EXPECT_EQ(request.target, "https://api.atradius.com/authenticate/v2/tokens");
  EXPECT_EQ(http::FindHeader(request.headers, "Atradius-App-Key"), "K");
  EXPECT_EQ(http::FindHeader(request.headers, "Authorization"), "Basic aWQ6c2VjcmV0");
}

TEST(AtradiusWireTest, ErrorBodies) {
  const http::Response response{
      .status = 400,
      .body = R"({"errors":[{"detail":"Credit limit/credit check already exists for this buyer.",)"
              R"("source":{"parameter":"buyerId"}},{"detail":"Second"}]})"};
  EXPECT_EQ(ErrorDetails(response.body), "Credit limit/credit check already exists for this buyer.; Second");
  EXPECT_EQ(DescribeRefusal(response),
            "HTTP 400: Credit limit/credit check already exists for this buyer.; Second (parameter buyerId)");
  EXPECT_EQ(DescribeRefusal({.status = 500, .body = "<html>"}), "HTTP 500");
  EXPECT_EQ(ErrorDetails("{}"), "");
}

TEST(AtradiusWireTest, FeedDates) {
  EXPECT_EQ(FromDate(std::chrono::sys_days{std::chrono::year{2026} / 12 / 7} + std::chrono::hours(21) +
                     std::chrono::minutes(5) + std::chrono::seconds(9)),
            "2026-12-07T21:05:09");
  EXPECT_EQ(CoversTarget("C1", "P1", {.buyer_id = "B1"}),
            "/credit-insurance/cover-management/v1/covers?customerId=C1&policyId=P1&buyerId=B1");
  EXPECT_EQ(CoversTarget("C1", "P1", {.from_date = "2026-12-07T21:05:09", .page = 2}),
            "/credit-insurance/cover-management/v1/covers?customerId=C1&policyId=P1&fromDate=2026-12-07T21%3A05%3A09"
            "&page=2&pageSize=100");
}

}  // namespace
}  // namespace tributary::connectors::atradius::wire
