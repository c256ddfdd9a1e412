// The credit-limit action and the covers source of the `atradius` type, against the
// Atradius double: what a job sees (decided at once, referred then decided on the fake
// clock, Atradius's refusal text, no buyer, a send held by a crash found again by its
// reference) and the factory's entry.
#include <gtest/gtest.h>

#include <future>
#include <map>

#include <nlohmann/json.hpp>

#include "connectors/atradius/factory.h"
#include "connectors/kit/cover_action.h"
#include "tests/testing/wait.h"
#include "tests/unit/connectors/atradius_fixture.h"

namespace tributary::connectors::atradius::test {
namespace {

using namespace std::chrono_literals;
using tributary::testing::UnderwriterScript;

// The store as a job sees it: known entities and the committed intent, in memory.
// CommitIntent may be called from the job's thread while the test reads `intent`.
class FakeJobStore final : public JobStoreView {
 public:
  Result<std::optional<std::string>> RecentLookup(const std::string&, std::chrono::seconds) override {
    return std::optional<std::string>();
  }
  Result<std::optional<store::EntityVersion>> Entity(const std::string& key) override {
    auto found = entities.find(key);
    if (found == entities.end()) return std::optional<store::EntityVersion>();
    return std::optional<store::EntityVersion>(found->second);
  }
  Status CommitIntent(const std::string& provider_ref) override {
    std::lock_guard lock(mutex);
    intent = provider_ref;
    return Ok();
  }
  std::string Intent() {
    std::lock_guard lock(mutex);
    return intent;
  }

  std::map<std::string, store::EntityVersion> entities;
  std::mutex mutex;
  std::string intent;  // guarded by mutex
};

class AtradiusActionTest : public AtradiusFixture {
 protected:
  std::unique_ptr<kit::CoverAction> MakeAction() {
    return std::make_unique<kit::CoverAction>(
        kit::CoverSettings{.connector = "covers", .tenant = "acme", .decision_poll = settings_.decision_poll},
        MakeProvider(), clock_);
  }

  static ActionJob Job(const std::string& siren, const std::string& amount, const std::string& id = "job-1") {
    return {.id = id,
            .kind = ActionKind::kCreditLimit,
            .request = {{"connector", "covers"},
                        {"company", {{"country", "FR"}, {"registration_number", siren}}},
                        {"amount", amount},
                        {"currency", "EUR"}}};
  }

  static nlohmann::json DataOf(const ActionOutcome& outcome) {
    EXPECT_EQ(outcome.records.size(), 1u);
    if (outcome.records.empty()) return {};
    return nlohmann::json::parse(outcome.records.front().JsonText());
  }

