// The Atradius provider against the Atradius double: the token and its renewal, the buyer
// lookup, cover requests and their follow-up on the fake clock, changes of a cover in
// force, Atradius's refusals, the covers list and the decision feed.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/testing/wait.h"
#include "tests/unit/connectors/atradius_fixture.h"

namespace tributary::connectors::atradius::test {
namespace {

using namespace std::chrono_literals;
using tributary::testing::UnderwriterScript;

class AtradiusProviderTest : public AtradiusFixture {};

TEST_F(AtradiusProviderTest, FindsOneBuyerBySirenWithAnAlpha3Country) {
  auto provider = MakeProvider();
  auto matches = provider->FindBuyer(Siren("494814452"), {});
  ASSERT_TRUE(matches.has_value()) << matches.error().message;
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ(matches->front().id, kJulesVerne);
  EXPECT_EQ(matches->front().name, "LE JULES VERNE");
  EXPECT_EQ(matches->front().country, "FR");
  EXPECT_EQ(matches->front().registration_number, "494814452");
  const auto requests = double_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].kind, "token");
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/authenticate/v2/tokens");
  EXPECT_EQ(http::FindHeader(requests[0].headers, "Atradius-App-Key"), "double-app-key-0001");
  EXPECT_EQ(http::FindHeader(requests[0].headers, "Authorization"), kit::BasicAuthorization("tributary-client", "Double-Secret-1"));
  EXPECT_EQ(requests[1].path, "/credit-insurance/organisation-management/v1/buyers");
  EXPECT_EQ(requests[1].query, "customerId=1234567&policyId=5012345&country=FRA&uid=494814452&uidType=SN");
  EXPECT_EQ(http::FindHeader(requests[1].headers, "Atradius-App-Key"), "double-app-key-0001");
  EXPECT_TRUE(http::FindHeader(requests[1].headers, "Authorization").starts_with("Bearer atr-"));
}

TEST_F(AtradiusProviderTest, ASiretIsAskedForAsItsSirenAndAVatAsVat) {
  double_->AddBuyer({.buyer_id = "70002", .name = "VAT ONLY SA", .uid = "FR85494814452", .uid_type = "VAT"});
  auto provider = MakeProvider();
  auto by_siret = provider->FindBuyer({.country = "FR", .registration_number = "49481445200012"}, {});
  ASSERT_TRUE(by_siret.has_value()) << by_siret.error().message;
  ASSERT_EQ(by_siret->size(), 1u);
  auto by_vat = provider->FindBuyer({.country = "fr", .vat_number = "FR85494814452"}, {});
  ASSERT_TRUE(by_vat.has_value()) << by_vat.error().message;
  ASSERT_EQ(by_vat->size(), 1u);
  EXPECT_EQ(by_vat->front().id, "70002");
  EXPECT_EQ(by_vat->front().vat_number, "FR85494814452");
  EXPECT_EQ(double_->requests().back().query,
            "customerId=1234567&policyId=5012345&country=FRA&uid=FR85494814452&uidType=VAT");
}

TEST_F(AtradiusProviderTest, NoBuyerMatchIsAnEmptyResult) {
  auto provider = MakeProvider();
  auto matches = provider->FindBuyer(Siren("111111111"), {});
  ASSERT_TRUE(matches.has_value()) << matches.error().message;
  EXPECT_TRUE(matches->empty());
  EXPECT_EQ(double_->CountRequests("buyers", 404), 1);
}

TEST_F(AtradiusProviderTest, SeveralBuyersAreAllReturned) {
  double_->AddBuyer({.buyer_id = "70003", .name = "LE JULES VERNE (OLD)", .uid = "494814452", .status = "INACTIVE"});
  auto provider = MakeProvider();
  auto matches = provider->FindBuyer(Siren("494814452"), {});
  ASSERT_TRUE(matches.has_value()) << matches.error().message;
  ASSERT_EQ(matches->size(), 2u);
  EXPECT_EQ((*matches)[1].status, "INACTIVE");
}

