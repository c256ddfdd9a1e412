// RSA key material for tests of the JWT bearer flow: a fresh key with a self-signed
// certificate (the certificate is what a connected app is given; the key is what the
// client signs with), RS256 signing of compact JWTs and base64url. Everything is made
// with OpenSSL at test time; no private key is ever committed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gateway/common/result.h"

namespace tributary::testing {

struct RsaTestKeyPair {
  std::string private_key_pem;  // PKCS#8 "BEGIN PRIVATE KEY"
  std::string certificate_pem;  // self-signed X.509 "BEGIN CERTIFICATE" holding the public key
};

// A new 2048-bit RSA key and a self-signed certificate for it (subject CN=`common_name`,
// valid from one day ago to one year ahead, SHA-256 signature). Each call makes a new key.
Result<RsaTestKeyPair> MakeRsaTestKeyPair(const std::string& common_name = "tributary-test");

struct RsaTestKeyFiles {
  std::string private_key_path;  // <dir>/<stem>.key, mode 0600
  std::string certificate_path;  // <dir>/<stem>.crt
};
// Writes both halves of `pair` under `dir` (which must exist).
Result<RsaTestKeyFiles> WriteRsaTestKeyPair(const RsaTestKeyPair& pair, const std::string& dir,
                                            const std::string& stem = "jwt");

// base64url without padding (RFC 7515 section 2), and back; nullopt for characters outside
// the alphabet or an impossible length. Padding is tolerated when decoding.
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

// A compact JWS: base64url(header).base64url(claims).base64url(RS256 signature), signed
// with the PEM private key. `header` defaults to {"alg":"RS256"}; pass another one to make
// deliberately wrong tokens (the signature is RS256 whatever the header says).
Result<std::string> SignJwtRs256(const std::string& private_key_pem, const nlohmann::json& claims,
                                 const nlohmann::json& header = {{"alg", "RS256"}});

}  // namespace tributary::testing
