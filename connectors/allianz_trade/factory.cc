#include "connectors/allianz_trade/factory.h"

#include "connectors/allianz_trade/allianz_trade_config.h"
#include "connectors/allianz_trade/allianz_trade_provider.h"
#include "connectors/kit/api_caller.h"
#include "connectors/kit/cover_action.h"

namespace tributary::connectors::allianz_trade {
namespace {

// One provider per side (and per worker of the action side): each is used by one thread.
std::unique_ptr<AllianzTradeProvider> ProviderOf(const config::ConnectorConfig& config,
                                                 const AllianzTradeConfig& settings, const ConnectorContext& context) {
  if (context.metrics != nullptr) {
    kit::DescribeGrantMetrics(*context.metrics);
    kit::DescribeApiMetrics(*context.metrics);
  }
  return std::make_unique<AllianzTradeProvider>(settings, ProviderContext{.connector = config.name,
                                                                          .state_path = context.state_path,
                                                                          .clock = context.services.clock,
                                                                          .budgets = context.services.budgets,
                                                                          .grant_locks = context.services.grant_locks,
                                                                          .metrics = context.metrics});
}

}  // namespace

ConnectorFactory Factory() {
  return kit::InsurerFactory<AllianzTradeConfig>("allianz_trade", ParseAllianzTradeConfig, ProviderOf);
}

}  // namespace tributary::connectors::allianz_trade
