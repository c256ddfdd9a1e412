// `tributary auth salesforce --config FILE --connector NAME`: the JWT bearer flow needs no
// consent, but this tests it once (a wrong certificate, a user the app is not
// pre-authorised for) and clears a stored refusal so that a running daemon tries again.
#include "connectors/kit/grant_keeper.h"
#include "connectors/salesforce/salesforce_connector.h"
#include "connectors/salesforce/sf_api.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"

namespace tributary::connectors::salesforce {

int RunSalesforceConsent(const ConsentOptions& options, const SalesforceConfig& settings, ConsentStreams streams) {
  const std::string& connector = options.connector->name;
  auto grant_settings = GrantSettingsOf(settings);
  if (!grant_settings) {
    streams.err << "tributary: " << grant_settings.error().message << "\n";
    return 1;
  }
  auto store = store::Store::Open(options.config->state_path);
  if (!store) {
    streams.err << "tributary: " << store.error().message << "\n";
    return 1;
  }
  auto client = http::MakeCurlClient(settings.http.ClientOptions());
  kit::JwtBearerGrant grant(std::move(*grant_settings), MachineClock());
  kit::GrantLocks locks;
  kit::GrantKeeper keeper(grant, connector, ConsentCommand(connector), **store, *client, locks, MachineClock(),
                          nullptr);
  // A usable stored token would be taken as is: ask Salesforce for a new one instead.
  auto stored = (*store)->api().GetGrant(GrantIdOf(settings));
  Result<kit::GrantKeeper::Access> access =
      stored && *stored && (*stored)->state == store::GrantState::kActive
          ? keeper.RenewAfterRejection({.token = (*stored)->access_token, .endpoint = (*stored)->endpoint,
                                        .generation = (*stored)->generation})
          : keeper.Current();
  if (!access) {
    streams.err << "tributary: " << access.error().message << "\n";
    return 1;
  }
  streams.out << "Connected: connector " << connector << " signs in to Salesforce as " << settings.username
              << " (JWT bearer flow, app " << settings.client_id << ").\nInstance: " << access->endpoint
              << "\nA running daemon uses the new token at its next pass.\n";
  return 0;
}

}  // namespace tributary::connectors::salesforce
