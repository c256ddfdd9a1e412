#include "tests/testing/test_certificates.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <utility>
#include <vector>

namespace tributary::testing {
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
struct ExtensionFree {
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

Result<TestCertificate> ToPem(X509* cert, EVP_PKEY* key) {
  TestCertificate out;
  std::unique_ptr<BIO, BioFree> cert_bio(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, BioFree> key_bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(cert_bio.get(), cert) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Fail(ErrorCode::kInternal, "cannot write PEM");
  }
  out.certificate_pem = BioText(cert_bio.get());
  out.private_key_pem = BioText(key_bio.get());
  return out;
}

Result<std::pair<Cert, Key>> FromPem(const TestCertificate& pem) {
  std::unique_ptr<BIO, BioFree> cert_bio(
      BIO_new_mem_buf(pem.certificate_pem.data(), static_cast<int>(pem.certificate_pem.size())));
  std::unique_ptr<BIO, BioFree> key_bio(
      BIO_new_mem_buf(pem.private_key_pem.data(), static_cast<int>(pem.private_key_pem.size())));
  Cert cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  Key key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!cert || !key) return Fail(ErrorCode::kInvalidArgument, "not a PEM certificate and key");
  return std::make_pair(std::move(cert), std::move(key));
}

// A new certificate for a new key, with subject CN=`common_name`, a random serial and the
// given validity; not yet signed.
Result<std::pair<Cert, Key>> NewCertificate(const std::string& common_name, long not_before, long not_after) {
  Key key(EVP_EC_gen("P-256"));
  Cert cert(X509_new());
  if (!key || !cert) return Fail(ErrorCode::kInternal, "cannot make a key");
  X509_set_version(cert.get(), 2);
  unsigned char serial[8];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;  // positive
  BIGNUM* number = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(number, X509_get_serialNumber(cert.get()));
  BN_free(number);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_after);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                             -1, -1, 0);
  return std::make_pair(std::move(cert), std::move(key));
}

// Adds extensions written as in openssl.cnf, e.g. {NID_basic_constraints, "critical,CA:TRUE"}.
Status AddExtensions(X509* cert, X509* issuer, const std::vector<std::pair<int, std::string>>& extensions) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    std::unique_ptr<X509_EXTENSION, ExtensionFree> extension(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) {
      return Fail(ErrorCode::kInternal, "cannot add extension " + value);
    }
  }
  return Ok();
}

Status WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return Fail(ErrorCode::kIo, "cannot write " + path);
    out << text;
    if (!out) return Fail(ErrorCode::kIo, "cannot write " + path);
  }
  ::chmod(path.c_str(), mode);
  return Ok();
}

}  // namespace

Result<TestCertificate> MakeTestCa(const std::string& common_name) {
  auto made = NewCertificate(common_name, -24L * 3600, 365L * 24 * 3600);
  if (!made) return std::unexpected(made.error());
  auto& [cert, key] = *made;
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  if (auto added = AddExtensions(cert.get(), cert.get(),
                                 {{NID_basic_constraints, "critical,CA:TRUE"},
                                  {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                  {NID_subject_key_identifier, "hash"}});
      !added) {
    return std::unexpected(added.error());
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return Fail(ErrorCode::kInternal, "X509_sign failed");
  return ToPem(cert.get(), key.get());
}

Result<TestCertificate> MakeTestLeaf(const TestCertificate& ca, const LeafSpec& spec) {
  auto issuer = FromPem(ca);
  if (!issuer) return std::unexpected(issuer.error());
  auto made = NewCertificate(spec.common_name, spec.not_before_offset, spec.not_after_offset);
  if (!made) return std::unexpected(made.error());
  auto& [cert, key] = *made;
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer->first.get()));
  std::vector<std::pair<int, std::string>> extensions = {
      {NID_basic_constraints, "critical,CA:FALSE"},
      {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
      {NID_subject_key_identifier, "hash"},
      {NID_authority_key_identifier, "keyid:always"}};
  if (spec.use == CertificateUse::kServer) {
    extensions.emplace_back(NID_ext_key_usage, "serverAuth");
    extensions.emplace_back(NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  } else {
    extensions.emplace_back(NID_ext_key_usage, "clientAuth");
  }
  if (auto added = AddExtensions(cert.get(), issuer->first.get(), extensions); !added) {
    return std::unexpected(added.error());
  }
  if (X509_sign(cert.get(), issuer->second.get(), EVP_sha256()) == 0) {
    return Fail(ErrorCode::kInternal, "X509_sign failed");
  }
  return ToPem(cert.get(), key.get());
}

Result<TestCertificateFiles> WriteTestCertificate(const TestCertificate& certificate, const std::string& dir,
                                                  const std::string& stem) {
  TestCertificateFiles files{.cert_file = dir + "/" + stem + ".crt", .key_file = dir + "/" + stem + ".key"};
  if (auto written = WriteFile(files.cert_file, certificate.certificate_pem, 0644); !written) {
    return std::unexpected(written.error());
  }
  if (auto written = WriteFile(files.key_file, certificate.private_key_pem, 0600); !written) {
    return std::unexpected(written.error());
  }
  return files;
}

Result<TestPki> WriteTestPki(const std::string& dir) {
  TestPki pki;
  auto ca = MakeTestCa("Tributary Test CA");
  auto other_ca = MakeTestCa("Unrelated Test CA");
  if (!ca) return std::unexpected(ca.error());
  if (!other_ca) return std::unexpected(other_ca.error());
  const auto write = [&](const TestCertificate& issuer, const LeafSpec& spec, const std::string& stem,
                         TestCertificateFiles& out) -> Status {
    auto leaf = MakeTestLeaf(issuer, spec);
    if (!leaf) return std::unexpected(leaf.error());
    auto files = WriteTestCertificate(*leaf, dir, stem);
    if (!files) return std::unexpected(files.error());
    out = *files;
    return Ok();
  };
  const LeafSpec server{.common_name = "localhost"};
  const LeafSpec client{.common_name = "tributary-client", .use = CertificateUse::kClient};
  const LeafSpec expired{.common_name = "localhost", .not_before_offset = -2L * 24 * 3600,
                         .not_after_offset = -24L * 3600};
  for (Status step : {write(*ca, server, "server", pki.server), write(*ca, client, "client", pki.client),
                      write(*ca, expired, "expired-server", pki.expired_server),
                      write(*other_ca, server, "other-server", pki.other_server),
                      write(*other_ca, client, "other-client", pki.other_client)}) {
    if (!step) return std::unexpected(step.error());
  }
  pki.ca_file = dir + "/ca.crt";
  pki.other_ca_file = dir + "/other-ca.crt";
  if (auto written = WriteFile(pki.ca_file, ca->certificate_pem, 0644); !written) {
    return std::unexpected(written.error());
  }
  if (auto written = WriteFile(pki.other_ca_file, other_ca->certificate_pem, 0644); !written) {
    return std::unexpected(written.error());
  }
  return pki;
}

}  // namespace tributary::testing
