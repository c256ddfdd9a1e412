// The `salesforce` connector type, for the registry: the connector and its consent command
// (`tributary auth salesforce`, which tests the JWT bearer flow).
#pragma once

#include "connectors/kit/connector.h"

namespace tributary::connectors::salesforce {

ConnectorFactory Factory();

}  // namespace tributary::connectors::salesforce
