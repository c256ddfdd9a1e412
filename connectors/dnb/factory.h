// The `dnb` connector type, for the registry: the score action of D&B Direct+ and, when a
// monitoring registration is configured, its monitoring source.
#pragma once

#include "connectors/kit/connector.h"

namespace tributary::connectors::dnb {

ConnectorFactory Factory();

}  // namespace tributary::connectors::dnb
