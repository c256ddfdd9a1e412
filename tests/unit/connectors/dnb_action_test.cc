// The dnb connector as the daemon builds it (the registry's factory): the score action
// against the D&B double with a small JobStoreView (the record and proof of a score, the
// lookup cache, ambiguity, none, refused credentials, throttling), and the monitoring
// source rescoring a company after a pulled notification.
#include <gtest/gtest.h>

#include <map>

#include "connectors/kit/score_action.h"
#include "tests/unit/connectors/dnb_fixture.h"

namespace tributary::connectors::dnb::test {
namespace {

// The store as a job sees it: remembered lookups and entities, in memory.
class FakeJobStore final : public JobStoreView {
 public:
  Result<std::optional<std::string>> RecentLookup(const std::string& subject, std::chrono::seconds max_age) override {
    asked.push_back(subject);
    max_ages.push_back(max_age);
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
  std::vector<std::chrono::seconds> max_ages;
};

class DnbActionTest : public DnbFixture {
 protected:
  std::unique_ptr<ActionConnector> MakeAction() {
    const ConnectorFactory* factory = FindConnectorFactory("dnb");
    EXPECT_NE(factory, nullptr);
    EXPECT_EQ(factory->action_kinds, std::vector<ActionKind>{ActionKind::kScore});
    EXPECT_FALSE(factory->config_type.file_rules);
    config_.settings = std::make_shared<DnbConfig>(settings_);
    auto made = factory->make_action(config_, Context());
    EXPECT_TRUE(made.has_value()) << made.error().message;
    return made ? std::move(*made) : nullptr;
  }

  std::unique_ptr<Connector> MakeMonitor() {
    config_.settings = std::make_shared<DnbConfig>(settings_);
    auto made = FindConnectorFactory("dnb")->make(config_, Context());
    EXPECT_TRUE(made.has_value()) << made.error().message;
    return made ? std::move(*made) : nullptr;
  }

  static ActionJob Job(nlohmann::json request) {
    return {.id = "job-1", .kind = ActionKind::kScore, .request = std::move(request)};
  }
  static nlohmann::json AcmeRequest() {
    return {{"connector", kConnector}, {"company", {{"country", "FR"}, {"registration_number", kAcmeSiren}}}};
  }

