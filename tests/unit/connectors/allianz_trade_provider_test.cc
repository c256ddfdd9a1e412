// The Allianz Trade provider against the Allianz Trade double: the login and its renewal,
// the buyer search, cover requests decided at once or referred to the scripted
// underwriter, changes of a cover in force, the insurer's refusals in its own words, a
// send found again by its reference, the covers list and its pages, throttling.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/testing/wait.h"
#include "tests/unit/connectors/allianz_trade_fixture.h"

namespace tributary::connectors::allianz_trade::test {
namespace {

using tributary::testing::AllianzTradeUnderwriting;
using Outcome = tributary::testing::AllianzTradeUnderwriting::Outcome;

class AllianzTradeProviderTest : public AllianzTradeFixture {};

TEST_F(AllianzTradeProviderTest, LogsInWithTheApiKeyAndRenewsTheToken) {
  auto provider = MakeProvider();
  auto found = provider->FindBuyer({.country = "FR", .registration_number = "494814452", .registration_scheme = "SIREN"}, {});
  ASSERT_TRUE(found.has_value()) << found.error().message;
  const auto requests = double_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].kind, "authorize");
  EXPECT_EQ(nlohmann::json::parse(requests[0].body),
            (nlohmann::json{{"apiKey", "dHJpYnV0YXJ5QGV4YW1wbGUuY29tOkRvdWJsZTpQYXNzd29yZC0x"}}));
  EXPECT_EQ(requests[1].kind, "search");
  EXPECT_TRUE(http::FindHeader(requests[1].headers, "Authorization").starts_with("Bearer at-"));

  // A token past its hour is replaced before use.
  clock_.Advance(std::chrono::hours(2));
  ASSERT_TRUE(provider->FindBuyer({.country = "FR", .name = "DUPONT"}, {}).has_value());
  EXPECT_EQ(double_->CountRequests("authorize", 200), 2);
  EXPECT_EQ(double_->CountRequests("search", 401), 0);

  // A token the API refuses is renewed once, and the call goes through.
  double_->RevokeTokens();
  ASSERT_TRUE(provider->FindBuyer({.country = "FR", .name = "DUPONT"}, {}).has_value());
  EXPECT_EQ(double_->CountRequests("search", 401), 1);
  EXPECT_EQ(double_->CountRequests("authorize", 200), 3);
  EXPECT_EQ(double_->CountRequests("search", 200), 3);
}

TEST_F(AllianzTradeProviderTest, BadCredentialsAreRefusedOnceAndNeverRetried) {
  settings_.password = {.value = "wrong"};
  auto provider = MakeProvider();
  auto found = provider->FindBuyer({.country = "FR", .name = "DUPONT"}, {});
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code, ErrorCode::kRejected);
  EXPECT_NE(found.error().message.find("refused the login and password (HTTP 401: Invalid API key)"), std::string::npos)
      << found.error().message;
  EXPECT_EQ(found.error().message.find("wrong"), std::string::npos);
  auto again = provider->FindBuyer({.country = "FR", .name = "DUPONT"}, {});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kRejected);
  EXPECT_EQ(double_->CountRequests("authorize"), 1);
  EXPECT_EQ(double_->CountRequests("search"), 0);
}

