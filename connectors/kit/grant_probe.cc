#include "connectors/kit/grant_probe.h"

#include "gateway/http/http_client.h"

namespace tributary::connectors::kit {

Result<std::string> ProbeGrant(GrantKind& grant, const std::string& token_url, const HttpPolicy& policy) {
  if (grant.NeedsConsent()) {
    return Fail(ErrorCode::kInvalidArgument, grant.provider_name() + " tokens come from a consent, not a request");
  }
  auto client = http::MakeCurlClient(policy.ClientOptions());
  TokenOutcome outcome = grant.Obtain(*client, nullptr);
  if (!outcome) return std::unexpected(outcome.error().error);
  if (outcome->access_token.empty()) {
    return Fail(ErrorCode::kUnavailable, grant.provider_name() + " answered " + token_url + " without a token");
  }
  return "token granted by " + grant.provider_name() + " at " + token_url;
}

}  // namespace tributary::connectors::kit
