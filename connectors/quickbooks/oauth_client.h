// Intuit's OAuth 2.0 endpoints: the consent URL, the authorization-code exchange and the
// refresh grant (Basic client authentication, form body, the hard-expiry header).
#pragma once

#include <cstdint>
#include <expected>
#include <string>

#include "connectors/quickbooks/quickbooks_config.h"
#include "gateway/common/result.h"
#include "gateway/http/http_client.h"

namespace tributary::connectors::quickbooks {

// What the token endpoint answered. Lifetimes in seconds; 0 when the field was absent.
struct TokenAnswer {
  std::string access_token;
  std::string refresh_token;
  int64_t expires_in = 0;
  int64_t refresh_expires_in = 0;       // x_refresh_token_expires_in (rolling)
  int64_t refresh_hard_expires_in = 0;  // x_refresh_token_hard_expires_in
};

struct TokenFailure {
  Error error;             // kRejected for an RFC 6749 error answer, kUnavailable/kTimeout when retryable
  std::string oauth_error;  // "invalid_grant", "invalid_client", … ("" when not an OAuth error answer)
};

// Stateless; borrows the HttpClient (one thread at a time, like the client).
class OAuthClient {
 public:
  OAuthClient(const QuickBooksConfig& settings, http::HttpClient& client) : settings_(settings), client_(client) {}

  std::expected<TokenAnswer, TokenFailure> ExchangeCode(const std::string& code);
  std::expected<TokenAnswer, TokenFailure> Refresh(const std::string& refresh_token);

 private:
  std::expected<TokenAnswer, TokenFailure> Post(const std::string& form);

  const QuickBooksConfig& settings_;
  http::HttpClient& client_;
};

// The consent page for `state` (scope com.intuit.quickbooks.accounting, response_type code).
std::string AuthorizationUrl(const QuickBooksConfig& settings, const std::string& state);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string UrlEncode(std::string_view text);

}  // namespace tributary::connectors::quickbooks
