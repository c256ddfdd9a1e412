// The `directory` connector: ERPs (or people) drop files into a local folder.
#pragma once

#include <memory>

#include "connectors/directory/directory_config.h"
#include "connectors/kit/connector.h"

namespace tributary::connectors::directory {

// Builds the connector from its validated config. Loads the mappings of its file rules;
// fails when one is invalid.
Result<std::unique_ptr<Connector>> MakeDirectoryConnector(const config::ConnectorConfig& config,
                                                          const DirectoryConfig& settings,
                                                          const ConnectorContext& context);

}  // namespace tributary::connectors::directory
