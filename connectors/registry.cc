// The one list of connector types. Adding a connector = one entry here.
#include "connectors/connector.h"
#include "connectors/directory/directory_config.h"
#include "connectors/directory/directory_connector.h"
#include "connectors/quickbooks/quickbooks_config.h"
#include "connectors/quickbooks/quickbooks_connector.h"
#include "connectors/sftp/sftp_config.h"
#include "connectors/sftp/sftp_connector.h"

namespace tributary::connectors {

const std::vector<ConnectorFactory>& RegisteredConnectors() {
  static const std::vector<ConnectorFactory> kFactories = {
      {.config_type = {.type = "directory", .parse = directory::ParseDirectoryConfig},
       .make = directory::MakeDirectoryConnector},
      {.config_type = {.type = "sftp", .parse = sftp::ParseSftpConfig}, .make = sftp::MakeSftpConnector},
      {.config_type = {.type = "quickbooks", .parse = quickbooks::ParseQuickBooksConfig, .file_rules = false},
       .make = quickbooks::MakeQuickBooksConnector},
  };
  return kFactories;
}

std::vector<config::ConnectorType> RegisteredConfigTypes() {
  std::vector<config::ConnectorType> types;
  for (const ConnectorFactory& factory : RegisteredConnectors()) types.push_back(factory.config_type);
  return types;
}

}  // namespace tributary::connectors
