#include "connectors/quickbooks/qbo_api.h"

#include "connectors/kit/oauth_grants.h"

namespace tributary::connectors::quickbooks {
namespace {

std::optional<QboFault> FaultOf(const http::Response& response) {
  if (response.status != 200 || response.body.find("\"Fault\"") != std::string::npos) {
    return ParseQboFault(response.body);
  }
  return std::nullopt;
}

std::string DescribeRefusal(const http::Response& response) {
  std::optional<QboFault> fault = FaultOf(response);
  std::string words = fault ? fault->type + " " + fault->code + " " + fault->message +
                                  (fault->detail.empty() ? "" : ": " + fault->detail)
                            : "HTTP " + std::to_string(response.status);
  const std::string intuit_tid = http::FindHeader(response.headers, "intuit_tid");
  return words + (intuit_tid.empty() ? "" : " (intuit_tid " + intuit_tid + ")");
}

}  // namespace

kit::ApiCallerOptions QboCallerOptions(const QuickBooksConfig& settings, const std::string& connector) {
  kit::ApiCallerOptions options{.connector = connector, .provider_name = "QuickBooks", .policy = settings.http};
  options.read_answer = [](const http::Response& response) {
    std::optional<QboFault> fault = FaultOf(response);
    // Older answers throttle with 403 and the same Fault as 429.
    if (response.status == 403 && fault &&
        (fault->code == "3001" || fault->message.find("ThrottleExceeded") != std::string::npos)) {
      return kit::Reading::kThrottled;
    }
    // A 200 that carries a Fault is a refusal.
    if (response.status == 200 && fault) return kit::Reading::kDone;
    return kit::Reading::kCommon;
  };
  options.describe_refusal = DescribeRefusal;
  return options;
}

Result<std::string> QboApi::Get(const std::string& endpoint, const QueryParams& params, std::stop_token stop) {
  last_fault_.reset();
  std::string url = settings_.base_url + "/v3/company/" + settings_.realm_id + "/" + endpoint + "?";
  for (const auto& [name, value] : params) url += kit::UrlEncode(name) + "=" + kit::UrlEncode(value) + "&";
  url += "minorversion=" + std::to_string(settings_.minorversion);
  const std::string shown = endpoint + (params.empty() ? "" : " " + params.front().first + "=" + params.front().second);
  http::Request request{.method = "GET", .target = url, .headers = {{"Accept", "application/json"}}};
  auto response = caller_.Send(std::move(request), shown, stop);
  if (!response) return std::unexpected(response.error());
  std::optional<QboFault> fault = FaultOf(*response);
  if (response->status == 200 && !fault) return std::move(response->body);
  last_fault_ = fault;
  return Fail(ErrorCode::kRejected, "QuickBooks refused " + shown + ": " + DescribeRefusal(*response));
}

}  // namespace tributary::connectors::quickbooks
