// The `creditsafe` connector type, for the registry: a score action connector over the
// Creditsafe Connect API, and the source that follows its Global Monitoring portfolio.
#pragma once

#include "connectors/kit/connector.h"

namespace tributary::connectors::creditsafe {

ConnectorFactory Factory();

}  // namespace tributary::connectors::creditsafe