TEST_F(AtradiusProviderTest, AQueryAtradiusCannotAskIsRefusedWithoutACall) {
  auto provider = MakeProvider();
  auto by_name = provider->FindBuyer({.country = "FR", .name = "JULES VERNE"}, {});
  ASSERT_FALSE(by_name.has_value());
  EXPECT_EQ(by_name.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(by_name.error().message,
            "Atradius finds buyers by a legal identifier, not by name \"JULES VERNE\"; give a registration number, "
            "a VAT number or a DUNS number");
  auto bad_country = provider->FindBuyer({.country = "UK", .registration_number = "01234567"}, {});
  ASSERT_FALSE(bad_country.has_value());
  EXPECT_EQ(bad_country.error().message, "the country \"UK\" is not an ISO 3166-1 alpha-2 code");
  EXPECT_EQ(double_->requests().size(), 0u);
}

TEST_F(AtradiusProviderTest, AnExpiredTokenIsRenewed) {
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->FindBuyer(Siren("494814452"), {}).has_value());
  // Past the hour: a new token before the call.
  clock_.Advance(2h);
  ASSERT_TRUE(provider->FindBuyer(Siren("494814452"), {}).has_value());
  EXPECT_EQ(double_->CountRequests("token", 200), 2);
  // Revoked at Atradius: the call answers 401, one new token, the call again.
  double_->RevokeTokens();
  auto again = provider->FindBuyer(Siren("494814452"), {});
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(double_->CountRequests("token", 200), 3);
  EXPECT_EQ(double_->CountRequests("buyers", 401), 1);
}

TEST_F(AtradiusProviderTest, BadCredentialsAreRefusedAndNeverRetried) {
  settings_.client_secret.value = "wrong-secret";
  auto provider = MakeProvider();
  auto first = provider->FindBuyer(Siren("494814452"), {});
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().code, ErrorCode::kRejected);
  EXPECT_NE(first.error().message.find("Atradius /authenticate/v2/tokens refused the app key and client credentials "
                                       "(HTTP 401: Invalid client credentials (parameter Authorization))"),
            std::string::npos)
      << first.error().message;
  EXPECT_EQ(first.error().message.find("wrong-secret"), std::string::npos);
  auto second = provider->FindBuyer(Siren("494814452"), {});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kRejected);
  EXPECT_EQ(double_->CountRequests("token"), 1);
  EXPECT_EQ(double_->CountRequests("buyers"), 0);
}

TEST_F(AtradiusProviderTest, ThrottlingThenSuccess) {
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->FindBuyer(Siren("494814452"), {}).has_value());
  double_->FailNext(2, 429, 1);
  auto matches = provider->FindBuyer(Siren("494814452"), {});
  ASSERT_TRUE(matches.has_value()) << matches.error().message;
  EXPECT_EQ(double_->CountRequests("buyers", 429), 2);
  EXPECT_EQ(double_->CountRequests("buyers", 200), 2);
}

TEST_F(AtradiusProviderTest, ASubmitDecidedAtOnce) {
  auto provider = MakeProvider();
  kit::CoverRequest request = RequestOn(kJulesVerne, 50000, "job-1");
  request.comment = "New customer";
  auto submission = provider->Submit(request, {});
  ASSERT_TRUE(submission.has_value()) << submission.error().message;
  const kit::Cover& cover = submission->cover;
  EXPECT_EQ(cover.state, kit::CoverState::kDecided);
  EXPECT_EQ(cover.granted_minor, 5000000);
  EXPECT_EQ(cover.requested_minor, 5000000);
  EXPECT_EQ(cover.currency, "EUR");
  EXPECT_EQ(cover.reference, "job-1");
  EXPECT_EQ(cover.policy, "5012345");
  EXPECT_EQ(cover.buyer.id, kJulesVerne);
  EXPECT_EQ(cover.cover_type, "credit-limit");
  EXPECT_FALSE(cover.cover_id.empty());
  EXPECT_EQ(submission->tracking, cover.cover_id);
  EXPECT_FALSE(cover.decided_at.empty());
  EXPECT_TRUE(cover.decided_at.ends_with("Z"));
  const auto sent = double_->requests().back();
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.path, "/credit-insurance/cover-management/v1/covers");
  EXPECT_EQ(sent.status, 201);
  EXPECT_EQ(sent.body,
            R"({"customerId":"1234567","policyId":"5012345","buyerId":"70001","coverType":"credit-limit",)"
            R"("creditLimitAmount":50000,"currencyCode":"EUR","customerRefNumber":"job-1","comment":"New customer"})");
  EXPECT_EQ(double_->submits(), 1);
}

