#include "gateway/admin/access.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace tributary::admin {
namespace {

bool SameSecret(std::string_view presented, const std::string& token) {
  return presented.size() == token.size() && CRYPTO_memcmp(presented.data(), token.data(), token.size()) == 0;
}

// The password of a Basic credential (`user:password`, base64), or nullopt.
std::optional<std::string> BasicPassword(std::string_view encoded) {
  if (encoded.empty() || encoded.size() % 4 != 0 || encoded.size() > 4096) return std::nullopt;
  std::string decoded(encoded.size() / 4 * 3, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                     reinterpret_cast<const unsigned char*>(encoded.data()),
                                     static_cast<int>(encoded.size()));
  if (length < 0) return std::nullopt;
  size_t size = static_cast<size_t>(length);
  // EVP_DecodeBlock counts the padding as zero bytes.
  if (encoded.ends_with("==")) size -= 2;
  else if (encoded.ends_with("=")) size -= 1;
  decoded.resize(size);
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return decoded.substr(colon + 1);
}

}  // namespace

std::string Scopes::Names() const {
  std::string names;
  for (Scope scope : {Scope::kRead, Scope::kOperate, Scope::kActions}) {
    if (!Has(scope)) continue;
    if (!names.empty()) names += ", ";
    names += ScopeName(scope);
  }
  return names;
}

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kRead: return "read";
    case Scope::kOperate: return "operate";
    case Scope::kActions: return "actions";
  }
  return "?";
}

std::optional<Scope> ParseScope(std::string_view name) {
  for (Scope scope : {Scope::kRead, Scope::kOperate, Scope::kActions}) {
    if (ScopeName(scope) == name) return scope;
  }
  return std::nullopt;
}

std::optional<Caller> Authenticate(const http::Request& request, const std::vector<AccessToken>& tokens) {
  const std::string header = http::FindHeader(request.headers, "Authorization");
  std::string_view value = header;
  Presented presented = Presented::kNone;
  std::string basic_password;
  if (value.starts_with("Bearer ")) {
    value.remove_prefix(7);
    presented = Presented::kBearer;
  } else if (value.starts_with("Basic ")) {
    auto password = BasicPassword(value.substr(6));
    if (!password) return std::nullopt;
    basic_password = std::move(*password);
    value = basic_password;
    presented = Presented::kBasic;
  } else {
    return std::nullopt;
  }
  // Every token is compared, so the time taken does not say which one came close.
  std::optional<Caller> caller;
  for (const AccessToken& token : tokens) {
    if (SameSecret(value, token.token) && !caller) caller = Caller{token.scopes, presented, token.name};
  }
  return caller;
}

}  // namespace tributary::admin
