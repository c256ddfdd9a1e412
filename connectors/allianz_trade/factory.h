// The `allianz_trade` connector type, for the registry: the credit-limit action connector
// over Allianz Trade (ex Euler Hermes), and the source that keeps the policy's covers
// current in credit_limit.
#pragma once

#include "connectors/kit/connector.h"

namespace tributary::connectors::allianz_trade {

ConnectorFactory Factory();

}  // namespace tributary::connectors::allianz_trade
