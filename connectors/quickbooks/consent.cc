#include "connectors/quickbooks/consent.h"

#include <openssl/rand.h>

#include <chrono>

#include "connectors/kit/grant_keeper.h"
#include "connectors/quickbooks/quickbooks_grant.h"
#include "gateway/http/http_types.h"

namespace tributary::connectors::quickbooks {
namespace {

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::map<std::string, std::string> RedirectParameters(std::string_view url) {
  if (size_t mark = url.find('?'); mark != std::string_view::npos) url.remove_prefix(mark + 1);
  if (size_t hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  std::map<std::string, std::string> out;
  while (!url.empty()) {
    const size_t amp = url.find('&');
    const std::string_view pair = url.substr(0, amp);
    const size_t eq = pair.find('=');
    if (!pair.empty()) out.emplace(http::PercentDecode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : http::PercentDecode(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    url.remove_prefix(amp + 1);
  }
  return out;
}

Result<ConsentStart> StartConsent(const QuickBooksConfig& settings, const std::string& connector, store::Store& store) {
  if (settings.redirect_uri.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "connector " + connector + " has no redirect_uri: set it to the redirect URI registered in the Intuit app");
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Fail(ErrorCode::kInternal, "no randomness for the OAuth state");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string state;
  for (unsigned char byte : bytes) {
    state += kHex[byte >> 4];
    state += kHex[byte & 0xF];
  }
  if (auto saved = store.api().SavePendingConsent(
          {.state = state, .connector = connector, .expires_at = UnixNow() + kConsentLifetimeSeconds});
      !saved) {
    return std::unexpected(saved.error());
  }
  return ConsentStart{.url = AuthorizationUrl(settings, state), .state = state};
}

Result<std::pair<std::string, store::OAuthGrant>> CompleteAnyConsent(
    const std::map<std::string, const QuickBooksConfig*>& connectors, store::Store& store, http::HttpClient* client,
    const std::map<std::string, std::string>& redirect) {
  auto value = [&](const char* name) {
    auto it = redirect.find(name);
    return it == redirect.end() ? std::string() : it->second;
  };
  if (!value("error").empty()) {
    return Fail(ErrorCode::kRejected, "the consent was not given (" + value("error") +
                                          (value("error_description").empty() ? "" : ": " + value("error_description")) + ")");
  }
  if (value("code").empty() || value("state").empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the redirect has no code or no state (paste the whole address the browser was sent to)");
  }
  auto pending = store.api().TakePendingConsent(value("state"), UnixNow());
  if (!pending) return std::unexpected(pending.error());
  auto connector = *pending ? connectors.find((*pending)->connector) : connectors.end();
  if (connector == connectors.end()) {
    return Fail(ErrorCode::kInvalidArgument, "unknown or expired consent state: start again with `tributary auth quickbooks`");
  }
  const QuickBooksConfig& settings = *connector->second;
  if (!value("realmId").empty() && value("realmId") != settings.realm_id) {
    return Fail(ErrorCode::kInvalidArgument, "the company chosen (realm " + value("realmId") + ") is not realm_id " +
                                                 settings.realm_id + " of connector " + connector->first);
  }
  kit::RefreshTokenGrant grant(GrantSettingsOf(settings));
  std::unique_ptr<http::HttpClient> own_client;
  if (client == nullptr) {
    own_client = http::MakeCurlClient(settings.http.ClientOptions());
    client = own_client.get();
  }
  auto answer = grant.ExchangeCode(*client, value("code"));
  if (!answer) return std::unexpected(answer.error().error);
  auto update = store.api().LockGrant(GrantIdOf(settings));
  if (!update) return std::unexpected(update.error());
  auto saved = (*update)->Save(kit::GrantFromAnswer(*answer, UnixNow(), nullptr));
  if (!saved) return std::unexpected(saved.error());
  return std::pair{connector->first, std::move(*saved)};
}

Result<store::OAuthGrant> CompleteConsent(const QuickBooksConfig& settings, const std::string& connector,
                                          store::Store& store, http::HttpClient& client,
                                          const std::map<std::string, std::string>& redirect) {
  auto completed = CompleteAnyConsent({{connector, &settings}}, store, &client, redirect);
  if (!completed) return std::unexpected(completed.error());
  return std::move(completed->second);
}

}  // namespace tributary::connectors::quickbooks
