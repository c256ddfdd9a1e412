// The Salesforce double's token endpoint: the JWT bearer grant (RS256 verified with the
// connected app's certificate), the client_credentials grant on a My Domain host, and the
// sessions they open.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>

#include "tests/testing/quickbooks_double_support.h"
#include "tests/testing/rsa_test_keys.h"
#include "tests/testing/salesforce_double.h"
#include "tests/testing/salesforce_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

constexpr std::string_view kJwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
// Salesforce takes an assertion whose exp is at most this far ahead.
constexpr seconds kMaxAssertionLifetime{180};

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

std::unique_ptr<X509, X509Free> ParseCertificate(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return std::unique_ptr<X509, X509Free>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// RS256: RSASSA-PKCS1-v1_5 with SHA-256 over "header.claims", with the certificate's key.
bool VerifyRs256(const std::string& certificate_pem, const std::string& signing_input, const std::string& signature) {
  auto cert = ParseCertificate(certificate_pem);
  if (!cert) return false;
  std::unique_ptr<EVP_PKEY, KeyFree> key(X509_get_pubkey(cert.get()));
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
}

std::string RandomToken(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  std::string text = Base64UrlEncode(raw);
  // Session ids use letters, digits, '.' and '_' only.
  for (char& c : text) {
    if (c == '-') c = '.';
  }
  return text;
}

}  // namespace

Status SalesforceDouble::LoadCertificate() {
  certificate_pem_ = options_.certificate_pem;
  if (certificate_pem_.empty() && !options_.certificate_path.empty()) {
    std::ifstream in(options_.certificate_path, std::ios::binary);
    if (!in) return Fail(ErrorCode::kIo, "cannot read certificate " + options_.certificate_path);
    std::ostringstream text;
    text << in.rdbuf();
    certificate_pem_ = text.str();
  }
  if (!certificate_pem_.empty() && !ParseCertificate(certificate_pem_)) {
    return Fail(ErrorCode::kInvalidArgument, "the connected app certificate is not a PEM X.509 certificate");
  }
  return Ok();
}

std::string SalesforceDouble::NewSession(const std::string& username) {
  auto [user, added] = user_ids_.try_emplace(username);
  if (added) user->second = NextId("005");
  // "00D…!AQ…": the org id (15 characters), then an opaque part.
  std::string token = options_.org_id.substr(0, 15) + "!AQ" + RandomToken(72);
  sessions_[token] = {username, user->second, NowLocked() + seconds(options_.session_seconds)};
  return token;
}

std::string SalesforceDouble::IssueSession(const std::string& username) {
  std::lock_guard lock(mutex_);
  return NewSession(username);
}

http::Response SalesforceDouble::TokenError(const std::string& error, const std::string& description) {
  if (error == "invalid_grant") ++token_counts_.invalid_grant;
  if (error == "invalid_client" || error == "invalid_client_id") ++token_counts_.invalid_client;
  if (error == "unsupported_grant_type") ++token_counts_.unsupported_grant_type;
  if (error == "invalid_request") ++token_counts_.invalid_request;
  http::Response response;
  response.status = 400;  // every refusal, a bad client secret included
  response.headers = {{"Content-Type", "application/json;charset=UTF-8"},
                      {"Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private"}};
  response.body = ordered_json{{"error", error}, {"error_description", description}}.dump();
  return response;
}

http::Response SalesforceDouble::IssueTokenResponse(const std::string& username) {
  ++token_counts_.succeeded;
  const std::string token = NewSession(username);
  const std::string id = base_url() + "/id/" + options_.org_id + "/" + user_ids_[username];
  const std::string issued_at = std::to_string(duration_cast<milliseconds>(NowLocked().time_since_epoch()).count());
  // signature = base64(HMAC-SHA256(consumer secret, id + issued_at)), as Salesforce signs it.
  const std::string signed_text = id + issued_at;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), options_.client_secret.data(), static_cast<int>(options_.client_secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &mac_size);
  ordered_json body = {{"access_token", token},
                       {"signature", sfdc::Base64Encode(std::string(reinterpret_cast<char*>(mac), mac_size))},
                       {"scope", "api"},
                       {"instance_url", base_url()},
                       {"id", id},
                       {"token_type", "Bearer"},
                       {"issued_at", issued_at}};
  http::Response response;
  response.headers = {{"Content-Type", "application/json;charset=UTF-8"},
                      {"Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private"}};
  response.body = body.dump();
  return response;
}

