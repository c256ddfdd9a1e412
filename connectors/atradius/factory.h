// The `atradius` connector type, for the registry: the credit-limit action connector over
// the Atradius Atrium API (kit::CoverAction), and the source that keeps the policy's
// covers as credit_limit records (kit::CoverSync).
#pragma once

#include "connectors/kit/connector.h"

namespace tributary::connectors::atradius {

ConnectorFactory Factory();

}  // namespace tributary::connectors::atradius
