// The `quickbooks` connector: one QuickBooks Online company, loaded once through the query
// endpoint and then kept in sync by change data capture (realm_sync.h), with OAuth tokens
// kept in the store (token_keeper.h) and a client-side request budget (request_budget.h).
#pragma once

#include <memory>

#include "connectors/connector.h"

namespace tributary::connectors::quickbooks {

// Builds the connector from its validated config (settings must be a QuickBooksConfig).
// Loads the mapping of every configured entity; fails when one is invalid.
Result<std::unique_ptr<Connector>> MakeQuickBooksConnector(const config::ConnectorConfig& config,
                                                           const ConnectorContext& context);

}  // namespace tributary::connectors::quickbooks
