// The kit's credit-limit action over a scripted insurer: the checks made before anything
// is sent, the buyer (one match or a failure naming them), the intent committed before
// the send, a lost answer found again by its reference, a referred request followed to
// its decision, the insurer's own refusal text, and the canonical decision.
#include "connectors/kit/cover_action.h"

#include <gtest/gtest.h>

#include "tests/testing/fake_clock.h"
#include "tests/testing/memory_job_view.h"

namespace tributary::connectors::kit {
namespace {

using testing::MemoryJobView;

struct ScriptedInsurer {
  InsurerRules rules{.policy = "P-1", .currencies = {"EUR", "GBP"}, .amount_step = 1000};
  std::vector<CompanyMatch> buyers = {{.id = "B-7", .name = "ACME SAS", .country = "FR"}};
  // How a send is answered: decided at `granted` (nullopt: referred).
  std::optional<int64_t> granted = 5000000;
  std::optional<Error> submit_error;
  std::optional<Submission> held;  // what FindSubmission finds
  Cover followed;                  // what Follow answers
  int searches = 0;
  int submits = 0;
  int finds = 0;
  int follows = 0;
  std::vector<CoverRequest> sent;
};

class ScriptedProvider final : public InsurerProvider {
 public:
  explicit ScriptedProvider(ScriptedInsurer& insurer) : insurer_(insurer) {}
  [[nodiscard]] std::string provider() const override { return "insurer"; }
  [[nodiscard]] const InsurerRules& rules() const override { return insurer_.rules; }
  Result<std::vector<CompanyMatch>> FindBuyer(const CompanyQuery&, std::stop_token) override {
    ++insurer_.searches;
    return insurer_.buyers;
  }
  Result<Submission> Submit(const CoverRequest& request, std::stop_token) override {
    ++insurer_.submits;
    insurer_.sent.push_back(request);
    if (insurer_.submit_error) return std::unexpected(*insurer_.submit_error);
    Submission submission;
    submission.cover.buyer = request.buyer;
    submission.cover.policy = request.policy;
    submission.cover.currency = request.currency;
    submission.cover.requested_minor = request.amount_minor;
    submission.cover.reference = request.reference;
    submission.cover.cover_id = "C-1";
    submission.cover.state = insurer_.granted ? CoverState::kDecided : CoverState::kReferred;
    submission.cover.granted_minor = insurer_.granted;
    submission.cover.decided_at = insurer_.granted ? "2026-12-07T10:00:00Z" : "";
    submission.tracking = "T-9";
    return submission;
  }
  Result<std::optional<Submission>> FindSubmission(const CoverRequest&, std::stop_token) override {
    ++insurer_.finds;
    return insurer_.held;
  }
  Result<Cover> Follow(const CoverRequest&, const std::string& tracking, std::stop_token) override {
    ++insurer_.follows;
    EXPECT_EQ(tracking, "T-9");
    return insurer_.followed;
  }
  Result<CoverPage> Covers(const std::string&, const std::string&, std::stop_token) override { return CoverPage{}; }

 private:
  ScriptedInsurer& insurer_;
};

class CoverActionTest : public ::testing::Test {
 protected:
  CoverAction Action() {
    return CoverAction(CoverSettings{.connector = "cover", .tenant = "t1", .decision_poll = std::chrono::hours(1)},
                       std::make_unique<ScriptedProvider>(insurer_), clock_);
  }
  static ActionJob Job(nlohmann::json request) {
    return ActionJob{.id = "job-1", .kind = ActionKind::kCreditLimit, .request = std::move(request)};
  }
  static nlohmann::json Request(const std::string& amount = "50000.00", const std::string& currency = "EUR") {
    return {{"connector", "cover"},
            {"company", {{"country", "FR"}, {"registration_number", "494814452"}}},
            {"amount", amount},
            {"currency", currency}};
  }

