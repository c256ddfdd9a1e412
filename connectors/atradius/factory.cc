#include "connectors/atradius/factory.h"

#include "connectors/atradius/atradius_config.h"
#include "connectors/atradius/atradius_provider.h"
#include "connectors/kit/api_caller.h"
#include "connectors/kit/cover_action.h"

namespace tributary::connectors::atradius {
namespace {

std::unique_ptr<AtradiusProvider> ProviderOf(const config::ConnectorConfig& config, const AtradiusConfig& settings,
                                             const ConnectorContext& context) {
  if (context.metrics != nullptr) {
    kit::DescribeGrantMetrics(*context.metrics);
    kit::DescribeApiMetrics(*context.metrics);
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
  return kit::InsurerFactory<AtradiusConfig>("atradius", ParseAtradiusConfig, ProviderOf);
}

}  // namespace tributary::connectors::atradius