TEST_F(AllianzTradeProviderTest, FindsNoneOneOrSeveralBuyers) {
  double_->AddCompany({.company_id = "300001", .name = "ACME NORD SAS", .identifiers = {{"SIREN", "300000001"}}});
  double_->AddCompany({.company_id = "300002", .name = "ACME SUD SAS", .identifiers = {{"SIREN", "300000002"}}});
  auto provider = MakeProvider();

  auto one = provider->FindBuyer({.country = "FR", .registration_number = "494814452", .registration_scheme = "SIREN"}, {});
  ASSERT_TRUE(one.has_value()) << one.error().message;
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].id, kDupont);
  EXPECT_EQ((*one)[0].name, "DUPONT INDUSTRIES SA");
  EXPECT_EQ((*one)[0].country, "FR");
  EXPECT_EQ((*one)[0].registration_number, "494814452");
  EXPECT_EQ((*one)[0].vat_number, "FR85494814452");
  const auto body = nlohmann::json::parse(double_->requests().back().body);
  EXPECT_EQ(body["countryCode"], "FR");
  EXPECT_EQ(body["extendCountrySearch"], "false");
  EXPECT_EQ(body["companyIdentifiers"], (nlohmann::json::array({{{"idTypeCode", "SIREN"}, {"idValue", "494814452"}}})));

  auto by_vat = provider->FindBuyer({.country = "DE", .vat_number = "DE811569869"}, {});
  ASSERT_TRUE(by_vat.has_value());
  ASSERT_EQ(by_vat->size(), 1u);
  EXPECT_EQ((*by_vat)[0].id, kMartin);

  auto none = provider->FindBuyer({.country = "FR", .registration_number = "999999999"}, {});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  // The country is the buyer's: a German VAT number is not looked for in France.
  auto elsewhere = provider->FindBuyer({.country = "FR", .vat_number = "DE811569869"}, {});
  ASSERT_TRUE(elsewhere.has_value());
  EXPECT_TRUE(elsewhere->empty());

  auto many = provider->FindBuyer({.country = "FR", .name = "ACME"}, {});
  ASSERT_TRUE(many.has_value());
  ASSERT_EQ(many->size(), 2u);
  EXPECT_EQ((*many)[0].id, "300001");
  EXPECT_EQ((*many)[1].id, "300002");

  auto nothing = provider->FindBuyer({.country = "FR"}, {});
  ASSERT_FALSE(nothing.has_value());
  EXPECT_EQ(nothing.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(AllianzTradeProviderTest, ARequestDecidedAtOnce) {
  auto provider = MakeProvider();
  auto submitted = provider->Submit(Request(kDupont, 50000, "job-1"), {});
  ASSERT_TRUE(submitted.has_value()) << submitted.error().message;
  const kit::Cover& cover = submitted->cover;
  EXPECT_EQ(cover.state, kit::CoverState::kDecided);
  EXPECT_EQ(cover.granted_minor, 5'000'000);
  EXPECT_EQ(cover.requested_minor, 5'000'000);
  EXPECT_EQ(cover.currency, "EUR");
  EXPECT_EQ(cover.policy, kPolicy);
  EXPECT_EQ(cover.buyer.id, kDupont);
  EXPECT_EQ(cover.buyer.name, "DUPONT INDUSTRIES SA");
  EXPECT_EQ(cover.reference, "job-1");
  EXPECT_EQ(cover.cover_type, "credit-limit");
  EXPECT_FALSE(cover.cover_id.empty());
  EXPECT_FALSE(cover.decided_at.empty());
  EXPECT_FALSE(submitted->tracking.empty());
  EXPECT_EQ(double_->Submits(), 1);

  const auto submit = double_->requests();
  auto sent = std::ranges::find_if(submit, [](const auto& request) { return request.kind == "submit"; });
  ASSERT_NE(sent, submit.end());
  const auto body = nlohmann::json::parse(sent->body);
  EXPECT_EQ(body["coverTypeCode"], "CreditLimit");
  EXPECT_EQ(body["requestData"]["amount"], 50000);
  EXPECT_EQ(body["requestData"]["currencyCode"], "EUR");
  EXPECT_EQ(body["requestData"]["companyId"], kDupont);
  EXPECT_EQ(body["requestData"]["customerReference"], "job-1");
  EXPECT_EQ(body["requestData"]["comment"], "first order");
  EXPECT_FALSE(body["requestData"].contains("coverId"));
  EXPECT_EQ(body["policy"], (nlohmann::json{{"policyId", kPolicy}, {"extensionId", ""}, {"businessUnitCode", "ACI"}}));
}

TEST_F(AllianzTradeProviderTest, AReferredRequestIsDecidedDaysLater) {
  double_->Script(kDupont, {.refer_days = 3, .outcome = Outcome::kPartial, .partial_amount = 30000,
                            .reason = "Limited financial information"});
  auto provider = MakeProvider();
  const kit::CoverRequest request = Request(kDupont, 50000, "job-2");
  auto submitted = provider->Submit(request, {});
  ASSERT_TRUE(submitted.has_value()) << submitted.error().message;
  EXPECT_EQ(submitted->cover.state, kit::CoverState::kReferred);
  EXPECT_FALSE(submitted->cover.granted_minor.has_value());
  ASSERT_FALSE(submitted->tracking.empty());

  clock_.Advance(std::chrono::hours(24 * 2));
  auto waiting = provider->Follow(request, submitted->tracking, {});
  ASSERT_TRUE(waiting.has_value()) << waiting.error().message;
  EXPECT_EQ(waiting->state, kit::CoverState::kReferred);

  clock_.Advance(std::chrono::hours(24));
  auto decided = provider->Follow(request, submitted->tracking, {});
  ASSERT_TRUE(decided.has_value()) << decided.error().message;
  EXPECT_EQ(decided->state, kit::CoverState::kDecided);
  EXPECT_EQ(decided->granted_minor, 3'000'000);  // read from a decimal string
  EXPECT_EQ(decided->requested_minor, 5'000'000);
  EXPECT_EQ(decided->reason, "Limited financial information");
  EXPECT_EQ(decided->reference, "job-2");
  EXPECT_EQ(double_->Submits(), 1);
}

TEST_F(AllianzTradeProviderTest, ConditionalAndZeroDecisions) {
  double_->AddCompany({.company_id = "400001", .name = "RISKY SARL", .identifiers = {{"SIREN", "400000001"}}});
  double_->Script(kDupont, {.refer_days = 1, .outcome = Outcome::kConditional,
                            .condition = "Subject to a personal guarantee", .expiry_date = "2027-06-30"});
  double_->Script("400001", {.refer_days = 5, .outcome = Outcome::kZero, .reason = "Insufficient information"});
  auto provider = MakeProvider();
  const kit::CoverRequest conditional = Request(kDupont, 20000, "job-3");
  const kit::CoverRequest refused = Request("400001", 10000, "job-4");
  auto first = provider->Submit(conditional, {});
  auto second = provider->Submit(refused, {});
  ASSERT_TRUE(first.has_value() && second.has_value());
  clock_.Advance(std::chrono::hours(24 * 5));
  auto with_conditions = provider->Follow(conditional, first->tracking, {});
  ASSERT_TRUE(with_conditions.has_value()) << with_conditions.error().message;
  EXPECT_EQ(with_conditions->state, kit::CoverState::kDecided);
  EXPECT_EQ(with_conditions->granted_minor, 2'000'000);
  EXPECT_EQ(with_conditions->conditions, "Subject to a personal guarantee");
  EXPECT_EQ(with_conditions->expires_at, "2027-06-30");
  auto zero = provider->Follow(refused, second->tracking, {});
  ASSERT_TRUE(zero.has_value()) << zero.error().message;
  EXPECT_EQ(zero->state, kit::CoverState::kDecided);
  EXPECT_EQ(zero->granted_minor, 0);
  EXPECT_EQ(zero->reason, "Insufficient information");
}

TEST_F(AllianzTradeProviderTest, IncreaseReduceAndCancelTheCoverInForce) {
  double_->Script(kDupont, {.refer_days = 2});
  const std::string cover_id = double_->AddCover(kDupont, "EUR", 40000);
  auto provider = MakeProvider();
  auto listed = provider->Covers(kPolicy, "", {});
  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  ASSERT_EQ(listed->covers.size(), 1u);
  const kit::Cover in_force = listed->covers[0];
  EXPECT_EQ(in_force.granted_minor, 4'000'000);
  EXPECT_TRUE(in_force.reference.empty());

  // An increase names the cover in force and goes to the underwriter.
  kit::CoverRequest increase = Request(kDupont, 60000, "job-5");
  increase.in_force = in_force;
  auto increased = provider->Submit(increase, {});
  ASSERT_TRUE(increased.has_value()) << increased.error().message;
  EXPECT_EQ(increased->cover.state, kit::CoverState::kReferred);
  EXPECT_EQ(increased->cover.cover_id, cover_id);
  const auto requests = double_->requests();
  auto sent = std::ranges::find_if(requests, [](const auto& request) { return request.kind == "submit"; });
  ASSERT_NE(sent, requests.end());
  EXPECT_EQ(nlohmann::json::parse(sent->body)["requestData"]["coverId"], cover_id);
  clock_.Advance(std::chrono::hours(48));
  auto decided = provider->Follow(increase, increased->tracking, {});
  ASSERT_TRUE(decided.has_value()) << decided.error().message;
  EXPECT_EQ(decided->granted_minor, 6'000'000);
  EXPECT_EQ(decided->cover_id, cover_id);

  // A reduction asked by the insured is agreed at once.
  kit::CoverRequest reduce = Request(kDupont, 25000, "job-6");
  reduce.in_force = *decided;
  auto reduced = provider->Submit(reduce, {});
  ASSERT_TRUE(reduced.has_value()) << reduced.error().message;
  EXPECT_EQ(reduced->cover.state, kit::CoverState::kDecided);
  EXPECT_EQ(reduced->cover.granted_minor, 2'500'000);
  EXPECT_EQ(reduced->cover.reference, "job-6");

  // A cancellation is the DELETE of the cover in force.
  kit::CoverRequest cancel = Request(kDupont, 0, "job-7");
  cancel.in_force = reduced->cover;
  auto cancelled = provider->Submit(cancel, {});
  ASSERT_TRUE(cancelled.has_value()) << cancelled.error().message;
  EXPECT_EQ(cancelled->cover.state, kit::CoverState::kCancelled);
  EXPECT_EQ(double_->CoverStatus(cover_id), "Cancelled");
  EXPECT_EQ(double_->CountRequests("cancel", 202), 1);
  EXPECT_EQ(double_->Submits(), 3);

  // Nothing in force: nothing to cancel, nothing sent.
  kit::CoverRequest nothing = Request(kDupont, 0, "job-8");
  auto refused = provider->Submit(nothing, {});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(double_->Submits(), 3);
}

TEST_F(AllianzTradeProviderTest, RefusalsCarryTheInsurersOwnText) {
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->Submit(Request(kDupont, 50000, "job-9"), {}).has_value());

  auto exists = provider->Submit(Request(kDupont, 70000, "job-10"), {});
  ASSERT_FALSE(exists.has_value());
  EXPECT_EQ(exists.error().code, ErrorCode::kRejected);
  EXPECT_EQ(exists.error().message, "A cover already exists for this company on this policy.");

  auto unknown = provider->Submit(Request("555", 10000, "job-11"), {});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kRejected);
  EXPECT_EQ(unknown.error().message, "No company found with this companyId.");

  double_->Script(kMartin, {.job_error = "The buyer is outside the policy's territory."});
  auto failed_job = provider->Submit(Request(kMartin, 10000, "job-12"), {});
  ASSERT_FALSE(failed_job.has_value());
  EXPECT_EQ(failed_job.error().code, ErrorCode::kRejected);
  EXPECT_EQ(failed_job.error().message, "The buyer is outside the policy's territory.");

  // Cents are not sent to an insurer that takes whole amounts.
  kit::CoverRequest cents = Request(kMartin, 100, "job-13");
  cents.amount_minor = 10050;
  auto not_whole = provider->Submit(cents, {});
  ASSERT_FALSE(not_whole.has_value());
  EXPECT_EQ(not_whole.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(double_->CountRequests("submit"), 4);
}