http::Response SalesforceDouble::HandleToken(const http::Request& request) {
  if (fail_next_token_ > 0) {
    --fail_next_token_;
    ++token_counts_.failed_injected;
    http::Response page;
    page.status = fail_token_status_;
    page.headers = {{"Content-Type", "text/html"}};
    page.body = "<html><body>Service Unavailable</body></html>";
    return page;
  }
  auto form = qbo::ParseForm(request.body);
  const std::string& grant = form["grant_type"];
  if (grant == kJwtBearer) return JwtGrant(form["assertion"]);
  if (grant == "client_credentials") return ClientCredentialsGrant(request, form);
  return TokenError("unsupported_grant_type", "grant type not supported");
}

// Salesforce's descriptions: "invalid assertion" for anything malformed, badly signed or
// not RS256; "client identifier invalid" (invalid_client_id) for an unknown iss; "audience
// is invalid"; "expired authorization code" for an exp in the past (what Salesforce says
// for a stale assertion); an exp more than 3 minutes ahead is refused as "invalid assertion"
// (the closest of its messages); "user hasn't approved this consumer" for a sub the app is
// not pre-authorised for.
http::Response SalesforceDouble::JwtGrant(const std::string& assertion) {
  const size_t first = assertion.find('.');
  const size_t second = first == std::string::npos ? std::string::npos : assertion.find('.', first + 1);
  if (second == std::string::npos || assertion.find('.', second + 1) != std::string::npos) {
    return TokenError("invalid_grant", "invalid assertion");
  }
  auto header_text = Base64UrlDecode(std::string_view(assertion).substr(0, first));
  auto claims_text = Base64UrlDecode(std::string_view(assertion).substr(first + 1, second - first - 1));
  auto signature = Base64UrlDecode(std::string_view(assertion).substr(second + 1));
  if (!header_text || !claims_text || !signature) return TokenError("invalid_grant", "invalid assertion");
  const auto header = nlohmann::json::parse(*header_text, nullptr, false);
  const auto claims = nlohmann::json::parse(*claims_text, nullptr, false);
  if (!header.is_object() || !claims.is_object() || header.value("alg", "") != "RS256") {
    return TokenError("invalid_grant", "invalid assertion");
  }
  auto text_claim = [&](const char* name) -> std::string {
    auto it = claims.find(name);
    return it != claims.end() && it->is_string() ? it->get<std::string>() : "";
  };
  if (text_claim("iss") != options_.client_id) return TokenError("invalid_client_id", "client identifier invalid");
  if (certificate_pem_.empty() || !VerifyRs256(certificate_pem_, assertion.substr(0, second), *signature)) {
    return TokenError("invalid_grant", "invalid assertion");
  }
  std::string audience = text_claim("aud");
  if (audience.empty() && claims.contains("aud") && claims["aud"].is_array() && claims["aud"].size() == 1 &&
      claims["aud"][0].is_string()) {
    audience = claims["aud"][0].get<std::string>();
  }
  if (audience.ends_with("/")) audience.pop_back();
  if (audience != base_url()) return TokenError("invalid_grant", "audience is invalid");
  auto exp = claims.find("exp");
  if (exp == claims.end() || !exp->is_number()) return TokenError("invalid_grant", "invalid assertion");
  const auto expiry = system_clock::time_point(seconds(exp->get<int64_t>()));
  const auto now = NowLocked();
  const seconds skew(options_.assertion_clock_skew_seconds);
  if (expiry <= now - skew) return TokenError("invalid_grant", "expired authorization code");
  if (expiry > now + kMaxAssertionLifetime + skew) return TokenError("invalid_grant", "invalid assertion");
  const std::string subject = text_claim("sub");
  if (!options_.preauthorized_users.contains(subject)) {
    return TokenError("invalid_grant", "user hasn't approved this consumer");
  }
  return IssueTokenResponse(subject);
}

http::Response SalesforceDouble::ClientCredentialsGrant(const http::Request& request,
                                                        const std::map<std::string, std::string>& form) {
  if (!options_.my_domain) return TokenError("invalid_grant", "request not supported on this domain");
  std::string client_id;
  std::string client_secret;
  const std::string authorization = http::FindHeader(request.headers, "Authorization");
  if (authorization.starts_with("Basic ")) {
    auto decoded = sfdc::Base64Decode(authorization.substr(6));
    const size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return TokenError("invalid_client", "invalid client credentials");
    client_id = decoded->substr(0, colon);
    client_secret = decoded->substr(colon + 1);
  } else {
    if (auto it = form.find("client_id"); it != form.end()) client_id = it->second;
    if (auto it = form.find("client_secret"); it != form.end()) client_secret = it->second;
  }
  if (client_id != options_.client_id) return TokenError("invalid_client_id", "client identifier invalid");
  if (client_secret != options_.client_secret) return TokenError("invalid_client", "invalid client credentials");
  return IssueTokenResponse(options_.run_as_username);
}

}  // namespace tributary::testing
