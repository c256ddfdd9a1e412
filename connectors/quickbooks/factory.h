// The `quickbooks` connector type, for the registry: the connector, its admin routes
// (webhook, OAuth callback) and its consent command (`tributary auth quickbooks`).
#pragma once

#include "connectors/kit/connector.h"

namespace tributary::connectors::quickbooks {

ConnectorFactory Factory();

}  // namespace tributary::connectors::quickbooks