class AllianzTradeStepTest : public AllianzTradeFixture {
  tributary::testing::AllianzTradeDoubleOptions DoubleOptions() override { return {.amount_multiple = 1000}; }
};

TEST_F(AllianzTradeStepTest, AnAmountOffTheInsurersStepIsRefusedInItsWords) {
  auto provider = MakeProvider();
  auto refused = provider->Submit(Request(kDupont, 1500, "job-14"), {});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kRejected);
  EXPECT_EQ(refused.error().message, "The amount must be a multiple of 1000.");
  EXPECT_EQ(double_->CountRequests("submit", 422), 1);
  EXPECT_EQ(double_->Submits(), 0);
}

class AllianzTradeSlowJobTest : public AllianzTradeFixture {
  tributary::testing::AllianzTradeDoubleOptions DoubleOptions() override { return {.job_pending_polls = 1}; }
};

TEST_F(AllianzTradeSlowJobTest, AJobStillRunningIsFollowedLater) {
  auto provider = MakeProvider();
  const kit::CoverRequest request = Request(kDupont, 50000, "job-15");
  auto submitted = provider->Submit(request, {});
  ASSERT_TRUE(submitted.has_value()) << submitted.error().message;
  EXPECT_EQ(submitted->cover.state, kit::CoverState::kReferred);
  auto followed = provider->Follow(request, submitted->tracking, {});
  ASSERT_TRUE(followed.has_value()) << followed.error().message;
  EXPECT_EQ(followed->state, kit::CoverState::kDecided);
  EXPECT_EQ(followed->granted_minor, 5'000'000);
}

