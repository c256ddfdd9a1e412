// Scores on the real daemon, through the D&B Direct+ double: a score the core asks for
// reaches the core as a risk_score with its report kept as a proof; an ambiguous company
// fails naming the matches; a second score of the same company is answered from the
// store without a billed call; a monitoring notification updates the score without a job.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "gateway/model/canonical.h"
#include "tests/integration/daemon_harness.h"
#include "tests/testing/dnb_double.h"
#include "tests/testing/fake_core.h"
#include "tests/testing/wait.h"

namespace tributary::testing {
namespace {

using std::chrono::seconds;

class ScoreActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = DnbDouble::Start(clock_);
    ASSERT_TRUE(started.has_value()) << started.error().message;
    dnb_ = std::move(*started);
    Company("300000001", "DUPONT SA", "494814452", 58);
  }
  void TearDown() override {
    daemon_.reset();
    dnb_->faults().Release();
  }

  void Company(const std::string& duns, const std::string& name, const std::string& registration, int percentile) {
    dnb_->PutCompany({.duns = duns,
                      .name = name,
                      .country = "FR",
                      .registration_number = registration,
                      .assessment = DnbDouble::Assessment(percentile, 2, "Low risk", "25000.50", "EUR")});
  }

  void StartDaemon(const std::string& monitoring = "") {
    auto core = FakeCore::Start();
    ASSERT_TRUE(core.has_value());
    core_ = std::move(*core);
    HarnessOptions options{.push_url = core_->base_url(), .push_token = core_->token(), .connectors_yaml = ""};
    daemon_ = std::make_unique<DaemonHarness>(options);
    const auto secret = daemon_->root() / "dnb-secret";
    std::ofstream(secret) << dnb_->options().consumer_secret;
    std::filesystem::permissions(secret, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::ostringstream yaml;
    yaml << "  - name: scores\n    type: dnb\n    schedule: 200ms\n"
         << "    dnb:\n      base_url: " << dnb_->base_url() << "\n"
         << "      consumer_key: " << dnb_->options().consumer_key << "\n"
         << "      consumer_secret: ${file:" << secret.string() << "}\n"
         << "      backoff: 10ms\n      max_backoff: 50ms\n      max_attempts: 2\n"
         << monitoring;
    daemon_->Reconfigure(yaml.str());
    daemon_->Start();
  }

  nlohmann::json Score(const std::string& registration, const std::string& key) {
    int status = 0;
    nlohmann::json body = {{"connector", "scores"},
                           {"company", {{"country", "FR"}, {"registration_number", registration}}}};
    auto job = daemon_->PostJson("/v1/actions/score", body.dump(), {{"Idempotency-Key", key}}, &status);
    EXPECT_EQ(status, 202) << job.dump();
    return job;
  }

  nlohmann::json WaitFinal(const nlohmann::json& job) {
    nlohmann::json seen;
    EXPECT_TRUE(WaitUntil(
        [&] {
          seen = daemon_->Get("/v1/actions/" + job["id"].get<std::string>());
          const std::string status = seen.value("status", "");
          return status == "succeeded" || status == "failed";
        },
        seconds(20)))
        << seen.dump() << daemon_->Log();
    return seen;
  }

  int DataCalls() {
    int calls = 0;
    for (const DnbRequest& request : dnb_->requests()) calls += request.kind == "data" ? 1 : 0;
    return calls;
  }

  FakeClock clock_;
  std::unique_ptr<DnbDouble> dnb_;
  std::unique_ptr<FakeCore> core_;
  std::unique_ptr<DaemonHarness> daemon_;
};

TEST_F(ScoreActionsTest, AScoreTheCoreAsksForReachesTheCoreWithItsReportKept) {
  StartDaemon();
  auto job = WaitFinal(Score("494814452", "k-1"));
  ASSERT_EQ(job["status"], "succeeded") << job.dump();
  const std::string key = job["result_key"];
  EXPECT_EQ(key, "scores:risk_score:300000001");
  ASSERT_TRUE(WaitUntil([&] { return core_->entity(key).has_value(); }, seconds(20))) << daemon_->Log();
  const nlohmann::json data = core_->entity(key)->data;
  EXPECT_EQ(data["provider"], "dnb");
  EXPECT_EQ(data["value_raw"], "58");
  EXPECT_EQ(data["recommended_limit"], "25000.50");
  EXPECT_EQ(data["currency"], "EUR");
  EXPECT_EQ(data["company"]["name"], "DUPONT SA");
  EXPECT_FALSE(job["from_cache"].get<bool>());
  const std::string report = daemon_->GetText("/v1/proofs/" + data["report_sha256"].get<std::string>());
  EXPECT_NE(report.find("300000001"), std::string::npos);
  EXPECT_EQ(model::Sha256Hex(report), data["report_sha256"]);
}

TEST_F(ScoreActionsTest, ABodyOverTheLimitIsRefusedBeforeItIsRead) {
  StartDaemon();
  int status = 0;
  const std::string body = R"({"connector":"scores","company":{"country":"FR","name":")" +
                           std::string(2 << 20, 'x') + "\"}}";
  daemon_->PostJson("/v1/actions/score", body, {{"Idempotency-Key", "k-big"}}, &status);
  EXPECT_EQ(status, 413);
  EXPECT_EQ(daemon_->Get("/v1/actions")["actions"].size(), 0u);
}

