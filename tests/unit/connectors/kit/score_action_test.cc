// The kit's score action, over a scripted agency: the company from a request or from the
// canonical customer, one match or a business failure naming the matches, the lookup
// cache, the risk_score record and its proof, and what an error becomes.
#include "connectors/kit/score_action.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/testing/fake_clock.h"
#include "tests/testing/memory_job_view.h"

namespace tributary::connectors::kit {
namespace {

struct ScriptedAgency {
  std::vector<CompanyMatch> matches = {{.id = "FR-X-1", .name = "ACME", .country = "FR"}};
  std::optional<Error> search_error;
  std::optional<Error> report_error;
  std::optional<int64_t> value = 58;
  std::string currency = "EUR";
  int searches = 0;
  int reports = 0;
  std::vector<CompanyQuery> queries;
  bool monitors = false;
  std::optional<Error> watch_error;
  int watches = 0;
};

class ScriptedProvider final : public ScoreProvider {
 public:
  explicit ScriptedProvider(ScriptedAgency& agency) : agency_(agency) {}
  [[nodiscard]] std::string provider() const override { return "agency"; }
  Result<std::vector<CompanyMatch>> FindCompany(const CompanyQuery& query, std::stop_token) override {
    ++agency_.searches;
    agency_.queries.push_back(query);
    if (agency_.search_error) return std::unexpected(*agency_.search_error);
    return agency_.matches;
  }
  Result<ScoreReport> FetchReport(const CompanyMatch& company, std::stop_token) override {
    ++agency_.reports;
    if (agency_.report_error) return std::unexpected(*agency_.report_error);
    ScoreReport report;
    report.company = company;
    report.value_raw = agency_.value ? std::to_string(*agency_.value) : "Not Rated";
    report.value_numeric = agency_.value;
    report.scale = "0-100";
    report.band = "B";
    report.recommended_limit = model::Money{.minor = 2500000, .currency = agency_.currency};
    report.as_of = "2026-05-07T00:00:00Z";
    report.report = {.content = R"({"report":1})", .media_type = "application/json", .filename = "r.json"};
    return report;
  }
  [[nodiscard]] bool Monitors() const override { return agency_.monitors; }
  Status Watch(const CompanyMatch&, std::stop_token) override {
    ++agency_.watches;
    if (agency_.watch_error) return std::unexpected(*agency_.watch_error);
    return Ok();
  }

 private:
  ScriptedAgency& agency_;
};

using MemoryView = testing::MemoryJobView;

class ScoreActionTest : public ::testing::Test {
 protected:
  ActionOutcome Run(const std::string& request) {
    ScoreAction action({.connector = "cs", .tenant = "acme"}, std::make_unique<ScriptedProvider>(agency_), clock_);
    ActionJob job{.id = "j1", .kind = ActionKind::kScore, .request = nlohmann::json::parse(request)};
    return action.Run(job, view_, {});
  }

  ScriptedAgency agency_;
  MemoryView view_;
  testing::FakeClock clock_;
};

constexpr const char* kCompany = R"({"connector":"cs","company":{"country":"fr","registration_number":"494814452"}})";

TEST_F(ScoreActionTest, AReportBecomesARiskScoreWithItsProof) {
  ActionOutcome outcome = Run(kCompany);
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  EXPECT_EQ(outcome.result_key, "cs:risk_score:FR-X-1");
  ASSERT_EQ(outcome.records.size(), 1u);
  const auto& data = outcome.records[0].data;
  EXPECT_EQ(data["provider"], "agency");
  EXPECT_EQ(data["value_numeric"], 58);
  EXPECT_EQ(data["recommended_limit"], "25000.00");
  EXPECT_EQ(data["currency"], "EUR");
  EXPECT_EQ(data["party"], nullptr);
  ASSERT_EQ(outcome.proofs.size(), 1u);
  EXPECT_EQ(data["report_sha256"], outcome.proofs[0].Sha256());
  EXPECT_EQ(agency_.queries[0].country, "FR");
  EXPECT_EQ(agency_.queries[0].registration_scheme, "SIREN");
  EXPECT_EQ(outcome.lookup_subjects.size(), 2u);
}

TEST_F(ScoreActionTest, ARecentLookupAnswersWithoutABilledCall) {
  view_.lookups["query:FR|reg=494814452|vat=|duns=|name="] = "cs:risk_score:FR-X-1";
  ActionOutcome outcome = Run(kCompany);
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded);
  EXPECT_TRUE(outcome.from_cache);
  EXPECT_EQ(agency_.searches, 0);
  EXPECT_EQ(agency_.reports, 0);

