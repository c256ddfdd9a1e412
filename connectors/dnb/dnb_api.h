// How the connector talks to Direct+: the access token (POST /v2/token with a JSON body,
// or /v3/token with a form body, both with Basic consumer key:secret), and the reading of
// Direct+ answers, whose errors are {"transactionDetail":…,"error":{"errorCode",
// "errorMessage"}}:
//   401 00040            the token expired: renewed once, then the call is tried again
//   401 00041/00044/00014 the credentials are refused: never retried (kRejected)
//   429 00045/00046      throttled: backed off and tried again
//   404 10500            no such DUNS (kNotFound)
//   5xx (503 00002)      transient: backed off and tried again
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "connectors/dnb/dnb_config.h"
#include "connectors/kit/api_caller.h"
#include "connectors/kit/oauth_grants.h"

namespace tributary::connectors::dnb {

// The `error` member of a Direct+ answer.
struct DnbError {
  std::string code;     // "00040"
  std::string message;  // "Unauthorized"
};
// The error of a Direct+ body; nullopt when it carries none.
std::optional<DnbError> ParseDnbError(const std::string& body);
// "HTTP 404 10500 DUNS not found", or "HTTP <status>" without a Direct+ error.
std::string DescribeRefusal(const http::Response& response);
// The kit's reading of an answer (see the table above).
kit::Reading ReadAnswer(const http::Response& response);
// True for the codes of refused credentials (00041, 00044, 00014).
bool IsCredentialRefusal(const std::string& code);

// The store's identity of the grant: the provider, a digest of the consumer key (the key
// itself is a credential and is not written in the clear), and the token endpoint.
store::GrantId GrantIdOf(const DnbConfig& settings);
// The grant kind of `token_version`: v2 is D&B's own JSON exchange, v3 the RFC 6749 client
// credentials grant.
std::unique_ptr<kit::GrantKind> MakeGrant(const DnbConfig& settings);
// The v2 exchange itself: POST {"grant_type":"client_credentials"} with Basic auth and read
// {"access_token","expiresIn"}; refused credentials are kRejected with D&B's code,
// transport failures, 408, 429 and 5xx kUnavailable.
kit::TokenOutcome ExchangeV2(http::HttpClient& client, const kit::GrantIdentity& identity, const DnbConfig& settings);

kit::ApiCallerOptions CallerOptions(const DnbConfig& settings, const std::string& connector);

}  // namespace tributary::connectors::dnb
