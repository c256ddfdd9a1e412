// `tributary check --connect` for a creditsafe connector.
#pragma once

#include <string>

#include "connectors/creditsafe/creditsafe_config.h"
#include "connectors/kit/connector.h"

namespace tributary::connectors::creditsafe {

// One login (POST /authenticate), as the daemon sends it; the token is not kept and the
// store is not touched. A refusal fails with Creditsafe's answer (which never carries the
// password). Creditsafe locks an account after repeated failed logins: this is one.
Result<std::string> ProbeCreditsafe(const config::ConnectorConfig& config, const CreditsafeConfig& settings,
                                    const ConnectorContext& context);

}  // namespace tributary::connectors::creditsafe
