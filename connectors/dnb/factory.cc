#include "connectors/dnb/factory.h"

#include "connectors/dnb/dnb_config.h"
#include "connectors/dnb/dnb_api.h"
#include "connectors/dnb/dnb_provider.h"
#include "connectors/kit/grant_probe.h"
#include "connectors/kit/grant_keeper.h"
#include "connectors/kit/score_action.h"

namespace tributary::connectors::dnb {
namespace {

kit::ScoreSettings ScoreSettingsOf(const config::ConnectorConfig& config, const DnbConfig& settings,
                                   const ConnectorContext& context) {
  return {.connector = config.name,
          .tenant = context.tenant,
          .legal_entity = config.legal_entity,
          .cache_for = settings.cache_for};
}

void DescribeMetrics(const ConnectorContext& context) {
  if (context.metrics == nullptr) return;
  kit::DescribeGrantMetrics(*context.metrics);
  kit::DescribeApiMetrics(*context.metrics);
}

}  // namespace

ConnectorFactory Factory() {
  return Erase(FactoryOf<DnbConfig>{
      .type = "dnb",
      .parse = ParseDnbConfig,
      .file_rules = false,
      // The monitoring source; it does nothing when no registration is configured.
      .make = [](const config::ConnectorConfig& config, const DnbConfig& settings,
                 const ConnectorContext& context) -> Result<std::unique_ptr<Connector>> {
        DescribeMetrics(context);
        return std::make_unique<kit::ScoreMonitor>(ScoreSettingsOf(config, settings, context),
                                                   std::make_unique<DnbProvider>(settings, config.name, context),
                                                   context);
      },
      .action_kinds = {ActionKind::kScore},
      .make_action = [](const config::ConnectorConfig& config, const DnbConfig& settings,
                        const ConnectorContext& context) -> Result<std::unique_ptr<ActionConnector>> {
        DescribeMetrics(context);
        return std::make_unique<kit::ScoreAction>(ScoreSettingsOf(config, settings, context),
                                                  std::make_unique<DnbProvider>(settings, config.name, context),
                                                  context.clock());
      },
      .routes = nullptr,
      .consent = nullptr,
      .tools = {},
      // One token request with the consumer key and secret.
      .probe = [](const config::ConnectorConfig&, const DnbConfig& settings,
                  const ConnectorContext&) -> Result<std::string> {
        return kit::ProbeGrant(*MakeGrant(settings), settings.TokenUrl(), settings.http);
      }});
}

}  // namespace tributary::connectors::dnb
