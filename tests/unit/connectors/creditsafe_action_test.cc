// The score action and the monitoring source of the `creditsafe` type, against the
// Creditsafe double: what a job sees (records, proofs, cache, ambiguity, errors) and what
// the monitor stores.
#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "connectors/creditsafe/factory.h"
#include "connectors/kit/score_action.h"
#include "gateway/store/store.h"
#include "tests/unit/connectors/creditsafe_fixture.h"

namespace tributary::connectors::creditsafe::test {
namespace {

using namespace std::chrono_literals;

// The store as a job sees it: remembered lookups and known entities, in memory.
class FakeJobStore final : public JobStoreView {
 public:
  Result<std::optional<std::string>> RecentLookup(const std::string& subject, std::chrono::seconds max_age) override {
    asked.push_back(subject);
    last_max_age = max_age;
    auto found = lookups.find(subject);
    if (found == lookups.end()) return std::optional<std::string>();
    return std::optional<std::string>(found->second);
  }
  Result<std::optional<store::EntityVersion>> Entity(const std::string& key) override {
    auto found = entities.find(key);
    if (found == entities.end()) return std::optional<store::EntityVersion>();
    return std::optional<store::EntityVersion>(found->second);
  }
  Status CommitIntent(const std::string&) override { return Ok(); }

  std::map<std::string, std::string> lookups;
  std::map<std::string, store::EntityVersion> entities;
  std::vector<std::string> asked;
  std::chrono::seconds last_max_age{0};
};

class CreditsafeActionTest : public CreditsafeFixture {
 protected:
  std::unique_ptr<kit::ScoreAction> MakeAction() {
    return std::make_unique<kit::ScoreAction>(
        kit::ScoreSettings{.connector = "scores", .tenant = "acme", .cache_for = settings_.cache_for}, MakeProvider(),
        clock_);
  }

  ActionJob Job(nlohmann::json request) { return {.id = "job-1", .kind = ActionKind::kScore, .request = std::move(request)}; }

  ActionJob CompanyJob(const std::string& registration_number) {
    return Job({{"connector", "scores"}, {"company", {{"country", "FR"}, {"registration_number", registration_number}}}});
  }

