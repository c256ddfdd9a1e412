#include "connectors/atradius/factory.h"

#include "connectors/atradius/atradius_config.h"
#include "connectors/atradius/atradius_provider.h"
#include "connectors/kit/api_caller.h"
#include "connectors/kit/cover_action.h"

namespace tributary::connectors::atradius {
namespace {

kit::CoverSettings CoverSettingsOf(const config::ConnectorConfig& config, const AtradiusConfig& settings,
                                   const ConnectorContext& context) {
  return {.connector = config.name,
          .tenant = context.tenant,
          .legal_entity = config.legal_entity,
          .decision_poll = settings.decision_poll,
          .full_sync_every = settings.full_sync_every,
          .workers = settings.workers};
}

std::unique_ptr<AtradiusProvider> ProviderOf(const config::ConnectorConfig& config, const AtradiusConfig& settings,
                                             const ConnectorContext& context) {
  if (context.metrics != nullptr) {
    kit::DescribeGrantMetrics(*context.metrics);
    kit::DescribeApiMetrics(*context.metrics);
    kit::DescribeCoverMetrics(*context.metrics);
  }
  return std::make_unique<AtradiusProvider>(settings, ProviderContext{.connector = config.name,
                                                                      .state_path = context.state_path,
                                                                      .clock = context.services.clock,
                                                                      .budgets = context.services.budgets,
                                                                      .grant_locks = context.services.grant_locks,
                                                                      .metrics = context.metrics});
}

}  // namespace

ConnectorFactory Factory() {
  return Erase(FactoryOf<AtradiusConfig>{
      .type = "atradius",
      .parse = ParseAtradiusConfig,
      .file_rules = false,
      // The source side keeps the policy's covers: the decision feed on every poll, the
      // full list at start and every full_sync_every.
      .make = [](const config::ConnectorConfig& config, const AtradiusConfig& settings,
                 const ConnectorContext& context) -> Result<std::unique_ptr<Connector>> {
        return std::make_unique<kit::CoverSync>(CoverSettingsOf(config, settings, context),
                                                ProviderOf(config, settings, context), context);
      },
      .action_kinds = {ActionKind::kCreditLimit},
      .make_action = [](const config::ConnectorConfig& config, const AtradiusConfig& settings,
                        const ConnectorContext& context) -> Result<std::unique_ptr<ActionConnector>> {
        return std::make_unique<kit::CoverAction>(CoverSettingsOf(config, settings, context),
                                                  ProviderOf(config, settings, context), context.clock());
      },
      .routes = nullptr,
      .consent = nullptr});
}

}  // namespace tributary::connectors::atradius
