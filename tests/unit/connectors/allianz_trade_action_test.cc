// The kit's cover action over the Allianz Trade provider and its double: a request decided
// at once, a referred request the job waits for and ends once the underwriter decided,
// the insurer's refusal as the job's reason, a buyer Allianz Trade does not know, and a
// run after a crash that finds the send by its reference instead of sending it again.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <thread>

#include "connectors/kit/cover_action.h"
#include "tests/testing/memory_job_view.h"
#include "tests/testing/wait.h"
#include "tests/unit/connectors/allianz_trade_fixture.h"

namespace tributary::connectors::allianz_trade::test {
namespace {

using Outcome = tributary::testing::AllianzTradeUnderwriting::Outcome;

class AllianzTradeActionTest : public AllianzTradeFixture {
 protected:
  std::unique_ptr<kit::CoverAction> MakeAction() {
    return std::make_unique<kit::CoverAction>(
        kit::CoverSettings{.connector = "cover", .tenant = "acme", .decision_poll = std::chrono::minutes(15)},
        MakeProvider(), clock_);
  }

  static ActionJob Job(const std::string& id, const std::string& siren, const std::string& amount) {
    return {.id = id,
            .kind = ActionKind::kCreditLimit,
            .request = {{"connector", "cover"},
                        {"company", {{"country", "FR"}, {"registration_number", siren}}},
                        {"amount", amount},
                        {"currency", "EUR"}}};
  }

  static const model::CanonicalRecord* Limit(const ActionOutcome& outcome) {
    for (const auto& record : outcome.records) {
      if (record.entity == "credit_limit") return &record;
    }
    return nullptr;
  }

  tributary::testing::MemoryJobView view_;
};

TEST_F(AllianzTradeActionTest, ARequestDecidedAtOnceSucceeds) {
  auto action = MakeAction();
  const ActionOutcome outcome = action->Run(Job("j-1", "494814452", "50000.00"), view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  EXPECT_EQ(outcome.result_key, std::string("cover:credit_limit:") + kPolicy + "/" + kDupont);
  const model::CanonicalRecord* limit = Limit(outcome);
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->data["decision"], "approved") << limit->data.dump();
  EXPECT_EQ(limit->data["provider"], "allianz_trade");
  EXPECT_EQ(double_->Submits(), 1);
  EXPECT_EQ(view_.intents.size(), 1u);
}

TEST_F(AllianzTradeActionTest, AReferredRequestWaitsThenEndsWithTheDecision) {
  double_->Script(kDupont, {.refer_days = 2, .outcome = Outcome::kPartial, .partial_amount = 30000,
                            .reason = "Limited financial information"});
  auto action = MakeAction();
  ActionJob job = Job("j-2", "494814452", "50000.00");
  const ActionOutcome waiting = action->Run(job, view_, {});
  ASSERT_EQ(waiting.kind, ActionOutcome::Kind::kWaitingProvider) << waiting.reason;

  clock_.Advance(std::chrono::hours(48));
  job.attempt = 2;
  job.waiting_provider = true;
  job.provider_ref = waiting.provider_ref;
  const ActionOutcome decided = action->Run(job, view_, {});
  ASSERT_EQ(decided.kind, ActionOutcome::Kind::kSucceeded) << decided.reason;
  const model::CanonicalRecord* limit = Limit(decided);
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->data["decision"], "partially_approved") << limit->data.dump();
  EXPECT_EQ(double_->Submits(), 1);
}

TEST_F(AllianzTradeActionTest, TheInsurersRefusalIsTheJobsReason) {
  auto action = MakeAction();
  ASSERT_EQ(action->Run(Job("j-3", "494814452", "50000.00"), view_, {}).kind, ActionOutcome::Kind::kSucceeded);
  const ActionOutcome refused = action->Run(Job("j-4", "494814452", "70000.00"), view_, {});
  ASSERT_EQ(refused.kind, ActionOutcome::Kind::kFailed);
  EXPECT_NE(refused.reason.find("A cover already exists for this company on this policy."), std::string::npos)
      << refused.reason;

  const ActionOutcome unknown = action->Run(Job("j-5", "999999999", "50000.00"), view_, {});
  ASSERT_EQ(unknown.kind, ActionOutcome::Kind::kFailed);
  EXPECT_FALSE(unknown.reason.empty());
  EXPECT_EQ(double_->CountRequests("submit"), 2);
}

TEST_F(AllianzTradeActionTest, ARunAfterACrashFindsTheSendByItsReference) {
  // The first run commits its intent and sends; the insurer writes the cover, and the
  // answer never comes back (the daemon dies): its outcome is lost.
  double_->faults().Hold();
  tributary::testing::MemoryJobView first_view;
  {
    std::jthread first([&] {
      auto action = MakeAction();
      (void)action->Run(Job("j-6", "494814452", "50000.00"), first_view, {});
    });
    std::shared_ptr<void> release(nullptr, [&](void*) { double_->faults().Release(); });
    ASSERT_TRUE(tributary::testing::WaitUntil([&] { return double_->faults().held_calls() == 1; }));
  }
  ASSERT_EQ(first_view.intents.size(), 1u);
  EXPECT_EQ(double_->Submits(), 1);

  // The next run knows the intent and asks the insurer before sending anything.
  auto action = MakeAction();
  ActionJob job = Job("j-6", "494814452", "50000.00");
  job.attempt = 2;
  job.provider_ref = first_view.intents.back();
  const ActionOutcome outcome = action->Run(job, view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  const model::CanonicalRecord* limit = Limit(outcome);
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->data["decision"], "approved") << limit->data.dump();
  EXPECT_EQ(double_->Submits(), 1);
  EXPECT_EQ(double_->CountRequests("submit"), 1);  // the first run's only
}

TEST_F(AllianzTradeActionTest, ACancellationEndsTheCoverInForce) {
  auto action = MakeAction();
  const ActionOutcome granted = action->Run(Job("j-7", "494814452", "50000.00"), view_, {});
  ASSERT_EQ(granted.kind, ActionOutcome::Kind::kSucceeded) << granted.reason;
  view_.Keep(*Limit(granted));
  const ActionOutcome cancelled = action->Run(Job("j-8", "494814452", "0"), view_, {});
  ASSERT_EQ(cancelled.kind, ActionOutcome::Kind::kSucceeded) << cancelled.reason;
  const model::CanonicalRecord* limit = Limit(cancelled);
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->data["decision"], "withdrawn") << limit->data.dump();
  EXPECT_EQ(double_->CountRequests("cancel", 202), 1);
}

}  // namespace
}  // namespace tributary::connectors::allianz_trade::test