  // Known by the agency's id after a search under other identifiers: still no report.
  view_.lookups.clear();
  view_.lookups["company:FR-X-1"] = "cs:risk_score:FR-X-1";
  outcome = Run(R"({"connector":"cs","company":{"country":"FR","vat_number":"FR85494814452"}})");
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded);
  EXPECT_TRUE(outcome.from_cache);
  EXPECT_EQ(agency_.searches, 1);
  EXPECT_EQ(agency_.reports, 0);
  EXPECT_EQ(outcome.lookup_subjects, std::vector<std::string>{"query:FR|reg=|vat=FR85494814452|duns=|name="});
}

TEST_F(ScoreActionTest, SeveralMatchesFailNamingThem) {
  agency_.matches = {{.id = "FR-X-1", .name = "ACME", .status = "Active"}, {.id = "FR-X-2", .name = "ACME SUD"}};
  ActionOutcome outcome = Run(kCompany);
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason,
            "2 companies match SIREN 494814452: ACME (FR-X-1, Active), ACME SUD (FR-X-2); ask again with an identifier "
            "that names one of them");
  EXPECT_EQ(agency_.reports, 0);
  agency_.matches.clear();
  outcome = Run(kCompany);
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "no company matches SIREN 494814452 in FR");
}

TEST_F(ScoreActionTest, ACustomerIsSearchedByItsIdentifiersAndCountry) {
  store::EntityVersion customer;
  customer.entity = "customer";
  customer.data = R"({"name":"Dupont SA","identifiers":[{"scheme":"siret","value":"49481445200012"},)"
                  R"({"scheme":"SIREN","value":"494814452"},{"scheme":"VAT","value":"FR85494814452"}],)"
                  R"("addresses":[{"city":"Paris"},{"country":"fr"}]})";
  view_.entities["erp:customer:C1"] = customer;
  ActionOutcome outcome = Run(R"({"connector":"cs","customer":"erp:customer:C1"})");
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded) << outcome.reason;
  ASSERT_EQ(agency_.queries.size(), 1u);
  EXPECT_EQ(agency_.queries[0].registration_number, "494814452");  // the SIREN before the SIRET
  EXPECT_EQ(agency_.queries[0].vat_number, "FR85494814452");
  EXPECT_EQ(agency_.queries[0].country, "FR");
  EXPECT_EQ(outcome.records[0].data["party"], "erp:customer:C1");

  outcome = Run(R"({"connector":"cs","customer":"erp:customer:C9"})");
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "customer \"erp:customer:C9\" is not known to the gateway");
  customer.data = R"({"name":"Dupont SA"})";
  view_.entities["erp:customer:C2"] = customer;
  outcome = Run(R"({"connector":"cs","customer":"erp:customer:C2"})");
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_NE(outcome.reason.find("has no identifier to search by"), std::string::npos);
}

TEST_F(ScoreActionTest, AReportThatMakesNoSenseFailsAndNothingIsStored) {
  agency_.value = 130;
  ActionOutcome outcome = Run(kCompany);
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "the agency report on FR-X-1 makes no sense: the normalised score 130 is outside 0-100");
  EXPECT_TRUE(outcome.records.empty());
  agency_.value = 50;
  agency_.currency = "EURO";
  outcome = Run(kCompany);
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_NE(outcome.reason.find("\"EURO\" is not an ISO 4217 code"), std::string::npos);
}

TEST_F(ScoreActionTest, AProviderDownWaitsAndARefusalFails) {
  agency_.report_error = Error{ErrorCode::kUnavailable, "agency answered 503"};
  ActionOutcome outcome = Run(kCompany);
  EXPECT_EQ(outcome.kind, ActionOutcome::Kind::kRetryLater);
  EXPECT_EQ(outcome.reason, "agency answered 503");
  agency_.report_error.reset();
  agency_.search_error = Error{ErrorCode::kRejected, "agency refused the credentials"};
  outcome = Run(kCompany);
  EXPECT_EQ(outcome.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "agency refused the credentials");
}

TEST_F(ScoreActionTest, AFailedWatchDoesNotFailABoughtScore) {
  agency_.monitors = true;
  agency_.watch_error = Error{ErrorCode::kUnavailable, "portfolio down"};
  ActionOutcome outcome = Run(kCompany);
  EXPECT_EQ(outcome.kind, ActionOutcome::Kind::kSucceeded);
  EXPECT_EQ(agency_.watches, 1);
}

}  // namespace
}  // namespace tributary::connectors::kit
