// The score action of every scoring agency, written once: a job's request (a canonical
// customer or a company) becomes a CompanyQuery, the agency's search must find exactly
// one company (otherwise the job fails and says which matched, never a guess), a lookup
// within `cache_for` answers from the store without a billed call, and the report becomes
// a risk_score record plus the report itself as a proof document. ScoreMonitor is the
// source side: the agency's monitoring feed re-reads the reports of changed companies and
// updates their risk_score without any job.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "connectors/kit/action_connector.h"
#include "connectors/kit/connector.h"
#include "connectors/kit/score_provider.h"

namespace tributary::connectors::kit {

struct ScoreSettings {
  std::string connector;     // the connector's name: the source of its risk_score keys
  std::string tenant;
  std::string legal_entity;  // may be empty
  std::chrono::seconds cache_for{std::chrono::hours(24 * 7)};
  int workers = 4;  // score jobs run at once (ActionConnector::workers)
};

// The risk_score record of `report`, keyed `<connector>:risk_score:<company id>`;
// `party` is the customer key the score was asked for ("" when none); `fetched_at` is
// RFC 3339 (source_updated_at, not part of the content hash, so re-reading an unchanged
// report makes no new version).
// `provider` is the agency's connector type. kParse when the report cannot be stored (a
// normalised value outside 0-100, a currency that is not ISO 4217).
Result<model::CanonicalRecord> RiskScoreRecord(const ScoreSettings& settings, const std::string& provider,
                                               const ScoreReport& report, const std::string& party,
                                               const std::string& fetched_at);

// The CompanyQuery of a score request: its `company` object, or the identifiers and first
// address of the canonical customer it names. kInvalidArgument (a business reason) when
// the customer is unknown or names no identifier the agency can search by.
Result<CompanyQuery> QueryOfRequest(const nlohmann::json& request, JobStoreView& store);

class ScoreAction final : public ActionConnector {
 public:
  ScoreAction(ScoreSettings settings, std::unique_ptr<ScoreProvider> provider, const Clock& clock);
  [[nodiscard]] const std::string& name() const override { return settings_.connector; }
  [[nodiscard]] int workers() const override { return settings_.workers; }
  ActionOutcome Run(const ActionJob& job, JobStoreView& store, std::stop_token stop) override;

 private:
  ScoreSettings settings_;
  std::unique_ptr<ScoreProvider> provider_;
  const Clock& clock_;
};

// The monitoring source of a scoring agency: each Poll reads the changes since its cursor
// and stores the new risk_score of every changed company, with the cursor, in one batch
// per page. A company the store has no risk_score for is skipped: only scored companies
// are monitored. Does nothing when the provider does not monitor.
class ScoreMonitor final : public Connector {
 public:
  ScoreMonitor(ScoreSettings settings, std::unique_ptr<ScoreProvider> provider, ConnectorContext context);
  [[nodiscard]] const std::string& name() const override { return settings_.connector; }
  Status Poll(std::stop_token stop) override;

 private:
  ScoreSettings settings_;
  std::unique_ptr<ScoreProvider> provider_;
  ConnectorContext context_;
};

}  // namespace tributary::connectors::kit