TEST_F(AllianzTradeProviderTest, FindSubmissionFindsAHeldSendByItsReferenceWithoutSending) {
  const kit::CoverRequest request = Request(kDupont, 50000, "job-16");
  double_->faults().Hold();
  std::jthread sender([&] {
    auto provider = MakeProvider();
    (void)provider->Submit(request, {});
  });
  // Released before the sender is joined, whatever the assertions below do.
  std::shared_ptr<void> release(nullptr, [&](void*) { double_->faults().Release(); });
  ASSERT_TRUE(tributary::testing::WaitUntil([&] { return double_->faults().held_calls() == 1; }));
  EXPECT_EQ(double_->Submits(), 1);

  auto provider = MakeProvider();
  auto found = provider->FindSubmission(request, {});
  ASSERT_TRUE(found.has_value()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->cover.reference, "job-16");
  EXPECT_EQ((*found)->cover.state, kit::CoverState::kDecided);
  EXPECT_EQ((*found)->cover.granted_minor, 5'000'000);
  auto followed = provider->Follow(request, (*found)->tracking, {});
  ASSERT_TRUE(followed.has_value()) << followed.error().message;
  EXPECT_EQ(followed->granted_minor, 5'000'000);

  auto unknown = provider->FindSubmission(Request(kDupont, 50000, "job-17"), {});
  ASSERT_TRUE(unknown.has_value()) << unknown.error().message;
  EXPECT_FALSE(unknown->has_value());
  EXPECT_EQ(double_->Submits(), 1);
  EXPECT_EQ(double_->CountRequests("submit"), 0);  // the held one is not answered yet
}

