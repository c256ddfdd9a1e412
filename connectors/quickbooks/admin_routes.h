// The admin API routes of QuickBooks connectors, reached without the admin token
// (gateway/admin/public_routes.h):
//   POST /webhooks/quickbooks  Intuit's webhook: verified with each connector's
//                              webhook_verifier_token; the connectors of the realms it
//                              names run change data capture now. Its content is never data.
//   GET  /oauth/callback       the consent redirect: completes `tributary auth quickbooks`
//                              when redirect_uri points at this gateway.
#pragma once

#include <vector>

#include "connectors/kit/connector.h"
#include "connectors/quickbooks/quickbooks_config.h"

namespace tributary::connectors::quickbooks {

// The routes of the quickbooks `connectors` of the daemon's config; null when none.
PublicRoute MakeQuickBooksRoutes(const std::vector<ConfiguredConnector<QuickBooksConfig>>& connectors,
                                 const RouteDeps& deps);

}  // namespace tributary::connectors::quickbooks
