#include "connectors/kit/connector.h"

namespace tributary::connectors {

std::vector<config::ConnectorType> RegisteredConfigTypes() {
  std::vector<config::ConnectorType> types;
  for (const ConnectorFactory& factory : RegisteredConnectors()) types.push_back(factory.config_type);
  return types;
}

const ConnectorFactory* FindConnectorFactory(std::string_view type) {
  for (const ConnectorFactory& factory : RegisteredConnectors()) {
    if (factory.config_type.type == type) return &factory;
  }
  return nullptr;
}

}  // namespace tributary::connectors
