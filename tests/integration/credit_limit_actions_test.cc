// Credit limits on the real daemon, through the Atradius double: an immediate decision
// reaches the core as a credit_limit; a referred request waits for the underwriter, days
// later on the double's clock, and ends when the decision feed shows it; a refusal and a
// validation refusal carry the insurer's reason; a withdrawal and a reduction made by the
// insurer on its own are found by the covers sync and counted; kill -9 between the send
// and its answer leaves exactly one request at the insurer.
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"
#include "tests/testing/atradius_double.h"
#include "tests/testing/fake_core.h"
#include "tests/testing/wait.h"

namespace tributary::testing {
namespace {

using std::chrono::seconds;

constexpr const char* kKey = "cover:credit_limit:5012345/70001";

class CreditLimitActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = AtradiusDouble::Start(clock_);
    ASSERT_TRUE(started.has_value()) << started.error().message;
    atradius_ = std::move(*started);
    atradius_->AddBuyer({.buyer_id = "70001", .name = "DUPONT SA", .uid = "494814452"});
  }
  void TearDown() override {
    daemon_.reset();
    atradius_->faults().Release();
  }

  // `policy_yaml`: more keys of the connector's policy block.
  void StartDaemon(const std::string& policy_yaml = "") {
    auto core = FakeCore::Start();
    ASSERT_TRUE(core.has_value());
    core_ = std::move(*core);
    daemon_ = std::make_unique<DaemonHarness>(
        HarnessOptions{.push_url = core_->base_url(), .push_token = core_->token(), .connectors_yaml = ""});
    const auto& options = atradius_->options();
    std::ostringstream yaml;
    yaml << "  - name: cover\n    type: atradius\n    schedule: 200ms\n"
         << "    atradius:\n      base_url: " << atradius_->base_url() << "\n"
         << "      api_key: ${file:" << daemon_->SecretFile("atradius-key", options.api_key) << "}\n"
         << "      client_id: " << options.client_id << "\n"
         << "      client_secret: ${file:" << daemon_->SecretFile("atradius-secret", options.client_secret) << "}\n"
         << "      customer_id: \"" << options.customer_id << "\"\n"
         << "      policy:\n        id: \"" << options.policy << "\"\n        currencies: [EUR]\n" << policy_yaml
         << "      backoff: 10ms\n      max_backoff: 50ms\n      max_attempts: 2\n";
    daemon_->Reconfigure(yaml.str());
    daemon_->Start();
  }

  nlohmann::json Ask(const std::string& amount, const std::string& key) {
    int status = 0;
    const nlohmann::json body = {{"connector", "cover"},
                                 {"company", {{"country", "FR"}, {"registration_number", "494814452"}}},
                                 {"amount", amount},
                                 {"currency", "EUR"}};
    auto job = daemon_->PostJson("/v1/actions/credit-limit", body.dump(), {{"Idempotency-Key", key}}, &status);
    EXPECT_EQ(status, 202) << job.dump();
    return job;
  }

  nlohmann::json WaitStatus(const nlohmann::json& job, const std::string& status, seconds limit = seconds(20)) {
    nlohmann::json seen;
    EXPECT_TRUE(WaitUntil(
        [&] {
          seen = daemon_->Get("/v1/actions/" + job["id"].get<std::string>());
          return seen.value("status", "") == status;
        },
        limit))
        << seen.dump() << daemon_->Log();
    return seen;
  }

  // Waits until the core holds `key` with `decision`; its data.
  nlohmann::json WaitDecision(const std::string& key, const std::string& decision) {
    nlohmann::json data;
    EXPECT_TRUE(WaitUntil(
        [&] {
          auto entity = core_->entity(key);
          if (!entity) return false;
          data = entity->data;
          return data.value("decision", "") == decision;
        },
        seconds(20)))
        << data.dump() << daemon_->Log();
    return data;
  }

  std::string Metrics() { return daemon_->GetText("/metrics"); }

  FakeClock clock_;
  std::unique_ptr<AtradiusDouble> atradius_;
  std::unique_ptr<FakeCore> core_;
  std::unique_ptr<DaemonHarness> daemon_;
};

TEST_F(CreditLimitActionsTest, AnImmediateDecisionReachesTheCore) {
  StartDaemon();
  auto job = WaitStatus(Ask("50000.00", "k-1"), "succeeded");
  EXPECT_EQ(job["result_key"], kKey);
  auto data = WaitDecision(kKey, "approved");
  EXPECT_EQ(data["provider"], "atradius");
  EXPECT_EQ(data["policy"], "5012345");
  EXPECT_EQ(data["requested"], "50000.00");
  EXPECT_EQ(data["granted"], "50000.00");
  EXPECT_EQ(data["buyer"]["id"], "70001");
  EXPECT_EQ(atradius_->submits(), 1);
  EXPECT_NE(Metrics().find("tributary_credit_cover_granted{connector=\"cover\",currency=\"EUR\"} 50000.00"),
            std::string::npos)
      << Metrics();
}

