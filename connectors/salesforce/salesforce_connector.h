// The `salesforce` connector: OrgSync on the connector's thread, with the JWT bearer
// grant, the org's daily API allocation shared as configured (max_api_share), and the
// connector's own request count kept across restarts.
#pragma once

#include <memory>

#include "connectors/kit/connector.h"
#include "connectors/salesforce/salesforce_config.h"

namespace tributary::connectors::salesforce {

// A test hook: the connector stops (kCancelled) after this many page commits of its
// next pass; -1: never.
struct ConnectorHooks {
  int stop_after_commits = -1;
};

Result<std::unique_ptr<Connector>> MakeSalesforceConnector(const config::ConnectorConfig& config,
                                                           const SalesforceConfig& settings,
                                                           const ConnectorContext& context,
                                                           ConnectorHooks hooks = {});

// `tributary auth salesforce`: tries the JWT bearer flow once, prints the instance and the
// user, and stores the grant (which clears a stored refusal). 0 done, 1 failed.
int RunSalesforceConsent(const ConsentOptions& options, const SalesforceConfig& settings, ConsentStreams streams);

}  // namespace tributary::connectors::salesforce
