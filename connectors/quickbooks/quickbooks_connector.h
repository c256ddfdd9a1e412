// The `quickbooks` connector: one QuickBooks Online company, loaded once through the query
// endpoint and then kept in sync by change data capture (realm_sync.h), with its OAuth
// grant (quickbooks_grant.h) kept by the kit's GrantKeeper and its requests planned by the
// kit's budget shared per realm.
#pragma once

#include <memory>

#include "connectors/kit/connector.h"
#include "connectors/quickbooks/quickbooks_config.h"

namespace tributary::connectors::quickbooks {

// Builds the connector from its validated config. Loads the mapping of every configured
// entity; fails when one is invalid.
Result<std::unique_ptr<Connector>> MakeQuickBooksConnector(const config::ConnectorConfig& config,
                                                           const QuickBooksConfig& settings,
                                                           const ConnectorContext& context);

}  // namespace tributary::connectors::quickbooks
