// The QuickBooks double's OAuth side: the consent page, the token endpoint (both grants,
// rotation, the opt-in hard expiry) and the grants tests issue directly.
#include <openssl/evp.h>

#include <algorithm>

#include "tests/testing/quickbooks_double.h"
#include "tests/testing/quickbooks_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

std::string Base64Decode(const std::string& text) {
  std::string out(text.size(), '\0');
  int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (size < 0) return "";
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<size_t>(size) - std::min<size_t>(padding, static_cast<size_t>(size)));
  return out;
}

}  // namespace

IssuedTokens QuickBooksDouble::IssueTokens(const std::string& realm, system_clock::time_point hard_expiry) {
  auto now = options_.start + offset_;
  IssuedTokens tokens{.access_token = Random("eyJ-access"), .refresh_token = Random("AB11-refresh")};
  access_tokens_[tokens.access_token] = {realm, now + seconds(options_.access_token_seconds)};
  refresh_tokens_[tokens.refresh_token] = {.realm = realm,
                                           .rolling_expiry = now + seconds(options_.refresh_token_seconds),
                                           .hard_expiry = hard_expiry};
  return tokens;
}

std::string QuickBooksDouble::IssueAuthorizationCode(const std::string& realm, const std::string& redirect_uri) {
  std::lock_guard lock(mutex_);
  std::string code = Random("code");
  codes_[code] = realm;
  code_redirects_[code] = redirect_uri;
  return code;
}

IssuedTokens QuickBooksDouble::IssueGrant(const std::string& realm) {
  std::lock_guard lock(mutex_);
  return IssueTokens(realm, options_.start + offset_ + seconds(options_.refresh_token_hard_seconds));
}

std::string QuickBooksDouble::CurrentRefreshToken(const std::string& realm) const {
  std::lock_guard lock(mutex_);
  for (const auto& [token, state] : refresh_tokens_) {
    if (state.realm == realm && !state.superseded && !state.revoked) return token;
  }
  return "";
}

void QuickBooksDouble::RevokeGrants(const std::string& realm) {
  std::lock_guard lock(mutex_);
  for (auto& [token, state] : refresh_tokens_) {
    if (state.realm == realm) state.revoked = true;
  }
}

http::Response QuickBooksDouble::HandleAuthorize(const std::string& query) {
  auto form = qbo::ParseForm(query);
  if (form["client_id"] != options_.client_id || form["response_type"] != "code" ||
      form["scope"].find("com.intuit.quickbooks.accounting") == std::string::npos || form["redirect_uri"].empty()) {
    return Json(400, {{"error", "invalid_request"}});
  }
  // The person picks the first company the double knows.
  if (realms_.empty()) return Json(400, {{"error", "no_company"}});
  const std::string realm = realms_.begin()->first;
  std::string code = Random("code");
  codes_[code] = realm;
  code_redirects_[code] = form["redirect_uri"];
  http::Response response;
  response.status = 302;
  response.headers = {{"Location", form["redirect_uri"] + "?code=" + code + "&state=" + form["state"] +
                                       "&realmId=" + realm}};
  return response;
}

http::Response QuickBooksDouble::HandleToken(const http::Request& request) {
  auto token_error = [&](int status, const std::string& error, const std::string& description) {
    if (error == "invalid_grant") ++invalid_grants_;
    return Json(status, {{"error_description", description}, {"error", error}});
  };
  const std::string authorization = http::FindHeader(request.headers, "Authorization");
  const std::string expected = options_.client_id + ":" + options_.client_secret;
  if (!authorization.starts_with("Basic ") || Base64Decode(authorization.substr(6)) != expected) {
    return token_error(401, "invalid_client", "Client authentication failed");
  }
  if (http::FindHeader(request.headers, "Content-Type").find("application/x-www-form-urlencoded") == std::string::npos) {
    return token_error(400, "invalid_request", "Expected a form body");
  }
  auto form = qbo::ParseForm(request.body);
  auto now = options_.start + offset_;
  std::string realm;
  system_clock::time_point hard_expiry = now + seconds(options_.refresh_token_hard_seconds);
  std::string refresh_token;
  if (form["grant_type"] == "authorization_code") {
    auto code = codes_.find(form["code"]);
    if (code == codes_.end()) return token_error(400, "invalid_grant", "Invalid authorization code");
    if (code_redirects_[form["code"]] != form["redirect_uri"]) {
      return token_error(400, "invalid_grant", "redirect_uri does not match");
    }
    realm = code->second;
    codes_.erase(code);
  } else if (form["grant_type"] == "refresh_token") {
    auto found = refresh_tokens_.find(form["refresh_token"]);
    if (found == refresh_tokens_.end() || found->second.revoked) {
      return token_error(400, "invalid_grant", "Token invalid");
    }
    if (found->second.superseded) {
      ++superseded_attempts_;
      return token_error(400, "invalid_grant", "Token invalid");
    }
    if (found->second.rolling_expiry <= now || found->second.hard_expiry <= now) {
      return token_error(400, "invalid_grant", "Token expired");
    }
    realm = found->second.realm;
    hard_expiry = found->second.hard_expiry;
    if (!options_.rotate_refresh_tokens) {
      refresh_token = found->first;
      found->second.rolling_expiry = now + seconds(options_.refresh_token_seconds);
    } else {
      found->second.superseded = true;
    }
    ++refresh_grants_;
  } else {
    return token_error(400, "unsupported_grant_type", "Unsupported grant type");
  }
  IssuedTokens tokens = IssueTokens(realm, hard_expiry);
  if (!refresh_token.empty()) {
    refresh_tokens_.erase(tokens.refresh_token);
    tokens.refresh_token = refresh_token;
  }
  ordered_json body = {{"access_token", tokens.access_token},
                       {"refresh_token", tokens.refresh_token},
                       {"token_type", "bearer"},
                       {"expires_in", options_.access_token_seconds},
                       {"x_refresh_token_expires_in",
                        duration_cast<seconds>(refresh_tokens_[tokens.refresh_token].rolling_expiry - now).count()}};
  if (http::FindHeader(request.headers, "x-include-refresh-token-hard-expires-in") == "true") {
    body["x_refresh_token_hard_expires_in"] = duration_cast<seconds>(hard_expiry - now).count();
  }
  return Json(200, body);
}

}  // namespace tributary::testing
