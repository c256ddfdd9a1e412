// `tributary auth quickbooks --config FILE --connector NAME [--redirect-url URL]`: prints
// the authorization URL, then completes the code exchange from the redirect address the
// admin pastes (or gives with --redirect-url), or notices that the admin API's
// /oauth/callback completed it. Tokens go to the store, encrypted with the key file next
// to it (created at the first consent).
#pragma once

#include "connectors/kit/connector.h"
#include "connectors/quickbooks/quickbooks_config.h"

namespace tributary::connectors::quickbooks {

// Exit codes: 0 connected, 1 the consent failed (refused, expired, wrong company, token
// endpoint error).
int RunQuickBooksConsent(const ConsentOptions& options, const QuickBooksConfig& settings, ConsentStreams streams);

}  // namespace tributary::connectors::quickbooks
