#include "connectors/quickbooks/quickbooks_grant.h"

namespace tributary::connectors::quickbooks {

store::GrantId GrantIdOf(const QuickBooksConfig& settings) {
  return {.provider = "quickbooks", .client_id = settings.client_id, .account = settings.realm_id};
}

kit::RefreshTokenGrant::Settings GrantSettingsOf(const QuickBooksConfig& settings) {
  return {.identity = {.id = GrantIdOf(settings), .provider_name = "QuickBooks", .token_url = settings.token_url},
          .client_id = settings.client_id,
          .client_secret = settings.client_secret.value,
          .redirect_uri = settings.redirect_uri,
          .extra_headers = {{"x-include-refresh-token-hard-expires-in", "true"}}};
}

std::string AuthorizationUrl(const QuickBooksConfig& settings, const std::string& state) {
  return settings.authorize_url + "?client_id=" + kit::UrlEncode(settings.client_id) +
         "&response_type=code&scope=" + kit::UrlEncode("com.intuit.quickbooks.accounting") +
         "&redirect_uri=" + kit::UrlEncode(settings.redirect_uri) + "&state=" + kit::UrlEncode(state);
}

std::string ConsentCommand(const std::string& connector) {
  return "tributary auth quickbooks --config FILE --connector " + connector;
}

}  // namespace tributary::connectors::quickbooks