TEST_F(ScoreActionsTest, AnAmbiguousCompanyFailsNamingTheMatches) {
  Company("300000002", "DUPONT SUD", "494814452", 40);
  StartDaemon();
  auto job = WaitFinal(Score("494814452", "k-1"));
  ASSERT_EQ(job["status"], "failed");
  const std::string error = job["error"];
  EXPECT_NE(error.find("2 companies match SIREN 494814452"), std::string::npos) << error;
  EXPECT_NE(error.find("DUPONT SA (300000001"), std::string::npos) << error;
  EXPECT_NE(error.find("DUPONT SUD (300000002"), std::string::npos) << error;
  EXPECT_EQ(DataCalls(), 0);
}

TEST_F(ScoreActionsTest, TheSameCompanyScoredAgainIsNotBilledTwice) {
  StartDaemon();
  auto first = WaitFinal(Score("494814452", "k-1"));
  ASSERT_EQ(first["status"], "succeeded");
  auto second = WaitFinal(Score("494814452", "k-2"));
  ASSERT_EQ(second["status"], "succeeded");
  EXPECT_TRUE(second["from_cache"].get<bool>());
  EXPECT_EQ(second["result_key"], first["result_key"]);
  EXPECT_EQ(DataCalls(), 1);
  int upserts = 0;
  for (const auto& change : daemon_->AllChanges()) upserts += change.value("key", "") == first["result_key"] ? 1 : 0;
  EXPECT_EQ(upserts, 1);
}

TEST_F(ScoreActionsTest, AMonitoringNotificationUpdatesTheScoreWithoutAJob) {
  StartDaemon("      monitoring: {registration: tributary-scores}\n");
  auto job = WaitFinal(Score("494814452", "k-1"));
  ASSERT_EQ(job["status"], "succeeded");
  ASSERT_EQ(dnb_->Subjects("tributary-scores").count("300000001"), 1u);
  const std::string key = job["result_key"];

  Company("300000001", "DUPONT SA", "494814452", 12);
  ASSERT_TRUE(dnb_->Notify("tributary-scores", "300000001", "organization.dnbAssessment.failureScore.nationalPercentile",
                           58, 12));
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto entity = core_->entity(key);
        return entity && entity->data.value("value_raw", "") == "12";
      },
      seconds(20)))
      << daemon_->Log();
  EXPECT_EQ(core_->entity(key)->version, 2);
  EXPECT_EQ(daemon_->Get("/v1/actions")["actions"].size(), 1u);
}

}  // namespace
}  // namespace tributary::testing
