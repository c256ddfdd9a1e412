#include "connectors/kit/oauth_grants.h"

#include <jwt.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

#include <nlohmann/json.hpp>

namespace tributary::connectors::kit {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<int>(bytes.size()));
  return out;
}

// An integer member, also when written as a string ("3600"); 0 when absent or not a number.
int64_t IntegerMember(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

std::string StringMember(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
struct JwtStringDeleter {
  void operator()(char* text) const { std::free(text); }  // libjwt 1.10: "must be freed by the caller"
};

}  // namespace

std::string BasicAuthorization(std::string_view id, std::string_view secret) {
  return "Basic " + Base64(std::string(id) + ":" + std::string(secret));
}

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

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += UrlEncode(name) + "=" + UrlEncode(value);
  }
  return out;
}

TokenOutcome PostTokenForm(http::HttpClient& client, const GrantIdentity& identity, const std::string& form,
                           http::Headers headers) {
  headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  headers.emplace_back("Accept", "application/json");
  http::Request request{.method = "POST", .target = identity.token_url, .headers = std::move(headers), .body = form};
  const std::string where = identity.provider_name + " token endpoint " + http::RedactUrl(identity.token_url);
  auto response = client.Send(request);
  if (!response) {
    Error error = response.error();
    error.message = where + ": " + error.message;
    return std::unexpected(TokenFailure{.error = std::move(error)});
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  // Intuit names its requests in this header; support asks for it.
  const std::string intuit_tid = http::FindHeader(response->headers, "intuit_tid");
  const std::string trace = intuit_tid.empty() ? "" : " (intuit_tid " + intuit_tid + ")";
  if (response->status == 200 && body.is_object() && !StringMember(body, "access_token").empty()) {
    return TokenAnswer{.access_token = StringMember(body, "access_token"),
                       .refresh_token = StringMember(body, "refresh_token"),
                       .expires_in = IntegerMember(body, "expires_in"),
                       .refresh_expires_in = IntegerMember(body, "x_refresh_token_expires_in"),
                       .refresh_hard_expires_in = IntegerMember(body, "x_refresh_token_hard_expires_in"),
                       .endpoint = StringMember(body, "instance_url")};
  }
  if (response->status >= 500 || response->status == 429 || response->status == 408) {
    return std::unexpected(TokenFailure{
        .error = {ErrorCode::kUnavailable, where + " answered HTTP " + std::to_string(response->status) + trace}});
  }
  TokenFailure failure{.error = {ErrorCode::kRejected, ""}};
  if (body.is_object() && body.contains("error") && body["error"].is_string()) {
    failure.oauth_error = body["error"].get<std::string>();
    const std::string description = StringMember(body, "error_description");
    failure.error.message = failure.oauth_error + (description.empty() ? "" : ": " + description);
  } else {
    failure.error.message = "unexpected answer HTTP " + std::to_string(response->status);
  }
  failure.error.message = where + " refused: " + failure.error.message + trace;
  return std::unexpected(std::move(failure));
}

TokenOutcome RefreshTokenGrant::Obtain(http::HttpClient& client, const store::OAuthGrant* current) {
  if (current == nullptr || current->refresh_token.empty()) {
    return std::unexpected(TokenFailure{.error = {ErrorCode::kRejected, "no refresh token"}, .oauth_error = "invalid_grant"});
  }
  http::Headers headers = settings_.extra_headers;
  headers.emplace_back("Authorization", BasicAuthorization(settings_.client_id, settings_.client_secret));
  return PostTokenForm(client, settings_.identity,
                       FormEncode({{"grant_type", "refresh_token"}, {"refresh_token", current->refresh_token}}),
                       std::move(headers));
}

TokenOutcome RefreshTokenGrant::ExchangeCode(http::HttpClient& client, const std::string& code) {
  http::Headers headers = settings_.extra_headers;
  headers.emplace_back("Authorization", BasicAuthorization(settings_.client_id, settings_.client_secret));
  return PostTokenForm(
      client, settings_.identity,
      FormEncode({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", settings_.redirect_uri}}),
      std::move(headers));
}

Result<std::string> SignJwtAssertion(const JwtBearerGrant::Settings& settings,
                                     std::chrono::system_clock::time_point now) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0 || raw == nullptr) return Fail(ErrorCode::kInternal, "jwt_new failed");
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  const long exp = static_cast<long>(
      std::chrono::duration_cast<std::chrono::seconds>((now + settings.lifetime).time_since_epoch()).count());
  if (jwt_add_grant(jwt.get(), "iss", settings.issuer.c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "sub", settings.subject.c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "aud", settings.audience.c_str()) != 0 ||
      jwt_add_grant_int(jwt.get(), "exp", exp) != 0) {
    return Fail(ErrorCode::kInternal, "cannot build the JWT claims");
  }
  if (jwt_set_alg(jwt.get(), JWT_ALG_RS256, reinterpret_cast<const unsigned char*>(settings.private_key_pem.data()),
                  static_cast<int>(settings.private_key_pem.size())) != 0) {
    return Fail(ErrorCode::kInvalidArgument, "cannot use the private key for RS256");
  }
  std::unique_ptr<char, JwtStringDeleter> encoded(jwt_encode_str(jwt.get()));
  if (!encoded) {
    return Fail(ErrorCode::kInvalidArgument, "cannot sign the JWT assertion: the private key is not a usable RSA key");
  }
  return std::string(encoded.get());
}

TokenOutcome JwtBearerGrant::Obtain(http::HttpClient& client, const store::OAuthGrant*) {
  auto assertion = SignJwtAssertion(settings_, clock_.Now());
  if (!assertion) return std::unexpected(TokenFailure{.error = assertion.error()});
  return PostTokenForm(client, settings_.identity,
                       FormEncode({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                                   {"assertion", *assertion}}));
}

TokenOutcome ClientCredentialsGrant::Obtain(http::HttpClient& client, const store::OAuthGrant*) {
  std::vector<std::pair<std::string, std::string>> fields = {{"grant_type", "client_credentials"}};
  if (!settings_.scope.empty()) fields.emplace_back("scope", settings_.scope);
  http::Headers headers;
  if (settings_.basic_authentication) {
    headers.emplace_back("Authorization", BasicAuthorization(settings_.client_id, settings_.client_secret));
  } else {
    fields.emplace_back("client_id", settings_.client_id);
    fields.emplace_back("client_secret", settings_.client_secret);
  }
  return PostTokenForm(client, settings_.identity, FormEncode(fields), std::move(headers));
}

TokenOutcome PasswordGrant::Obtain(http::HttpClient& client, const store::OAuthGrant*) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"grant_type", "password"}, {"username", settings_.username}, {"password", settings_.password}};
  if (!settings_.scope.empty()) fields.emplace_back("scope", settings_.scope);
  http::Headers headers;
  if (!settings_.client_id.empty()) {
    headers.emplace_back("Authorization", BasicAuthorization(settings_.client_id, settings_.client_secret));
  }
  return PostTokenForm(client, settings_.identity, FormEncode(fields), std::move(headers));
}

}  // namespace tributary::connectors::kit
