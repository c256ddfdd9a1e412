// The `directory` connector type, for the registry.
#pragma once

#include "connectors/kit/connector.h"

namespace tributary::connectors::directory {

ConnectorFactory Factory();

}  // namespace tributary::connectors::directory