  ScriptedInsurer insurer_;
  MemoryJobView view_;
  testing::FakeClock clock_{std::chrono::sys_days{std::chrono::year{2026} / 12 / 7}};
};

TEST_F(CoverActionTest, AnImmediateDecisionEndsTheJobWithItsCreditLimit) {
  auto outcome = Action().Run(Job(Request()), view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  ASSERT_EQ(outcome.records.size(), 1U);
  const auto& data = outcome.records[0].data;
  EXPECT_EQ(outcome.result_key, "cover:credit_limit:P-1/B-7");
  EXPECT_EQ(data["decision"], "approved");
  EXPECT_EQ(data["requested"], "50000.00");
  EXPECT_EQ(data["granted"], "50000.00");
  EXPECT_EQ(data["type"], "insurer_cover");
  EXPECT_EQ(data["buyer"]["name"], "ACME SAS");
  EXPECT_EQ(data["decided_at"], "2026-12-07T10:00:00Z");
  // The intent (with the job's id as the reference) was committed before the one send.
  ASSERT_EQ(view_.intents.size(), 1U);
  EXPECT_EQ(nlohmann::json::parse(view_.intents[0])["reference"], "job-1");
  EXPECT_EQ(insurer_.submits, 1);
  EXPECT_EQ(insurer_.sent[0].reference, "job-1");
  EXPECT_EQ(insurer_.sent[0].amount_minor, 5000000);
}

TEST_F(CoverActionTest, APartialGrantIsPartiallyApproved) {
  insurer_.granted = 3000000;
  auto outcome = Action().Run(Job(Request()), view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded);
  EXPECT_EQ(outcome.records[0].data["decision"], "partially_approved");
  EXPECT_EQ(outcome.records[0].data["granted"], "30000.00");
}

TEST_F(CoverActionTest, AZeroDecisionIsARefusalThatEndsTheJob) {
  insurer_.granted = 0;
  auto outcome = Action().Run(Job(Request()), view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded);
  EXPECT_EQ(outcome.records[0].data["decision"], "refused");
  EXPECT_EQ(outcome.records[0].data["granted"], "0.00");
}

TEST_F(CoverActionTest, WhatThePolicyCannotTakeFailsBeforeAnythingIsSent) {
  struct Case {
    nlohmann::json request;
    std::string reason;
  };
  auto other_policy = Request();
  other_policy["policy"] = "P-2";
  const std::vector<Case> cases = {
      {Request("50500.00"), "amount 50500.00 EUR is not a multiple of 1000 EUR, as insurer requires; nothing was sent"},
      {Request("50000.50"), "amount 50000.50 EUR is not a multiple of 1000 EUR, as insurer requires; nothing was sent"},
      {Request("50000", "USD"), "policy P-1 covers EUR, GBP, not USD; nothing was sent to insurer"},
      {other_policy, "policy \"P-2\" is not the policy of this insurer connector (\"P-1\")"},
  };
  for (const Case& c : cases) {
    auto outcome = Action().Run(Job(c.request), view_, {});
    EXPECT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
    EXPECT_EQ(outcome.reason, c.reason);
  }
  insurer_.rules.amount_step = 1;
  auto outcome = Action().Run(Job(Request("50000.50")), view_, {});
  EXPECT_EQ(outcome.reason, "amount 50000.50 EUR has a fraction; insurer covers whole EUR amounts only; nothing was sent");
  EXPECT_EQ(insurer_.searches, 0);
  EXPECT_EQ(insurer_.submits, 0);
  EXPECT_TRUE(view_.intents.empty());
}

TEST_F(CoverActionTest, AnUnknownOrAmbiguousBuyerFailsAndSendsNothing) {
  insurer_.buyers.clear();
  auto none = Action().Run(Job(Request()), view_, {});
  EXPECT_EQ(none.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(none.reason, "no insurer buyer matches SIREN 494814452 in FR; nothing was sent");
  insurer_.buyers = {{.id = "B-1", .name = "ACME"}, {.id = "B-2", .name = "ACME Nord"}};
  auto many = Action().Run(Job(Request()), view_, {});
  EXPECT_EQ(many.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(many.reason,
            "2 insurer buyers match SIREN 494814452: ACME (B-1), ACME Nord (B-2); ask again with an identifier that "
            "names one of them; nothing was sent");
  EXPECT_EQ(insurer_.submits, 0);
}

TEST_F(CoverActionTest, TheInsurersRefusalIsTheReasonAsItWroteIt) {
  insurer_.submit_error = Error{ErrorCode::kRejected, "Credit limit/credit check already exists for this buyer."};
  auto outcome = Action().Run(Job(Request()), view_, {});
  EXPECT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "Credit limit/credit check already exists for this buyer.");
}

TEST_F(CoverActionTest, AReferredRequestWaitsThenEndsWithTheUnderwritersDecision) {
  insurer_.granted = std::nullopt;
  auto waiting = Action().Run(Job(Request()), view_, {});
  ASSERT_EQ(waiting.kind, ActionOutcome::Kind::kWaitingProvider) << waiting.reason;
  EXPECT_EQ(waiting.reason, "referred to insurer's underwriters");
  EXPECT_EQ(waiting.next_run, clock_.Now() + std::chrono::hours(1));
  ASSERT_EQ(waiting.records.size(), 1U);
  EXPECT_EQ(waiting.records[0].data["decision"], "pending");
  EXPECT_TRUE(waiting.records[0].data["granted"].is_null());
  view_.Keep(waiting.records[0]);

  ActionJob again = Job(Request());
  again.provider_ref = waiting.provider_ref;
  again.waiting_provider = true;
  again.attempt = 2;
  insurer_.followed = Cover{.policy = "P-1", .buyer = {.id = "B-7"}, .state = CoverState::kReferred, .currency = "EUR"};
  auto still = Action().Run(again, view_, {});
  EXPECT_EQ(still.kind, ActionOutcome::Kind::kWaitingProvider);
  insurer_.followed.state = CoverState::kDecided;
  insurer_.followed.granted_minor = 4000000;
  insurer_.followed.expires_at = "2027-12-31";
  insurer_.followed.conditions = "Payment terms max 60 days";
  auto decided = Action().Run(again, view_, {});
  ASSERT_EQ(decided.kind, ActionOutcome::Kind::kSucceeded) << decided.reason;
  const auto& data = decided.records[0].data;
  EXPECT_EQ(data["decision"], "partially_approved");
  EXPECT_EQ(data["requested"], "50000.00");
  EXPECT_EQ(data["granted"], "40000.00");
  EXPECT_EQ(data["conditions"], "Payment terms max 60 days");
  EXPECT_EQ(data["expires_at"], "2027-12-31");
  EXPECT_EQ(data["buyer"]["name"], "ACME SAS");  // kept from the pending version
  EXPECT_EQ(insurer_.submits, 1);
  EXPECT_EQ(insurer_.follows, 2);
}

TEST_F(CoverActionTest, AfterACrashTheInsurerIsAskedBeforeAnythingIsSentAgain) {
  auto first = Action().Run(Job(Request()), view_, {});
  ASSERT_EQ(view_.intents.size(), 1U);
  insurer_.submits = 0;
  ActionJob again = Job(Request());
  again.provider_ref = view_.intents[0];
  again.attempt = 2;

  // The insurer got it: its answer is the job's, nothing is sent.
  insurer_.held = Submission{.cover = {.policy = "P-1", .buyer = {.id = "B-7"}, .reference = "job-1",
                                       .state = CoverState::kDecided, .currency = "EUR",
                                       .requested_minor = 5000000, .granted_minor = 5000000}};
  auto found = Action().Run(again, view_, {});
  EXPECT_EQ(found.kind, ActionOutcome::Kind::kSucceeded);
  EXPECT_EQ(found.records[0].data["granted"], "50000.00");
  EXPECT_EQ(insurer_.submits, 0);
  EXPECT_EQ(insurer_.searches, 1);  // the buyer was not searched again

  // It never arrived: sent now, once, under the same reference.
  insurer_.held.reset();
  auto sent = Action().Run(again, view_, {});
  EXPECT_EQ(sent.kind, ActionOutcome::Kind::kSucceeded);
  EXPECT_EQ(insurer_.submits, 1);
  EXPECT_EQ(insurer_.sent.back().reference, "job-1");
  EXPECT_EQ(view_.intents.size(), 1U);
}

TEST_F(CoverActionTest, ACancelledJobSendsNothing) {
  view_.cancelled = true;
  auto outcome = Action().Run(Job(Request()), view_, {});
  EXPECT_NE(outcome.kind, ActionOutcome::Kind::kSucceeded);
  EXPECT_EQ(insurer_.submits, 0);
}

TEST_F(CoverActionTest, ACoverInForceIsChangedAndZeroCancelsIt) {
  auto zero = Action().Run(Job(Request("0")), view_, {});
  EXPECT_EQ(zero.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(zero.reason, "there is no cover in force on buyer ACME SAS (B-7) to cancel; nothing was sent");
  auto first = Action().Run(Job(Request()), view_, {});
  view_.Keep(first.records[0]);
  insurer_.granted = 2000000;
  auto reduced = Action().Run(Job(Request("20000")), view_, {});
  ASSERT_TRUE(insurer_.sent.back().in_force.has_value());
  EXPECT_EQ(insurer_.sent.back().in_force->cover_id, "C-1");
  EXPECT_EQ(insurer_.sent.back().in_force->granted_minor, 5000000);
  // Asked for: approved, not a reduction by the insurer.
  EXPECT_EQ(reduced.records[0].data["decision"], "approved");
}

TEST(CreditLimitDecisionTest, DerivesTheDecisionFromTheCoverAndTheStoredVersion) {
  const nlohmann::json had = {{"currency", "EUR"}, {"granted", "50000.00"}, {"decision", "approved"}};
  const nlohmann::json pending = {{"currency", "EUR"}, {"granted", nullptr}, {"decision", "pending"}};
  const nlohmann::json was_reduced = {{"currency", "EUR"}, {"granted", "30000.00"}, {"decision", "reduced"}};
  auto decided = [](std::optional<int64_t> requested, int64_t granted, std::string expires = "") {
    return Cover{.state = CoverState::kDecided, .currency = "EUR", .requested_minor = requested,
                 .granted_minor = granted, .expires_at = std::move(expires)};
  };
  const std::string today = "2026-12-07";
  EXPECT_EQ(CreditLimitDecision(Cover{.state = CoverState::kReferred}, std::nullopt, today), "pending");
  EXPECT_EQ(CreditLimitDecision(decided(5000000, 5000000), std::nullopt, today), "approved");
  EXPECT_EQ(CreditLimitDecision(decided(5000000, 3000000), std::nullopt, today), "partially_approved");
  EXPECT_EQ(CreditLimitDecision(decided(5000000, 0), std::nullopt, today), "refused");
  EXPECT_EQ(CreditLimitDecision(decided(5000000, 0), pending, today), "refused");
  EXPECT_EQ(CreditLimitDecision(decided(5000000, 0), had, today), "withdrawn");
  EXPECT_EQ(CreditLimitDecision(decided(5000000, 3000000), had, today), "reduced");
  EXPECT_EQ(CreditLimitDecision(decided(5000000, 3000000), was_reduced, today), "reduced");
  EXPECT_EQ(CreditLimitDecision(decided(3000000, 3000000), had, today), "approved");  // a reduction asked for
  EXPECT_EQ(CreditLimitDecision(decided(5000000, 5000000, "2026-12-06"), had, today), "expired");
  EXPECT_EQ(CreditLimitDecision(decided(5000000, 5000000, "2026-12-07"), had, today), "approved");
  EXPECT_EQ(CreditLimitDecision(Cover{.state = CoverState::kWithdrawn}, had, today), "withdrawn");
  EXPECT_EQ(CreditLimitDecision(Cover{.state = CoverState::kCancelled}, had, today), "withdrawn");
}

}  // namespace
}  // namespace tributary::connectors::kit