  FakeJobStore jobs_;
};

TEST_F(DnbActionTest, AScoreBecomesARiskScoreRecordAndItsReport) {
  ActionOutcome outcome = MakeAction()->Run(Job(AcmeRequest()), jobs_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  const std::string key = std::string(kConnector) + ":risk_score:" + kAcmeDuns;
  EXPECT_EQ(outcome.result_key, key);
  EXPECT_FALSE(outcome.from_cache);
  EXPECT_EQ(outcome.lookup_subjects,
            (std::vector<std::string>{"query:FR|reg=494814452|vat=|duns=|name=", std::string("company:") + kAcmeDuns}));
  EXPECT_EQ(jobs_.max_ages.front(), std::chrono::hours(24 * 7));
  ASSERT_EQ(outcome.records.size(), 1u);
  const nlohmann::json data = nlohmann::json::parse(outcome.records[0].json);
  EXPECT_EQ(data["provider"], "dnb");
  EXPECT_EQ(data["source"], kConnector);
  EXPECT_EQ(data["legal_entity"], "FR01");
  EXPECT_EQ(data["company"]["duns"], kAcmeDuns);
  EXPECT_EQ(data["company"]["name"], "ACME INDUSTRIE");
  EXPECT_EQ(data["value_raw"], "58");
  EXPECT_EQ(data["value_numeric"], 58);
  EXPECT_EQ(data["band"], "2 (Low to Moderate Risk)");
  EXPECT_EQ(data["currency"], "EUR");
  EXPECT_EQ(data["recommended_limit"], "25000.50");
  EXPECT_EQ(data["as_of"], "2026-11-30T00:00:00Z");
  ASSERT_EQ(outcome.proofs.size(), 1u);
  EXPECT_EQ(outcome.proofs[0].filename, std::string("dnb-") + kAcmeDuns + ".json");
  EXPECT_EQ(outcome.proofs[0].media_type, "application/json");
  EXPECT_EQ(data["report_sha256"], outcome.proofs[0].Sha256());
  EXPECT_TRUE(dnb_->Subjects(kRegistration).empty());  // no monitoring configured
}

TEST_F(DnbActionTest, ARecentLookupAnswersWithoutABilledCall) {
  jobs_.lookups["query:FR|reg=494814452|vat=|duns=|name="] = "dnb-scores:risk_score:275046387";
  ActionOutcome outcome = MakeAction()->Run(Job(AcmeRequest()), jobs_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  EXPECT_TRUE(outcome.from_cache);
  EXPECT_EQ(outcome.result_key, "dnb-scores:risk_score:275046387");
  EXPECT_TRUE(dnb_->requests().empty());

  // Known by its DUNS: the company's own lookup answers, still without any call.
  FakeJobStore by_company;
  by_company.lookups[std::string("company:") + kAcmeDuns] = "dnb-scores:risk_score:275046387";
  ActionOutcome again = MakeAction()->Run(
      Job({{"connector", kConnector}, {"company", {{"country", "FR"}, {"duns", kAcmeDuns}}}}), by_company, {});
  ASSERT_EQ(again.kind, ActionOutcome::Kind::kSucceeded) << again.reason;
  EXPECT_TRUE(again.from_cache);
  EXPECT_TRUE(dnb_->requests().empty());
}

TEST_F(DnbActionTest, AmbiguityFailsNamingTheMatches) {
  dnb_->PutCompany({.duns = "150483782", .name = "ACME INDUSTRIE SUD", .country = "FR", .registration_number = kAcmeSiren,
                    .status = "Out of Business"});
  ActionOutcome outcome = MakeAction()->Run(Job(AcmeRequest()), jobs_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason,
            "2 companies match SIREN 494814452: ACME INDUSTRIE SUD (150483782, Out of Business), ACME INDUSTRIE "
            "(275046387, Active); ask again with an identifier that names one of them");
  EXPECT_EQ(dnb_->CountRequests("data"), 0);  // nothing bought
}

TEST_F(DnbActionTest, NoMatchFails) {
  ActionOutcome outcome = MakeAction()->Run(
      Job({{"connector", kConnector}, {"company", {{"country", "FR"}, {"name", "Nobody SAS"}}}}), jobs_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "no company matches name \"Nobody SAS\" in FR");
}

TEST_F(DnbActionTest, RefusedCredentialsFailTheJobAndSaySo) {
  settings_.consumer_key.value = "not-the-key";
  ActionOutcome outcome = MakeAction()->Run(Job(AcmeRequest()), jobs_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_NE(outcome.reason.find("refused the consumer key and secret"), std::string::npos) << outcome.reason;
  EXPECT_EQ(dnb_->CountRequests("token"), 1);
}

TEST_F(DnbActionTest, ThrottlingThatLastsIsRetriedLater) {
  dnb_->ThrottleNext(100);
  ActionOutcome outcome = MakeAction()->Run(Job(AcmeRequest()), jobs_, {});
  EXPECT_EQ(outcome.kind, ActionOutcome::Kind::kRetryLater) << outcome.reason;
}

TEST_F(DnbActionTest, AReportOutsideTheScaleFailsAndStoresNothing) {
  PutAcme(250);
  ActionOutcome outcome = MakeAction()->Run(Job(AcmeRequest()), jobs_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "the D&B failure score nationalPercentile 250 is outside its scale 1-100");
  EXPECT_TRUE(outcome.records.empty());
  EXPECT_TRUE(outcome.proofs.empty());
}

TEST_F(DnbActionTest, AnUnknownCurrencyFailsNamingIt) {
  PutAcme(58, "1000", "XYZ");
  ActionOutcome outcome = MakeAction()->Run(Job(AcmeRequest()), jobs_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "the D&B recommended limit's currency \"XYZ\" is not an ISO 4217 code");
  EXPECT_TRUE(outcome.records.empty());
}

TEST_F(DnbActionTest, AMonitoredCompanyIsRescoredAfterANotification) {
  settings_.monitoring = DnbMonitoring{.registration = kRegistration};
  ActionOutcome outcome = MakeAction()->Run(Job(AcmeRequest()), jobs_, {});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  EXPECT_EQ(dnb_->Subjects(kRegistration), std::set<std::string>{kAcmeDuns});

  // What the runner does with the outcome: the record in the store.
  {
    auto store = store::Store::Open(dir_.File("state/tributary.db"));
    ASSERT_TRUE(store.has_value()) << store.error().message;
    auto batch = (*store)->api().BeginBatch({.connector = kConnector, .call = "score job-1", .sha256 = "00", .size = 1});
    ASSERT_TRUE(batch.has_value()) << batch.error().message;
    ASSERT_TRUE((*batch)->OnRecord(std::move(outcome.records[0])).has_value());
    ASSERT_TRUE((*batch)->Commit().has_value());
  }

  auto monitor = MakeMonitor();
  ASSERT_TRUE(monitor->Poll({}).has_value());  // nothing pending
  EXPECT_EQ(dnb_->CountRequests("data"), 1);

  PutAcme(12, "Credit Limit not applicable");
  ASSERT_TRUE(dnb_->Notify(kRegistration, kAcmeDuns, "organization.dnbAssessment.failureScore.nationalPercentile", 58, 12));
  auto polled = monitor->Poll({});
  ASSERT_TRUE(polled.has_value()) << polled.error().message;
  EXPECT_EQ(dnb_->CountRequests("data"), 2);
  auto store = store::Store::Open(dir_.File("state/tributary.db"));
  ASSERT_TRUE(store.has_value());
  auto entity = (*store)->GetEntity(std::string(kConnector) + ":risk_score:" + kAcmeDuns);
  ASSERT_TRUE(entity.has_value()) << entity.error().message;
  const nlohmann::json data = nlohmann::json::parse(entity->data);
  EXPECT_EQ(data["value_raw"], "12");
  EXPECT_EQ(data["value_numeric"], 11);  // (12 - 1) * 100 / 99 = 11.1
  EXPECT_TRUE(data["recommended_limit"].is_null());
}

TEST_F(DnbActionTest, WithoutMonitoringTheSourceDoesNothing) {
  auto monitor = MakeMonitor();
  ASSERT_NE(monitor, nullptr);
  EXPECT_TRUE(monitor->Poll({}).has_value());
  EXPECT_TRUE(dnb_->requests().empty());
}

}  // namespace
}  // namespace tributary::connectors::dnb::test