TEST_F(AtradiusProviderTest, AReferredRequestIsFollowedUntilTheUnderwriterDecides) {
  double_->Script(kJulesVerne, {.refer_days = 3, .outcome = UnderwriterScript::Outcome::kPartial, .amount = 30000,
                                .reason = "Limited financial information"});
  auto provider = MakeProvider();
  const kit::CoverRequest request = RequestOn(kJulesVerne, 50000, "job-2");
  auto submission = provider->Submit(request, {});
  ASSERT_TRUE(submission.has_value()) << submission.error().message;
  EXPECT_EQ(submission->cover.state, kit::CoverState::kReferred);
  EXPECT_FALSE(submission->cover.granted_minor.has_value());
  EXPECT_EQ(double_->requests().back().status, 202);
  ASSERT_FALSE(submission->tracking.empty());

  clock_.Advance(48h);
  auto waiting = provider->Follow(request, submission->tracking, {});
  ASSERT_TRUE(waiting.has_value()) << waiting.error().message;
  EXPECT_EQ(waiting->state, kit::CoverState::kReferred);

  clock_.Advance(25h);
  auto decided = provider->Follow(request, submission->tracking, {});
  ASSERT_TRUE(decided.has_value()) << decided.error().message;
  EXPECT_EQ(decided->state, kit::CoverState::kDecided);
  EXPECT_EQ(decided->granted_minor, 3000000);
  EXPECT_EQ(decided->requested_minor, 5000000);
  EXPECT_EQ(decided->reason, "Limited financial information");
  EXPECT_EQ(decided->reference, "job-2");
  EXPECT_EQ(double_->submits(), 1);
}

TEST_F(AtradiusProviderTest, AConditionalDecisionWithAnExpiryAndARefusal) {
  double_->AddBuyer({.buyer_id = "70004", .name = "REFUSED SARL", .uid = "222222222"});
  double_->Script(kJulesVerne, {.refer_days = 1,
                                .outcome = UnderwriterScript::Outcome::kConditional,
                                .conditions = {"Subject to payment terms of 60 days maximum", "Retention of title"},
                                .expiry = "2027-06-30"});
  double_->Script("70004", {.refer_days = 2, .outcome = UnderwriterScript::Outcome::kZero, .reason = "Insolvency"});
  auto provider = MakeProvider();
  const kit::CoverRequest conditional = RequestOn(kJulesVerne, 20000, "job-3");
  const kit::CoverRequest refused = RequestOn("70004", 10000, "job-4");
  auto first = provider->Submit(conditional, {});
  auto second = provider->Submit(refused, {});
  ASSERT_TRUE(first.has_value() && second.has_value());
  clock_.Advance(72h);
  auto decided = provider->Follow(conditional, first->tracking, {});
  ASSERT_TRUE(decided.has_value()) << decided.error().message;
  EXPECT_EQ(decided->granted_minor, 2000000);
  EXPECT_EQ(decided->expires_at, "2027-06-30");
  EXPECT_EQ(decided->conditions, "Subject to payment terms of 60 days maximum; Retention of title");
  auto zero = provider->Follow(refused, second->tracking, {});
  ASSERT_TRUE(zero.has_value()) << zero.error().message;
  EXPECT_EQ(zero->state, kit::CoverState::kDecided);
  EXPECT_EQ(zero->granted_minor, 0);
  EXPECT_EQ(zero->reason, "Insolvency");
}

TEST_F(AtradiusProviderTest, SupersedeReduceAndCancelTheCoverInForce) {
  auto provider = MakeProvider();
  auto first = provider->Submit(RequestOn(kJulesVerne, 50000, "job-5"), {});
  ASSERT_TRUE(first.has_value()) << first.error().message;

  kit::CoverRequest increase = RequestOn(kJulesVerne, 80000, "job-6");
  increase.in_force = first->cover;
  auto superseded = provider->Submit(increase, {});
  ASSERT_TRUE(superseded.has_value()) << superseded.error().message;
  EXPECT_EQ(superseded->cover.granted_minor, 8000000);
  EXPECT_EQ(superseded->cover.cover_id, first->cover.cover_id);
  nlohmann::json sent = nlohmann::json::parse(double_->requests().back().body);
  EXPECT_EQ(double_->requests().back().method, "PUT");
  EXPECT_EQ(sent["action"], "supersede");
  EXPECT_EQ(sent["coverId"], first->cover.cover_id);
  EXPECT_EQ(sent["creditLimitAmount"], 80000);
  EXPECT_EQ(sent["customerRefNumber"], "job-6");

  kit::CoverRequest decrease = RequestOn(kJulesVerne, 20000, "job-7");
  decrease.in_force = superseded->cover;
  auto reduced = provider->Submit(decrease, {});
  ASSERT_TRUE(reduced.has_value()) << reduced.error().message;
  EXPECT_EQ(reduced->cover.state, kit::CoverState::kDecided);
  EXPECT_EQ(reduced->cover.granted_minor, 2000000);
  EXPECT_EQ(nlohmann::json::parse(double_->requests().back().body)["action"], "reduce");

  kit::CoverRequest cancel = RequestOn(kJulesVerne, 0, "job-8");
  cancel.in_force = reduced->cover;
  auto cancelled = provider->Submit(cancel, {});
  ASSERT_TRUE(cancelled.has_value()) << cancelled.error().message;
  EXPECT_EQ(cancelled->cover.state, kit::CoverState::kCancelled);
  EXPECT_EQ(cancelled->cover.granted_minor, 0);
  sent = nlohmann::json::parse(double_->requests().back().body);
  EXPECT_EQ(sent["action"], "cancel");
  EXPECT_FALSE(sent.contains("creditLimitAmount"));
  EXPECT_FALSE(double_->CoverOf(kJulesVerne).has_value());
  EXPECT_EQ(double_->submits(), 4);
}

