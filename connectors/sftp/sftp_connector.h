// The `sftp` connector: an ERP drops files into a folder on an SFTP server.
#pragma once

#include <memory>
#include <string>

#include "connectors/connector.h"

namespace tributary::connectors::sftp {

// Builds the connector from its validated config (settings must be an SftpConfig). Loads
// the mappings of its file rules and creates the local spool folder; does not connect.
Result<std::unique_ptr<Connector>> MakeSftpConnector(const config::ConnectorConfig& config,
                                                     const ConnectorContext& context);

// True when a name listed by the server may be used as a file name: not empty, no '/',
// not "." or "..", no NUL.
bool IsSafeRemoteName(const std::string& name);

}  // namespace tributary::connectors::sftp