TEST_F(AllianzTradeProviderTest, CoversComeInPagesOfAHundred) {
  for (int i = 0; i < 205; ++i) {
    const std::string id = std::to_string(500000 + i);
    double_->AddCompany({.company_id = id, .name = "BUYER " + id});
    double_->AddCover(id, i % 2 == 0 ? "EUR" : "USD", 1000 + i);
  }
  auto provider = MakeProvider();
  std::vector<kit::Cover> all;
  std::string cursor;
  int pages = 0;
  for (;;) {
    auto page = provider->Covers(kPolicy, cursor, {});
    ASSERT_TRUE(page.has_value()) << page.error().message;
    ++pages;
    for (auto& cover : page->covers) all.push_back(std::move(cover));
    if (!page->more) break;
    cursor = page->next_cursor;
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 205u);
  EXPECT_EQ(all[0].buyer.id, "500000");
  EXPECT_EQ(all[0].granted_minor, 100'000);
  EXPECT_EQ(all[204].buyer.id, "500204");
  EXPECT_EQ(all[203].currency, "USD");
  EXPECT_EQ(double_->CountRequests("covers", 206), 3);
  const auto requests = double_->requests();
  EXPECT_EQ(requests.back().query, "policyId=5121840&businessUnitCode=ACI&pageSize=100&page=3");
}

TEST_F(AllianzTradeProviderTest, UnilateralReductionAndWithdrawalShowInTheList) {
  const std::string kept = double_->AddCover(kDupont, "EUR", 40000);
  const std::string withdrawn = double_->AddCover(kMartin, "EUR", 15000);
  double_->ReduceCover(kept, 10000, "Deterioration of payment behaviour");
  double_->RemoveCover(withdrawn);
  auto provider = MakeProvider();
  auto page = provider->Covers(kPolicy, "", {});
  ASSERT_TRUE(page.has_value()) << page.error().message;
  EXPECT_FALSE(page->more);
  ASSERT_EQ(page->covers.size(), 1u);
  EXPECT_EQ(page->covers[0].cover_id, kept);
  EXPECT_EQ(page->covers[0].granted_minor, 1'000'000);
  EXPECT_EQ(page->covers[0].reason, "Deterioration of payment behaviour");
  EXPECT_EQ(double_->CountRequests("covers", 200), 1);
}

TEST_F(AllianzTradeProviderTest, ThrottledThenAnswered) {
  auto provider = MakeProvider();
  ASSERT_TRUE(provider->FindBuyer({.country = "FR", .name = "DUPONT"}, {}).has_value());
  double_->FailNext(2, 429, 7);
  auto found = provider->FindBuyer({.country = "FR", .name = "DUPONT"}, {});
  ASSERT_TRUE(found.has_value()) << found.error().message;
  EXPECT_EQ(found->size(), 1u);
  EXPECT_EQ(double_->CountRequests("search", 429), 2);
  // Retry-After was honoured on the fake clock.
  const auto waited = clock_.Waited();
  ASSERT_GE(waited.size(), 2u);
  EXPECT_GE(waited[0], std::chrono::seconds(7));
  EXPECT_GE(waited[1], std::chrono::seconds(7));
}

TEST_F(AllianzTradeProviderTest, ADownInsurerIsUnavailable) {
  double_->faults().Break();
  auto provider = MakeProvider();
  auto found = provider->FindBuyer({.country = "FR", .name = "DUPONT"}, {});
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(found.error().Retryable());
}

}  // namespace
}  // namespace tributary::connectors::allianz_trade::test
