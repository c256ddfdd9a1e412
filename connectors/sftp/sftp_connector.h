// The `sftp` connector: an ERP drops files into a folder on an SFTP server.
#pragma once

#include <memory>
#include <string>

#include "connectors/kit/connector.h"
#include "connectors/sftp/sftp_config.h"

namespace tributary::connectors::sftp {

// Builds the connector from its validated config. Loads the mappings of its file rules and
// creates the local spool folder; does not connect.
Result<std::unique_ptr<Connector>> MakeSftpConnector(const config::ConnectorConfig& config, const SftpConfig& settings,
                                                     const ConnectorContext& context);

}  // namespace tributary::connectors::sftp
