// The credit-limit action and the covers source of every credit insurer, written once.
//
// CoverAction runs a `POST /v1/actions/credit-limit` job: the policy, currency and amount
// are checked against the insurer's rules, the buyer is resolved (from the request's
// company or the canonical customer's identifiers: exactly one match, or the job fails
// naming them), the intent is committed with the job's id as the request's reference, the
// request is sent once, and a referred request waits (`waiting_provider`) until the
// insurer decides. After a crash between the intent and the answer the insurer is asked
// for the reference first; the request is sent again only when the insurer never got it.
//
// CoverSync is the source side: the insurer's decision feed on every poll (when it has
// one), and the full list of the policy's covers at start and every `full_sync_every`, so
// that credit_limit stays true for covers requested elsewhere. A cover that vanished from
// the list is stored `withdrawn`, never dropped.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "connectors/kit/action_connector.h"
#include "connectors/kit/connector.h"
#include "connectors/kit/insurer_provider.h"

namespace tributary::connectors::kit {

struct CoverSettings {
  std::string connector;     // the connector's name: the source of its credit_limit keys
  std::string tenant;
  std::string legal_entity;  // may be empty
  // How often a referred request is asked about (the insurer's feed may end it sooner).
  std::chrono::seconds decision_poll{std::chrono::minutes(15)};
  std::chrono::seconds full_sync_every{std::chrono::hours(24)};
  int workers = 2;  // credit-limit jobs run at once (ActionConnector::workers)
};

// The canonical decision of `cover`, given the version the store holds (nullopt when
// none) and today's date (YYYY-MM-DD):
// - referred: "pending";
// - cancelled or withdrawn at the insurer: "withdrawn";
// - decided with an expiry before today: "expired";
// - decided at 0: "refused", or "withdrawn" when the stored version had cover;
// - decided below the stored cover while the application asked for more: "reduced" (the
//   insurer cut it on its own; a reduction the insured asked for is "approved");
// - decided at or above what was requested: "approved"; below it: "partially_approved".
std::string CreditLimitDecision(const Cover& cover, const std::optional<nlohmann::json>& stored,
                                const std::string& today);

// The cover a stored credit_limit's `data` holds in force (decided `approved`,
// `partially_approved` or `reduced`, granted > 0): the granted amount in minor units of
// its currency; nullopt when it holds none.
std::optional<int64_t> GrantedInForce(const std::optional<nlohmann::json>& data);

// The canonical key of the cover: `<connector>:credit_limit:<policy>/<buyer id>`.
std::string CreditLimitKey(const CoverSettings& settings, const Cover& cover);

// The credit_limit record of `cover`. `party` is the customer key it was asked for ("" when
// none), `stored` the current version's data (it keeps party, buyer names and requested
// when the insurer leaves them out), `now` the daemon's clock. kParse when the cover cannot
// be stored (no buyer id, a currency that is not ISO 4217, a negative amount).
Result<model::CanonicalRecord> CreditLimitRecord(const CoverSettings& settings, const std::string& provider,
                                                 const Cover& cover, const std::string& party,
                                                 const std::optional<nlohmann::json>& stored,
                                                 std::chrono::system_clock::time_point now);

class CoverAction final : public ActionConnector {
 public:
  CoverAction(CoverSettings settings, std::unique_ptr<InsurerProvider> provider, const Clock& clock);
  [[nodiscard]] const std::string& name() const override { return settings_.connector; }
  [[nodiscard]] int workers() const override { return settings_.workers; }
  ActionOutcome Run(const ActionJob& job, JobStoreView& store, std::stop_token stop) override;

 private:
  CoverSettings settings_;
  std::unique_ptr<InsurerProvider> provider_;
  const Clock& clock_;
};

class CoverSync final : public Connector {
 public:
  CoverSync(CoverSettings settings, std::unique_ptr<InsurerProvider> provider, ConnectorContext context);
  [[nodiscard]] const std::string& name() const override { return settings_.connector; }
  Status Poll(std::stop_token stop) override;

 private:
  CoverSettings settings_;
  std::unique_ptr<InsurerProvider> provider_;
  ConnectorContext context_;
};

// Declares the metrics CoverSync and CoverAction publish (idempotent).
void DescribeCoverMetrics(Metrics& metrics);

// The ConnectorFactory of an insurer type: the covers source (CoverSync) on the
// connector's schedule and the credit-limit action (CoverAction), each over a provider of
// its own from `provider_of` (called once per side and per worker: a provider is used by
// one thread). `Settings` has `decision_poll`, `full_sync_every` and `workers`.
template <typename Settings>
ConnectorFactory InsurerFactory(
    std::string type, std::function<std::unique_ptr<Settings>(config::ConfigNode section)> parse,
    std::function<std::unique_ptr<InsurerProvider>(const config::ConnectorConfig& config, const Settings& settings,
                                                   const ConnectorContext& context)>
        provider_of) {
  auto cover_settings = [](const config::ConnectorConfig& config, const Settings& settings,
                           const ConnectorContext& context) {
    if (context.metrics != nullptr) DescribeCoverMetrics(*context.metrics);
    return CoverSettings{.connector = config.name,
                         .tenant = context.tenant,
                         .legal_entity = config.legal_entity,
                         .decision_poll = settings.decision_poll,
                         .full_sync_every = settings.full_sync_every,
                         .workers = settings.workers};
  };
  return Erase(FactoryOf<Settings>{
      .type = std::move(type),
      .parse = std::move(parse),
      .file_rules = false,
      .make = [=](const config::ConnectorConfig& config, const Settings& settings,
                  const ConnectorContext& context) -> Result<std::unique_ptr<Connector>> {
        return std::make_unique<CoverSync>(cover_settings(config, settings, context),
                                           provider_of(config, settings, context), context);
      },
      .action_kinds = {ActionKind::kCreditLimit},
      .make_action = [=](const config::ConnectorConfig& config, const Settings& settings,
                         const ConnectorContext& context) -> Result<std::unique_ptr<ActionConnector>> {
        return std::make_unique<CoverAction>(cover_settings(config, settings, context),
                                             provider_of(config, settings, context), context.clock());
      },
      .routes = nullptr,
      .consent = nullptr});
}

}  // namespace tributary::connectors::kit
