// The connector types of this build. The list itself is TRIBUTARY_ALL_CONNECTORS (or the
// TRIBUTARY_CONNECTORS a build keeps) in connectors/CMakeLists.txt, which writes
// registry_entries.inc: one `<name>::Factory()` per type, in the order listed.
#include "connectors/kit/connector.h"
#include "connectors/registry_entries.h"

namespace tributary::connectors {

const std::vector<ConnectorFactory>& RegisteredConnectors() {
  static const std::vector<ConnectorFactory> kFactories = {
#include "connectors/registry_entries.inc"
  };
  return kFactories;
}

}  // namespace tributary::connectors
