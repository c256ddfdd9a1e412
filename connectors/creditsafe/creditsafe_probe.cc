#include "connectors/creditsafe/creditsafe_probe.h"

#include <nlohmann/json.hpp>

#include "connectors/creditsafe/creditsafe_provider.h"
#include "connectors/creditsafe/creditsafe_wire.h"
#include "gateway/http/http_client.h"

namespace tributary::connectors::creditsafe {

Result<std::string> ProbeCreditsafe(const config::ConnectorConfig& /*config*/, const CreditsafeConfig& settings,
                                    const ConnectorContext& /*context*/) {
  const std::string where = "Creditsafe " + settings.AuthenticateUrl();
  auto client = http::MakeCurlClient(settings.http.ClientOptions());
  auto response = client->Send(AuthenticateRequest(settings));
  if (!response) return Fail(response.error().code, where + ": " + response.error().message);
  if (response->status == 200) {
    const nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
    if (body.is_object() && body.contains("token") && body["token"].is_string()) {
      return "logged in at " + where + " (token granted)";
    }
    return Fail(ErrorCode::kUnavailable, where + " answered 200 without a token");
  }
  if (response->status == 401 || response->status == 403) {
    return Fail(ErrorCode::kRejected, where + " refused the username and password (" + DescribeRefusal(*response) + ")");
  }
  return Fail(ErrorCode::kUnavailable, where + " answered " + DescribeRefusal(*response));
}

}  // namespace tributary::connectors::creditsafe
