#include "gateway/config/tls_files.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace tributary::config {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};

// A passphrase callback that gives none: an encrypted key fails instead of prompting on
// the terminal.
int NoPassphrase(char*, int, int, void*) { return 0; }

std::unique_ptr<X509, X509Free> ReadFirstCertificate(const std::string& path) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return nullptr;
  return std::unique_ptr<X509, X509Free>(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
}

std::unique_ptr<EVP_PKEY, KeyFree> ReadKey(const std::string& path) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return nullptr;
  return std::unique_ptr<EVP_PKEY, KeyFree>(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
}

}  // namespace

std::optional<std::string> CheckPemCertificates(const std::string& path) {
  const bool found = ReadFirstCertificate(path) != nullptr;
  ERR_clear_error();  // OpenSSL's error queue is per thread: leave nothing for the next caller
  if (!found) return "holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)";
  return std::nullopt;
}

std::optional<std::string> CheckPemPrivateKey(const std::string& path) {
  const bool found = ReadKey(path) != nullptr;
  ERR_clear_error();
  if (!found) return "holds no unencrypted PEM private key (expected -----BEGIN PRIVATE KEY----- or similar)";
  return std::nullopt;
}

std::optional<std::string> CheckKeyMatchesCertificate(const std::string& cert_path, const std::string& key_path) {
  auto cert = ReadFirstCertificate(cert_path);
  auto key = ReadKey(key_path);
  const bool matches = cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  if (!matches) return "the private key does not match the certificate " + cert_path;
  return std::nullopt;
}

}  // namespace tributary::config