TEST_F(AtradiusProviderTest, ValidationRefusalsCarryAtradiusText) {
  auto provider = MakeProvider();
  auto odd = provider->Submit(RequestOn(kJulesVerne, 12500, "job-9"), {});
  ASSERT_FALSE(odd.has_value());
  EXPECT_EQ(odd.error().code, ErrorCode::kRejected);
  EXPECT_EQ(odd.error().message, "Credit limit amount must be a multiple of 1000.");

  ASSERT_TRUE(provider->Submit(RequestOn(kJulesVerne, 10000, "job-10"), {}).has_value());
  auto twice = provider->Submit(RequestOn(kJulesVerne, 20000, "job-11"), {});
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::kRejected);
  EXPECT_EQ(twice.error().message, "Credit limit/credit check already exists for this buyer.");

  auto unknown = provider->Submit(RequestOn("99999", 10000, "job-12"), {});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kRejected);
  EXPECT_EQ(unknown.error().message, "No buyer match found");
  EXPECT_EQ(double_->submits(), 1);
}

TEST_F(AtradiusProviderTest, AReductionBelowWhatAtradiusNowHoldsIsRefusedWithItsText) {
  auto provider = MakeProvider();
  auto first = provider->Submit(RequestOn(kJulesVerne, 50000, "job-13"), {});
  ASSERT_TRUE(first.has_value());
  double_->Reduce(kJulesVerne, 10000);  // Atradius cut it meanwhile; the gateway still thinks 50000
  kit::CoverRequest increase = RequestOn(kJulesVerne, 40000, "job-14");
  increase.in_force = first->cover;  // 50000 known: 40000 is sent as a reduction
  auto answer = provider->Submit(increase, {});
  ASSERT_FALSE(answer.has_value());
  EXPECT_EQ(answer.error().message, "Reduction amount must be below the current cover.");
}

TEST_F(AtradiusProviderTest, ASubmitIsSentOnceEvenWhenItsAnswerFails) {
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->FindBuyer(Siren("494814452"), {}).has_value());
  double_->FailNext(1, 503);
  auto answer = provider->Submit(RequestOn(kJulesVerne, 10000, "job-15"), {});
  ASSERT_FALSE(answer.has_value());
  EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(double_->CountRequests("submit"), 1);
}

TEST_F(AtradiusProviderTest, FindSubmissionFindsAHeldSendByItsReferenceWithoutSending) {
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->FindBuyer(Siren("494814452"), {}).has_value());
  double_->faults().Hold();
  const kit::CoverRequest request = RequestOn(kJulesVerne, 40000, "job-16");
  auto held = std::async(std::launch::async, [&] { return provider->Submit(request, {}); });
  ASSERT_TRUE(tributary::testing::WaitUntil([&] { return double_->faults().held_calls() >= 1; }, 10s));

  // After a crash: another provider (the daemon's next run) asks before it sends.
  auto again = MakeProvider();
  auto found = again->FindSubmission(request, {});
  ASSERT_TRUE(found.has_value()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->cover.reference, "job-16");
  EXPECT_EQ((*found)->cover.state, kit::CoverState::kDecided);
  EXPECT_EQ((*found)->cover.granted_minor, 4000000);
  EXPECT_EQ((*found)->tracking, (*found)->cover.cover_id);
  auto unknown = again->FindSubmission(RequestOn(kJulesVerne, 40000, "job-unknown"), {});
  ASSERT_TRUE(unknown.has_value()) << unknown.error().message;
  EXPECT_FALSE(unknown->has_value());
  EXPECT_EQ(double_->CountRequests("submit"), 1);
  EXPECT_EQ(double_->submits(), 1);

  double_->faults().Release();
  ASSERT_TRUE(held.get().has_value());
}

