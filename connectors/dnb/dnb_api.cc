#include "connectors/dnb/dnb_api.h"

#include <nlohmann/json.hpp>

#include "gateway/model/canonical.h"

namespace tributary::connectors::dnb {
namespace {

std::string StringOf(const nlohmann::json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end()) return "";
  if (found->is_string()) return found->get<std::string>();
  if (found->is_number()) return found->dump();
  return "";
}

int64_t IntegerOf(const nlohmann::json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end()) return 0;
  if (found->is_number_integer()) return found->get<int64_t>();
  if (found->is_string()) {
    try {
      return std::stoll(found->get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

}  // namespace

std::optional<DnbError> ParseDnbError(const std::string& body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object()) return std::nullopt;
  auto error = parsed.find("error");
  if (error == parsed.end() || !error->is_object()) return std::nullopt;
  DnbError out{.code = StringOf(*error, "errorCode"), .message = StringOf(*error, "errorMessage")};
  if (out.code.empty() && out.message.empty()) return std::nullopt;
  return out;
}

std::string DescribeRefusal(const http::Response& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  if (auto error = ParseDnbError(response.body)) {
    if (!error->code.empty()) text += " " + error->code;
    if (!error->message.empty()) text += " " + error->message;
  }
  return text;
}

bool IsCredentialRefusal(const std::string& code) { return code == "00041" || code == "00044" || code == "00014"; }

kit::Reading ReadAnswer(const http::Response& response) {
  if (response.status == 401) {
    auto error = ParseDnbError(response.body);
    if (!error) return kit::Reading::kCommon;
    if (error->code == "00040") return kit::Reading::kAuthExpired;
    // Refused credentials: another token would be refused too, and D&B counts the tries.
    if (IsCredentialRefusal(error->code)) return kit::Reading::kDone;
    return kit::Reading::kCommon;
  }
  if (response.status == 429) return kit::Reading::kThrottled;  // 00045 / 00046, or any 429
  return kit::Reading::kCommon;
}

store::GrantId GrantIdOf(const DnbConfig& settings) {
  return {.provider = "dnb",
          .client_id = "key-sha256:" + model::Sha256Hex(settings.consumer_key.value).substr(0, 16),
          .account = settings.TokenUrl()};
}

kit::TokenOutcome ExchangeV2(http::HttpClient& client, const kit::GrantIdentity& identity, const DnbConfig& settings) {
  http::Request request{.method = "POST",
                        .target = identity.token_url,
                        .headers = {{"Authorization", kit::BasicAuthorization(settings.consumer_key.value,
                                                                              settings.consumer_secret.value)},
                                    {"Content-Type", "application/json"},
                                    {"Accept", "application/json"}},
                        .body = R"({"grant_type":"client_credentials"})"};
  const std::string where = identity.provider_name + " token endpoint " + http::RedactUrl(identity.token_url);
  auto response = client.Send(request);
  if (!response) {
    Error error = response.error();
    error.message = where + ": " + error.message;
    return std::unexpected(kit::TokenFailure{.error = std::move(error)});
  }
  const nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status == 200 && body.is_object() && !StringOf(body, "access_token").empty()) {
    // v2 spells the lifetime expiresIn; accept the RFC 6749 spelling too.
    const int64_t expires_in = body.contains("expiresIn") ? IntegerOf(body, "expiresIn") : IntegerOf(body, "expires_in");
    return kit::TokenAnswer{.access_token = StringOf(body, "access_token"), .expires_in = expires_in};
  }
  if (response->status >= 500 || response->status == 429 || response->status == 408) {
    return std::unexpected(kit::TokenFailure{
        .error = {ErrorCode::kUnavailable, where + " answered " + DescribeRefusal(*response)}});
  }
  kit::TokenFailure failure{.error = {ErrorCode::kRejected, where + " refused the consumer key and secret (" +
                                                                DescribeRefusal(*response) + ")"}};
  if (auto error = ParseDnbError(response->body)) failure.oauth_error = error->code;
  return std::unexpected(std::move(failure));
}

std::unique_ptr<kit::GrantKind> MakeGrant(const DnbConfig& settings) {
  kit::GrantIdentity identity{.id = GrantIdOf(settings), .provider_name = "D&B", .token_url = settings.TokenUrl()};
  if (settings.token_version == "v3") {
    return std::make_unique<kit::ClientCredentialsGrant>(
        kit::ClientCredentialsGrant::Settings{.identity = std::move(identity),
                                              .client_id = settings.consumer_key.value,
                                              .client_secret = settings.consumer_secret.value});
  }
  return std::make_unique<kit::TokenExchangeGrant>(identity, [identity, settings](http::HttpClient& client) {
    return ExchangeV2(client, identity, settings);
  });
}

kit::ApiCallerOptions CallerOptions(const DnbConfig& settings, const std::string& connector) {
  return {.connector = connector,
          .provider_name = "D&B",
          .policy = settings.http,
          .read_answer = ReadAnswer,
          .describe_refusal = DescribeRefusal};
}

}  // namespace tributary::connectors::dnb
