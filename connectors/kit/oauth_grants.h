// The OAuth 2.0 grant kinds the connectors use, each knowing how to obtain a new access
// token from its provider's token endpoint. The GrantKeeper (grant_keeper.h) decides when
// to ask and keeps the result in the store.
//
//   RefreshTokenGrant       authorization code + (rotating) refresh tokens: a person
//                           consents once (`tributary auth <type>`), then the daemon
//                           refreshes (QuickBooks).
//   JwtBearerGrant          RFC 7523: an assertion signed RS256 with the app's private key,
//                           no consent, no refresh token (Salesforce).
//   ClientCredentialsGrant  RFC 6749 §4.4 (D&B, Salesforce My Domain).
//   PasswordGrant           RFC 6749 §4.3, resource owner password (Maileva).
//   TokenExchangeGrant      a provider's own login call that answers a bearer token
//                           (API-key or JSON username/password logins); the connector
//                           supplies the request and the reading of the answer.
//
// Grant kinds are stateless between calls except for their settings; not thread-safe (one
// per connector thread, like the HttpClient they are given).
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/common/clock.h"
#include "gateway/common/result.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"

namespace tributary::connectors::kit {

// What a token endpoint answered. Lifetimes in seconds; 0 when not said.
struct TokenAnswer {
  std::string access_token;
  std::string refresh_token;  // "" when the answer has none (the grant keeps its previous one)
  int64_t expires_in = 0;     // 0: unknown; the token is used until the API refuses it
  int64_t refresh_expires_in = 0;       // rolling expiry of the refresh token (Intuit's x_refresh_token_expires_in)
  int64_t refresh_hard_expires_in = 0;  // hard expiry (Intuit's x_refresh_token_hard_expires_in)
  std::string endpoint;                 // where API calls go, when said (Salesforce's instance_url)
};

struct TokenFailure {
  Error error;              // kRejected for a refusal, kUnavailable/kTimeout when worth retrying
  std::string oauth_error;  // "invalid_grant", "invalid_client", … ("" when not an OAuth error answer)
};

using TokenOutcome = std::expected<TokenAnswer, TokenFailure>;

class GrantKind {
 public:
  virtual ~GrantKind() = default;
  // The store's identity of the grant: provider, app, account.
  [[nodiscard]] virtual const store::GrantId& id() const = 0;
  // The provider as people name it ("QuickBooks"), for messages.
  [[nodiscard]] virtual const std::string& provider_name() const = 0;
  // True when tokens come from a person's consent, so that a refused grant waits for a new
  // one; false when the daemon obtains tokens from its configuration alone.
  [[nodiscard]] virtual bool NeedsConsent() const = 0;
  // A new access token. `current` is the stored grant (its refresh token, for a consent
  // grant), or null.
  virtual TokenOutcome Obtain(http::HttpClient& client, const store::OAuthGrant* current) = 0;
};

// The identity, name and token endpoint every grant kind has.
struct GrantIdentity {
  store::GrantId id;
  std::string provider_name;
  std::string token_url;
};

// What the grant kinds the daemon obtains by itself share: no consent, an identity.
class SelfObtainedGrant : public GrantKind {
 public:
  explicit SelfObtainedGrant(GrantIdentity identity) : identity_(std::move(identity)) {}
  const store::GrantId& id() const override { return identity_.id; }
  const std::string& provider_name() const override { return identity_.provider_name; }
  bool NeedsConsent() const override { return false; }

 protected:
  [[nodiscard]] const GrantIdentity& identity() const { return identity_; }

 private:
  GrantIdentity identity_;
};

class RefreshTokenGrant final : public GrantKind {
 public:
  struct Settings {
    GrantIdentity identity;
    std::string client_id;
    std::string client_secret;
    std::string redirect_uri;
    http::Headers extra_headers;  // sent with every token request (e.g. Intuit's hard-expiry opt-in)
  };
  explicit RefreshTokenGrant(Settings settings) : settings_(std::move(settings)) {}

  const store::GrantId& id() const override { return settings_.identity.id; }
  const std::string& provider_name() const override { return settings_.identity.provider_name; }
  bool NeedsConsent() const override { return true; }
  TokenOutcome Obtain(http::HttpClient& client, const store::OAuthGrant* current) override;
  // The authorization-code exchange that ends a consent.
  TokenOutcome ExchangeCode(http::HttpClient& client, const std::string& code);

 private:
  Settings settings_;
};

class JwtBearerGrant final : public SelfObtainedGrant {
 public:
  struct Settings {
    GrantIdentity identity;
    std::string issuer;           // iss: the app's client id (Salesforce: the consumer key)
    std::string subject;          // sub: the user the app acts as
    std::string audience;         // aud: the authorization server (Salesforce: the login URL)
    std::string private_key_pem;  // RSA private key, PEM
    std::chrono::seconds lifetime{180};
  };
  JwtBearerGrant(Settings settings, const Clock& clock)
      : SelfObtainedGrant(settings.identity), settings_(std::move(settings)), clock_(clock) {}

  TokenOutcome Obtain(http::HttpClient& client, const store::OAuthGrant* current) override;

 private:
  Settings settings_;
  const Clock& clock_;
};

// The signed assertion of a JwtBearerGrant (RS256, compact form), issued at `now`.
Result<std::string> SignJwtAssertion(const JwtBearerGrant::Settings& settings, std::chrono::system_clock::time_point now);

class ClientCredentialsGrant final : public SelfObtainedGrant {
 public:
  struct Settings {
    GrantIdentity identity;
    std::string client_id;
    std::string client_secret;
    std::string scope;             // "" = none sent
    bool basic_authentication = true;  // false: client_id/client_secret in the form body
  };
  explicit ClientCredentialsGrant(Settings settings)
      : SelfObtainedGrant(settings.identity), settings_(std::move(settings)) {}

  TokenOutcome Obtain(http::HttpClient& client, const store::OAuthGrant* current) override;

 private:
  Settings settings_;
};

class PasswordGrant final : public SelfObtainedGrant {
 public:
  struct Settings {
    GrantIdentity identity;
    std::string client_id;      // "" = no client authentication
    std::string client_secret;
    std::string username;
    std::string password;
    std::string scope;
  };
  explicit PasswordGrant(Settings settings) : SelfObtainedGrant(settings.identity), settings_(std::move(settings)) {}

  TokenOutcome Obtain(http::HttpClient& client, const store::OAuthGrant* current) override;

 private:
  Settings settings_;
};

class TokenExchangeGrant final : public SelfObtainedGrant {
 public:
  using Exchange = std::function<TokenOutcome(http::HttpClient& client)>;
  TokenExchangeGrant(GrantIdentity identity, Exchange exchange)
      : SelfObtainedGrant(std::move(identity)), exchange_(std::move(exchange)) {}

  TokenOutcome Obtain(http::HttpClient& client, const store::OAuthGrant*) override { return exchange_(client); }

 private:
  Exchange exchange_;
};

// POSTs `form` to an OAuth 2.0 token endpoint (RFC 6749 §5) and reads the standard answer:
// transport failures, 408, 429 and 5xx are retryable failures; an `error` answer is a
// refusal with its code; a 200 without access_token is a refusal too.
TokenOutcome PostTokenForm(http::HttpClient& client, const GrantIdentity& identity, const std::string& form,
                           http::Headers headers = {});

// "Basic base64(id:secret)".
std::string BasicAuthorization(std::string_view id, std::string_view secret);
// RFC 3986 percent-encoding of everything but unreserved characters.
std::string UrlEncode(std::string_view text);
// name=value&… with both sides percent-encoded.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace tributary::connectors::kit
