// The OAuth consent of a QuickBooks connector: a person opens the authorization URL, picks
// the company and allows access; Intuit redirects to redirect_uri with `code`, `state` and
// `realmId`. The code is exchanged for the first tokens, which go to the store (never to
// the config). Used by `tributary auth quickbooks` and by the admin API's /oauth/callback.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "connectors/quickbooks/quickbooks_config.h"
#include "gateway/common/result.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"

namespace tributary::connectors::quickbooks {

// How long a started consent can be completed.
inline constexpr int64_t kConsentLifetimeSeconds = 15 * 60;

struct ConsentStart {
  std::string url;    // the page to open in a browser
  std::string state;  // what the redirect must bring back
};

// Records a pending consent with a fresh random state and returns its URL.
// kInvalidArgument when the connector has no redirect_uri.
Result<ConsentStart> StartConsent(const QuickBooksConfig& settings, const std::string& connector,
                                  store::Store& store);

// Completes a consent from the redirect's parameters: the state must be pending for this
// connector (and is spent), the company must be the configured realm_id, and the code is
// exchanged at the token endpoint. The grant is stored active; returns it.
Result<store::OAuthGrant> CompleteConsent(const QuickBooksConfig& settings, const std::string& connector,
                                          store::Store& store, http::HttpClient& client,
                                          const std::map<std::string, std::string>& redirect);

// Same, for whichever of `connectors` (name -> settings) the state was issued to; returns
// that connector's name with the grant. A null `client`: one is made with that
// connector's TLS settings.
Result<std::pair<std::string, store::OAuthGrant>> CompleteAnyConsent(
    const std::map<std::string, const QuickBooksConfig*>& connectors, store::Store& store, http::HttpClient* client,
    const std::map<std::string, std::string>& redirect);

// The query parameters of a redirect URL (or of a bare query string), decoded.
std::map<std::string, std::string> RedirectParameters(std::string_view url);

}  // namespace tributary::connectors::quickbooks