TEST_F(AtradiusProviderTest, CoversAreReadPageByPage) {
  for (int i = 0; i < 230; ++i) {
    const std::string id = std::to_string(80000 + i);
    double_->AddBuyer({.buyer_id = id, .name = "BUYER " + std::to_string(i), .uid = std::to_string(300000000 + i)});
    double_->AddCover(id, 5000);
  }
  auto provider = MakeProvider();
  std::vector<kit::Cover> covers;
  std::string cursor;
  int pages = 0;
  do {
    auto page = provider->Covers("5012345", cursor, {});
    ASSERT_TRUE(page.has_value()) << page.error().message;
    for (auto& cover : page->covers) covers.push_back(std::move(cover));
    cursor = page->next_cursor;
    ++pages;
    if (!page->more) break;
  } while (pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(covers.size(), 230u);
  EXPECT_EQ(covers.front().granted_minor, 500000);
  EXPECT_EQ(covers.front().reference, "");
  EXPECT_EQ(covers.front().policy, "5012345");
  const auto requests = double_->requests();
  EXPECT_EQ(requests.back().query, "customerId=1234567&policyId=5012345&page=3&pageSize=100");
}

TEST_F(AtradiusProviderTest, AWithdrawalLeavesTheListAndShowsInTheFeed) {
  double_->AddBuyer({.buyer_id = "70005", .name = "CUT SA", .uid = "333333333"});
  double_->AddCover(kJulesVerne, 50000);
  double_->AddCover("70005", 30000);
  auto provider = MakeProvider();
  auto feed = provider->DecisionsSince("5012345", "", {});
  ASSERT_TRUE(feed.has_value()) << feed.error().message;
  EXPECT_EQ(feed->covers.size(), 2u);
  const std::string cursor = feed->next_cursor;
  EXPECT_EQ(cursor.size(), 19u);

  clock_.Advance(1h);
  double_->Withdraw(kJulesVerne, "Buyer in receivership");
  double_->Reduce("70005", 10000);
  auto list = provider->Covers("5012345", "", {});
  ASSERT_TRUE(list.has_value()) << list.error().message;
  ASSERT_EQ(list->covers.size(), 1u);
  EXPECT_EQ(list->covers.front().buyer.id, "70005");
  EXPECT_EQ(list->covers.front().granted_minor, 1000000);

  auto changes = provider->DecisionsSince("5012345", cursor, {});
  ASSERT_TRUE(changes.has_value()) << changes.error().message;
  ASSERT_EQ(changes->covers.size(), 2u);
  EXPECT_EQ(changes->covers[0].buyer.id, kJulesVerne);
  EXPECT_EQ(changes->covers[0].state, kit::CoverState::kWithdrawn);
  EXPECT_EQ(changes->covers[0].granted_minor, 0);
  EXPECT_EQ(changes->covers[0].reason, "Buyer in receivership");
  EXPECT_EQ(changes->covers[1].granted_minor, 1000000);
  EXPECT_EQ(changes->covers[1].reason, "Unilateral reduction");
  EXPECT_TRUE(double_->requests().back().query.find("&fromDate=" + kit::UrlEncode(cursor)) != std::string::npos)
      << double_->requests().back().query;
}

TEST_F(AtradiusProviderTest, AmountsWrittenAsStringsAreExact) {
  double_->AmountsAsStrings(true);
  auto provider = MakeProvider();
  auto submission = provider->Submit(RequestOn(kJulesVerne, 75000, "job-17"), {});
  ASSERT_TRUE(submission.has_value()) << submission.error().message;
  EXPECT_EQ(submission->cover.granted_minor, 7500000);
}

TEST_F(AtradiusProviderTest, AWrongAppKeyOnACallIsARefusal) {
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->FindBuyer(Siren("494814452"), {}).has_value());
  settings_.api_key.value = "another-key";
  // A second connector whose token is valid (shared store) but whose key is not.
  auto other = MakeProvider();
  auto refused = other->FindBuyer(Siren("494814452"), {});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kRejected);
  EXPECT_EQ(refused.error().message, "Atradius refused the buyer lookup of SIREN 494814452 in FR: HTTP 403: Invalid or "
                                     "missing Atradius-App-Key (parameter Atradius-App-Key)");
}

}  // namespace
}  // namespace tributary::connectors::atradius::test