TEST_F(CreditLimitActionsTest, AReferredRequestEndsWhenTheUnderwriterDecidesDaysLater) {
  atradius_->Script("70001", {.refer_days = 3,
                              .outcome = UnderwriterScript::Outcome::kConditional,
                              .amount = 40000,
                              .conditions = {"Payment terms max 60 days"},
                              .expiry = "2027-12-31"});
  StartDaemon();
  auto job = WaitStatus(Ask("50000.00", "k-1"), "waiting_provider");
  EXPECT_EQ(job["waiting"]["for"], "referred to atradius's underwriters") << job.dump();
  auto pending = WaitDecision(kKey, "pending");
  EXPECT_TRUE(pending["granted"].is_null());
  EXPECT_NE(Metrics().find("tributary_action_waiting_provider{connector=\"cover\",kind=\"credit-limit\"} 1"),
            std::string::npos);

  clock_.Advance(std::chrono::hours(24 * 3));
  job = WaitStatus(job, "succeeded", seconds(30));
  auto data = WaitDecision(kKey, "partially_approved");
  EXPECT_EQ(data["granted"], "40000.00");
  EXPECT_EQ(data["conditions"], "Payment terms max 60 days");
  EXPECT_EQ(data["expires_at"], "2027-12-31");
  EXPECT_EQ(atradius_->submits(), 1);
}

TEST_F(CreditLimitActionsTest, ARefusalAndAValidationRefusalCarryTheInsurersReason) {
  atradius_->Script("70001", {.outcome = UnderwriterScript::Outcome::kZero, .reason = "Insufficient financial information"});
  StartDaemon();
  WaitStatus(Ask("50000.00", "k-1"), "succeeded");
  auto data = WaitDecision(kKey, "refused");
  EXPECT_EQ(data["granted"], "0.00");
  EXPECT_EQ(data["reason"], "Insufficient financial information");

}

TEST_F(CreditLimitActionsTest, AValidationRefusalIsTheJobsReasonInTheInsurersWords) {
  // A policy configured to take any whole amount: Atradius's own rule refuses it.
  StartDaemon("        amount_step: 1\n");
  auto job = WaitStatus(Ask("50500.00", "k-1"), "failed");
  EXPECT_EQ(job["error"], "Credit limit amount must be a multiple of 1000.");
  EXPECT_EQ(atradius_->submits(), 0);
  EXPECT_FALSE(core_->entity(kKey).has_value());
}

TEST_F(CreditLimitActionsTest, AnAmountThePolicyCannotTakeFailsAndNothingIsSent) {
  StartDaemon();
  auto job = WaitStatus(Ask("50500.00", "k-1"), "failed");
  EXPECT_EQ(job["error"], "amount 50500.00 EUR is not a multiple of 1000 EUR, as atradius requires; nothing was sent");
  int status = 0;
  const nlohmann::json usd = {{"connector", "cover"},
                              {"company", {{"country", "FR"}, {"registration_number", "494814452"}}},
                              {"amount", "50000"},
                              {"currency", "USD"}};
  job = WaitStatus(daemon_->PostJson("/v1/actions/credit-limit", usd.dump(), {{"Idempotency-Key", "k-2"}}, &status),
                   "failed");
  EXPECT_EQ(job["error"], "policy 5012345 covers EUR, not USD; nothing was sent to atradius");
  EXPECT_EQ(atradius_->submits(), 0);
}

TEST_F(CreditLimitActionsTest, AWithdrawalAndAReductionByTheInsurerAreFoundAndCounted) {
  StartDaemon();
  WaitStatus(Ask("50000.00", "k-1"), "succeeded");
  WaitDecision(kKey, "approved");
  atradius_->Reduce("70001", 30000, "Deterioration of payment behaviour");
  auto reduced = WaitDecision(kKey, "reduced");
  EXPECT_EQ(reduced["granted"], "30000.00");
  atradius_->Withdraw("70001");
  auto withdrawn = WaitDecision(kKey, "withdrawn");
  EXPECT_EQ(withdrawn["granted"], "0.00");
  const std::string metrics = Metrics();
  EXPECT_NE(metrics.find("tributary_credit_limit_changes_total{connector=\"cover\",decision=\"reduced\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("tributary_credit_limit_changes_total{connector=\"cover\",decision=\"withdrawn\"} 1"),
            std::string::npos);
  // Every version reached the core: approved, reduced, withdrawn.
  int versions = 0;
  for (const auto& change : daemon_->AllChanges()) versions += change.value("key", "") == kKey ? 1 : 0;
  EXPECT_EQ(versions, 3);
}

TEST_F(CreditLimitActionsTest, AKillBetweenTheSendAndItsAnswerLeavesOneRequestAtTheInsurer) {
  StartDaemon();
  atradius_->faults().Hold();
  auto job = Ask("50000.00", "k-1");
  ASSERT_TRUE(WaitUntil([&] { return atradius_->faults().held_calls() >= 1; }, seconds(20))) << daemon_->Log();
  daemon_->Kill();
  atradius_->faults().Release();
  daemon_->Start();
  job = WaitStatus(job, "succeeded");
  EXPECT_EQ(atradius_->submits(), 1);
  EXPECT_GE(job.value("attempts", 0), 2);
  auto data = WaitDecision(kKey, "approved");
  EXPECT_EQ(data["granted"], "50000.00");
}

}  // namespace
}  // namespace tributary::testing