  FakeJobStore store_view_;
};

TEST_F(CreditsafeActionTest, AScoreJobStoresTheRiskScoreAndTheReport) {
  settings_.monitoring = CreditsafeMonitoring{.portfolio_id = kPortfolio};
  store_view_.entities["erp:customer:C-1"] = {
      .key = "erp:customer:C-1",
      .entity = "customer",
      .data = R"({"name":"Le Jules Verne","identifiers":[{"scheme":"SIREN","value":"494814452"}],)"
              R"("addresses":[{"country":"FR"}]})"};
  auto action = MakeAction();
  ActionOutcome outcome = action->Run(Job({{"connector", "scores"}, {"customer", "erp:customer:C-1"}}), store_view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  EXPECT_FALSE(outcome.from_cache);
  EXPECT_EQ(outcome.result_key, "scores:risk_score:FR-X-49481445200012");
  ASSERT_EQ(outcome.records.size(), 1u);
  const auto& data = outcome.records[0].data;
  EXPECT_EQ(data["party"], "erp:customer:C-1");
  EXPECT_EQ(data["provider"], "creditsafe");
  EXPECT_EQ(data["value_raw"], "58");
  EXPECT_EQ(data["value_numeric"], 58);
  EXPECT_EQ(data["scale"], "0-100");
  EXPECT_EQ(data["band"], "B (Low Risk)");
  EXPECT_EQ(data["currency"], "EUR");
  EXPECT_EQ(data["recommended_limit"], "25000.00");
  EXPECT_EQ(data["as_of"], "2021-05-07T00:00:00Z");
  ASSERT_EQ(outcome.proofs.size(), 1u);
  EXPECT_EQ(data["report_sha256"], outcome.proofs[0].Sha256());
  EXPECT_EQ(outcome.proofs[0].filename, "creditsafe-FR-X-49481445200012.json");
  EXPECT_EQ(outcome.lookup_subjects,
            (std::vector<std::string>{"query:FR|reg=494814452|vat=|duns=|name=", "company:FR-X-49481445200012"}));
  EXPECT_EQ(store_view_.last_max_age, std::chrono::seconds(7 * 24 * 3600));
  // The scored company is now monitored.
  EXPECT_EQ(double_->PortfolioCompanies(kPortfolio), std::set<std::string>{kJulesVerne});
  EXPECT_EQ(double_->CountRequests("report"), 1);
}

TEST_F(CreditsafeActionTest, ARecentLookupAnswersWithoutABilledCall) {
  store_view_.lookups["query:FR|reg=494814452|vat=|duns=|name="] = "scores:risk_score:FR-X-49481445200012";
  auto action = MakeAction();
  ActionOutcome outcome = action->Run(CompanyJob("494814452"), store_view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  EXPECT_TRUE(outcome.from_cache);
  EXPECT_EQ(outcome.result_key, "scores:risk_score:FR-X-49481445200012");
  EXPECT_EQ(double_->requests().size(), 0u);
}

TEST_F(CreditsafeActionTest, ACompanyScoredRecentlyUnderAnotherQueryIsNotBoughtAgain) {
  store_view_.lookups["company:FR-X-49481445200012"] = "scores:risk_score:FR-X-49481445200012";
  auto action = MakeAction();
  ActionOutcome outcome =
      action->Run(Job({{"company", {{"country", "FR"}, {"vat_number", "FR85494814452"}}}}), store_view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  EXPECT_TRUE(outcome.from_cache);
  EXPECT_EQ(double_->CountRequests("search"), 1);
  EXPECT_EQ(double_->CountRequests("report"), 0);
}

TEST_F(CreditsafeActionTest, AnAmbiguousSearchFailsNamingTheMatches) {
  double_->AddCompany({.id = "FR-X-11111111100011", .reg_no = "11111111100011", .name = "ACME NORD"});
  double_->AddCompany({.id = "FR-X-11111111100029", .reg_no = "11111111100029", .name = "ACME SUD",
                       .status = "NonActive"});
  auto action = MakeAction();
  ActionOutcome outcome = action->Run(CompanyJob("111111111"), store_view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason,
            "2 companies match SIREN 111111111: ACME NORD (FR-X-11111111100011, Active), ACME SUD "
            "(FR-X-11111111100029, NonActive); ask again with an identifier that names one of them");
  EXPECT_EQ(double_->CountRequests("report"), 0);
}

TEST_F(CreditsafeActionTest, NoMatchFails) {
  auto action = MakeAction();
  ActionOutcome outcome = action->Run(CompanyJob("999999999"), store_view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "no company matches SIREN 999999999 in FR");
}

TEST_F(CreditsafeActionTest, AnOutOfScaleReportFailsAndStoresNothing) {
  double_->AddCompany({.id = "FR-X-22222222200012", .reg_no = "22222222200012", .name = "ODD",
                       .provider_value = "101"});
  auto action = MakeAction();
  ActionOutcome outcome = action->Run(CompanyJob("222222222"), store_view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "the Creditsafe score 101 is outside its scale 0-100");
  EXPECT_TRUE(outcome.records.empty());
}

TEST_F(CreditsafeActionTest, BadCredentialsFailTheJobAndSaySo) {
  settings_.password = {.value = "wrong-password"};
  auto action = MakeAction();
  ActionOutcome outcome = action->Run(CompanyJob("494814452"), store_view_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_NE(outcome.reason.find("refused the username and password"), std::string::npos) << outcome.reason;
  ActionOutcome again = action->Run(CompanyJob("494814452"), store_view_, {});
  ASSERT_EQ(again.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(double_->CountRequests("authenticate"), 1);
}

TEST_F(CreditsafeActionTest, AProviderDownMeansRetryLater) {
  settings_.http.max_attempts = 2;
  double_->FailNext(10, 503);
  auto action = MakeAction();
  ActionOutcome outcome = action->Run(CompanyJob("494814452"), store_view_, {});
  EXPECT_EQ(outcome.kind, ActionOutcome::Kind::kRetryLater) << outcome.reason;
}

TEST_F(CreditsafeActionTest, TheMonitorRereadsTheReportsOfChangedCompanies) {
  settings_.monitoring = CreditsafeMonitoring{.portfolio_id = kPortfolio};
  // Scored once: the risk_score is in the store and the company in the portfolio.
  auto action = MakeAction();
  ActionOutcome scored = action->Run(CompanyJob("494814452"), store_view_, {});
  ASSERT_EQ(scored.kind, ActionOutcome::Kind::kSucceeded) << scored.reason;
  {
    auto store = store::Store::Open(StatePath());
    ASSERT_TRUE(store.has_value()) << store.error().message;
    auto batch = (*store)->api().BeginBatch({.connector = "scores", .call = "score job-1", .sha256 = "00", .size = 1});
    ASSERT_TRUE(batch.has_value()) << batch.error().message;
    ASSERT_TRUE((*batch)->OnRecord(std::move(scored.records[0])).has_value());
    ASSERT_TRUE((*batch)->Commit().has_value());
  }
  ConnectorContext context{.tenant = "acme", .state_path = StatePath()};
  context.services.clock = &clock_;
  kit::ScoreMonitor monitor({.connector = "scores", .tenant = "acme"}, MakeProvider(), context);
  ASSERT_TRUE(monitor.Poll({}).has_value());  // starts from now
  double_->AddCompany({.id = kJulesVerne, .reg_no = "49481445200012", .name = "LE JULES VERNE",
                       .vat_numbers = {"FR85494814452"}, .common_value = "C", .common_description = "Moderate Risk",
                       .provider_value = "41", .limit_value = "12000.50"});
  ASSERT_GT(double_->InjectEvent(kPortfolio, kJulesVerne), 0);
  const int reports_before = double_->CountRequests("report");
  ASSERT_TRUE(monitor.Poll({}).has_value());
  EXPECT_EQ(double_->CountRequests("report"), reports_before + 1);
  auto store = store::Store::Open(StatePath());
  ASSERT_TRUE(store.has_value());
  auto entity = (*store)->GetEntity("scores:risk_score:FR-X-49481445200012");
  ASSERT_TRUE(entity.has_value()) << entity.error().message;
  const auto data = nlohmann::json::parse(entity->data);
  EXPECT_EQ(data["value_numeric"], 41);
  EXPECT_EQ(data["band"], "C (Moderate Risk)");
  EXPECT_EQ(data["recommended_limit"], "12000.50");
  // Nothing new: no report read.
  ASSERT_TRUE(monitor.Poll({}).has_value());
  EXPECT_EQ(double_->CountRequests("report"), reports_before + 1);
}

TEST(CreditsafeFactoryTest, IsAScoreActionTypeWithoutFiles) {
  const ConnectorFactory factory = Factory();
  EXPECT_EQ(factory.config_type.type, "creditsafe");
  EXPECT_FALSE(factory.config_type.file_rules);
  EXPECT_EQ(factory.action_kinds, std::vector<ActionKind>{ActionKind::kScore});
  EXPECT_TRUE(factory.make_action != nullptr);
  EXPECT_TRUE(factory.make != nullptr);
  EXPECT_NE(FindConnectorFactory("creditsafe"), nullptr);
}

}  // namespace
}  // namespace tributary::connectors::creditsafe::test
