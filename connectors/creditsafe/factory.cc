#include "connectors/creditsafe/factory.h"

#include "connectors/creditsafe/creditsafe_config.h"
#include "connectors/creditsafe/creditsafe_probe.h"
#include "connectors/creditsafe/creditsafe_provider.h"
#include "connectors/kit/api_caller.h"
#include "connectors/kit/score_action.h"

namespace tributary::connectors::creditsafe {
namespace {

kit::ScoreSettings ScoreSettingsOf(const config::ConnectorConfig& config, const CreditsafeConfig& settings,
                                   const ConnectorContext& context) {
  return {.connector = config.name, .tenant = context.tenant, .legal_entity = config.legal_entity,
          .cache_for = settings.cache_for};
}

std::unique_ptr<CreditsafeProvider> ProviderOf(const config::ConnectorConfig& config, const CreditsafeConfig& settings,
                                               const ConnectorContext& context) {
  if (context.metrics != nullptr) {
    kit::DescribeGrantMetrics(*context.metrics);
    kit::DescribeApiMetrics(*context.metrics);
  }
  return std::make_unique<CreditsafeProvider>(settings, ProviderContext{.connector = config.name,
                                                                        .state_path = context.state_path,
                                                                        .clock = context.services.clock,
                                                                        .budgets = context.services.budgets,
                                                                        .grant_locks = context.services.grant_locks,
                                                                        .metrics = context.metrics});
}

}  // namespace

ConnectorFactory Factory() {
  return Erase(FactoryOf<CreditsafeConfig>{
      .type = "creditsafe",
      .parse = ParseCreditsafeConfig,
      .file_rules = false,
      // The source side follows the monitoring portfolio; without one, it does nothing.
      .make = [](const config::ConnectorConfig& config, const CreditsafeConfig& settings,
                 const ConnectorContext& context) -> Result<std::unique_ptr<Connector>> {
        return std::make_unique<kit::ScoreMonitor>(ScoreSettingsOf(config, settings, context),
                                                   ProviderOf(config, settings, context), context);
      },
      .action_kinds = {ActionKind::kScore},
      .make_action = [](const config::ConnectorConfig& config, const CreditsafeConfig& settings,
                        const ConnectorContext& context) -> Result<std::unique_ptr<ActionConnector>> {
        return std::make_unique<kit::ScoreAction>(ScoreSettingsOf(config, settings, context),
                                                  ProviderOf(config, settings, context), context.clock());
      },
      .routes = nullptr,
      .consent = nullptr,
      .tools = {},
      .probe = ProbeCreditsafe});
}

}  // namespace tributary::connectors::creditsafe