  FakeJobStore store_view_;
};

TEST_F(AtradiusActionTest, ACoverDecidedAtOnce) {
  auto action = MakeAction();
  const ActionOutcome outcome = action->Run(Job("494814452", "50000.00"), store_view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  EXPECT_EQ(outcome.result_key, "covers:credit_limit:5012345/70001");
  const nlohmann::json data = DataOf(outcome);
  EXPECT_EQ(data["provider"], "atradius");
  EXPECT_EQ(data["decision"], "approved");
  EXPECT_EQ(data["granted"], "50000.00");
  EXPECT_EQ(data["currency"], "EUR");
  EXPECT_EQ(double_->submits(), 1);
  EXPECT_EQ(nlohmann::json::parse(double_->requests().back().body)["customerRefNumber"], "job-1");
}

TEST_F(AtradiusActionTest, AReferredRequestWaitsForTheUnderwriter) {
  double_->Script(kJulesVerne, {.refer_days = 2, .outcome = UnderwriterScript::Outcome::kPartial, .amount = 20000});
  auto action = MakeAction();
  ActionJob job = Job("494814452", "50000.00");
  const ActionOutcome referred = action->Run(job, store_view_, {});
  ASSERT_EQ(referred.kind, ActionOutcome::Kind::kWaitingProvider) << referred.reason;
  ASSERT_FALSE(referred.provider_ref.empty());
  EXPECT_EQ(DataOf(referred)["decision"], "pending");

  job.attempt = 2;
  job.provider_ref = referred.provider_ref;
  job.waiting_provider = true;
  clock_.Advance(24h);
  const ActionOutcome still = MakeAction()->Run(job, store_view_, {});
  EXPECT_EQ(still.kind, ActionOutcome::Kind::kWaitingProvider) << still.reason;
  clock_.Advance(25h);
  const ActionOutcome decided = MakeAction()->Run(job, store_view_, {});
  ASSERT_EQ(decided.kind, ActionOutcome::Kind::kSucceeded) << decided.reason;
  EXPECT_EQ(DataOf(decided)["decision"], "partially_approved");
  EXPECT_EQ(DataOf(decided)["granted"], "20000.00");
  EXPECT_EQ(double_->submits(), 1);
}

TEST_F(AtradiusActionTest, AtradiusRefusalIsTheJobsReason) {
  double_->AddCover(kJulesVerne, 10000);  // requested elsewhere; the gateway does not know it yet
  const ActionOutcome outcome = MakeAction()->Run(Job("494814452", "50000.00"), store_view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "Credit limit/credit check already exists for this buyer.");
}

TEST_F(AtradiusActionTest, NoBuyerMatchFailsAndSendsNothing) {
  const ActionOutcome outcome = MakeAction()->Run(Job("999999999", "50000.00"), store_view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_NE(outcome.reason.find("no atradius buyer matches SIREN 999999999 in FR"), std::string::npos) << outcome.reason;
  EXPECT_EQ(double_->CountRequests("submit"), 0);
}

TEST_F(AtradiusActionTest, ASendHeldByACrashIsFoundByItsReference) {
  double_->faults().Hold();
  auto first = MakeAction();
  auto held = std::async(std::launch::async, [&] { return first->Run(Job("494814452", "50000.00"), store_view_, {}); });
  ASSERT_TRUE(tributary::testing::WaitUntil([&] { return double_->faults().held_calls() >= 1; }, 10s));
  ASSERT_FALSE(store_view_.Intent().empty());

  // The daemon restarted: the job runs again with its committed intent.
  ActionJob again = Job("494814452", "50000.00");
  again.attempt = 2;
  again.provider_ref = store_view_.Intent();
  const ActionOutcome outcome = MakeAction()->Run(again, store_view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  EXPECT_EQ(DataOf(outcome)["granted"], "50000.00");
  EXPECT_EQ(double_->CountRequests("submit"), 1);
  EXPECT_EQ(double_->submits(), 1);
  double_->faults().Release();
  held.get();
}

TEST_F(AtradiusActionTest, TheCoversSyncStoresCoversAndTheirWithdrawal) {
  double_->AddBuyer({.buyer_id = "70005", .name = "CUT SA", .uid = "333333333"});
  double_->AddCover(kJulesVerne, 50000);
  double_->AddCover("70005", 30000);
  const kit::CoverSettings settings{.connector = "covers", .tenant = "acme"};
  ConnectorContext context{.tenant = "acme", .state_path = StatePath()};
  context.services.clock = &clock_;
  kit::CoverSync sync(settings, MakeProvider(), context);
  ASSERT_TRUE(sync.Poll({}).has_value());
  auto store = store::Store::Open(StatePath());
  ASSERT_TRUE(store.has_value()) << store.error().message;
  auto decision = [&](const std::string& buyer) {
    auto entity = (*store)->GetEntity("covers:credit_limit:5012345/" + buyer);
    if (!entity) return std::string("(none)");
    return nlohmann::json::parse(entity->data).value("decision", "");
  };
  EXPECT_EQ(decision(kJulesVerne), "approved");
  EXPECT_EQ(decision("70005"), "approved");

  clock_.Advance(1h);
  double_->Withdraw(kJulesVerne, "Buyer in receivership");
  double_->Reduce("70005", 10000);
  ASSERT_TRUE(sync.Poll({}).has_value());  // the feed
  EXPECT_EQ(decision(kJulesVerne), "withdrawn");
  EXPECT_EQ(decision("70005"), "reduced");
}

TEST(AtradiusFactoryTest, IsACreditLimitActionTypeWithoutFiles) {
  const ConnectorFactory factory = Factory();
  EXPECT_EQ(factory.config_type.type, "atradius");
  EXPECT_FALSE(factory.config_type.file_rules);
  EXPECT_EQ(factory.action_kinds, std::vector<ActionKind>{ActionKind::kCreditLimit});
  EXPECT_TRUE(factory.make_action != nullptr);
  EXPECT_TRUE(factory.make != nullptr);
  EXPECT_NE(FindConnectorFactory("atradius"), nullptr);
}

}  // namespace
}  // namespace tributary::connectors::atradius::test
