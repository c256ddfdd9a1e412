#include "connectors/quickbooks/oauth_client.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

namespace tributary::connectors::quickbooks {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<int>(bytes.size()));
  return out;
}

int64_t IntegerMember(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_number_integer()) return 0;
  return it->get<int64_t>();
}

}  // namespace

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string AuthorizationUrl(const QuickBooksConfig& settings, const std::string& state) {
  return settings.authorize_url + "?client_id=" + UrlEncode(settings.client_id) +
         "&response_type=code&scope=" + UrlEncode("com.intuit.quickbooks.accounting") +
         "&redirect_uri=" + UrlEncode(settings.redirect_uri) + "&state=" + UrlEncode(state);
}

std::expected<TokenAnswer, TokenFailure> OAuthClient::ExchangeCode(const std::string& code) {
  return Post("grant_type=authorization_code&code=" + UrlEncode(code) +
              "&redirect_uri=" + UrlEncode(settings_.redirect_uri));
}

std::expected<TokenAnswer, TokenFailure> OAuthClient::Refresh(const std::string& refresh_token) {
  return Post("grant_type=refresh_token&refresh_token=" + UrlEncode(refresh_token));
}

std::expected<TokenAnswer, TokenFailure> OAuthClient::Post(const std::string& form) {
  http::Request request{
      .method = "POST",
      .target = settings_.token_url,
      .headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                  {"Accept", "application/json"},
                  {"Authorization", "Basic " + Base64(settings_.client_id + ":" + settings_.client_secret.value)},
                  {"x-include-refresh-token-hard-expires-in", "true"}},
      .body = form};
  auto response = client_.Send(request);
  if (!response) {
    Error error = response.error();
    error.message = "token endpoint " + http::RedactUrl(settings_.token_url) + ": " + error.message;
    return std::unexpected(TokenFailure{.error = std::move(error)});
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status == 200 && body.is_object() && body.contains("access_token") && body["access_token"].is_string() &&
      body.contains("refresh_token") && body["refresh_token"].is_string()) {
    return TokenAnswer{.access_token = body["access_token"].get<std::string>(),
                       .refresh_token = body["refresh_token"].get<std::string>(),
                       .expires_in = IntegerMember(body, "expires_in"),
                       .refresh_expires_in = IntegerMember(body, "x_refresh_token_expires_in"),
                       .refresh_hard_expires_in = IntegerMember(body, "x_refresh_token_hard_expires_in")};
  }
  const std::string intuit_tid = http::FindHeader(response->headers, "intuit_tid");
  const std::string trace = intuit_tid.empty() ? "" : " (intuit_tid " + intuit_tid + ")";
  if (response->status >= 500 || response->status == 429 || response->status == 408) {
    return std::unexpected(TokenFailure{
        .error = {ErrorCode::kUnavailable, "token endpoint answered HTTP " + std::to_string(response->status) + trace}});
  }
  TokenFailure failure{.error = {ErrorCode::kRejected, ""}};
  if (body.is_object() && body.contains("error") && body["error"].is_string()) {
    failure.oauth_error = body["error"].get<std::string>();
    std::string description = body.value("error_description", "");
    failure.error.message = failure.oauth_error + (description.empty() ? "" : ": " + description);
  } else {
    failure.error.message = "unexpected answer HTTP " + std::to_string(response->status);
  }
  failure.error.message = "token endpoint refused: " + failure.error.message + trace;
  return std::unexpected(std::move(failure));
}

}  // namespace tributary::connectors::quickbooks
