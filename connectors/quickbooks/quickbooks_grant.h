// The OAuth grant of a QuickBooks connector: Intuit's authorization code with rotating
// refresh tokens (kit::RefreshTokenGrant), its identity in the store, and the consent page.
#pragma once

#include <string>

#include "connectors/kit/oauth_grants.h"
#include "connectors/quickbooks/quickbooks_config.h"

namespace tributary::connectors::quickbooks {

// The store's identity of the grant a connector uses: provider "quickbooks", the app, the realm.
store::GrantId GrantIdOf(const QuickBooksConfig& settings);

// Basic client authentication, form body, and the opt-in to the hard-expiry member.
kit::RefreshTokenGrant::Settings GrantSettingsOf(const QuickBooksConfig& settings);

// The consent page for `state` (scope com.intuit.quickbooks.accounting, response_type code).
std::string AuthorizationUrl(const QuickBooksConfig& settings, const std::string& state);

// "tributary auth quickbooks --config FILE --connector NAME", for messages.
std::string ConsentCommand(const std::string& connector);

}  // namespace tributary::connectors::quickbooks
