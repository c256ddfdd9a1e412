// The `sftp` connector type, for the registry.
#pragma once

#include "connectors/kit/connector.h"

namespace tributary::connectors::sftp {

ConnectorFactory Factory();

}  // namespace tributary::connectors::sftp
