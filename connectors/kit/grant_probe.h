// The remote check (`tributary check --connect`) of a connector whose grant the daemon
// obtains from its configuration alone: one token request.
#pragma once

#include <string>

#include "connectors/kit/http_policy.h"
#include "connectors/kit/oauth_grants.h"
#include "gateway/common/result.h"

namespace tributary::connectors::kit {

// Asks `grant`'s token endpoint for a token once, over a client made from `policy` (its
// trust and timeout), as the grant keeper would; the token is neither kept nor stored.
// "token granted by PROVIDER at TOKEN_URL", or the grant's own failure (a refusal is
// kRejected and names the provider's error, never the secret). A grant that needs a
// person's consent cannot be checked this way: kInvalidArgument.
Result<std::string> ProbeGrant(GrantKind& grant, const std::string& token_url, const HttpPolicy& policy);

}  // namespace tributary::connectors::kit
