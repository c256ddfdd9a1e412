// TLS material for tests, made with OpenSSL at run time (no key is ever committed): a
// private CA, server certificates for 127.0.0.1 and localhost, client certificates, an
// expired certificate and a second, unrelated CA, written as PEM files.
#pragma once

#include <string>

#include "gateway/common/result.h"

namespace tributary::testing {

// A certificate and its private key, both PEM (P-256 ECDSA keys: quick to make).
struct TestCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
};

// A self-signed CA certificate (CA:TRUE, keyCertSign), valid from a day ago for a year.
Result<TestCertificate> MakeTestCa(const std::string& common_name);

enum class CertificateUse { kServer, kClient };

struct LeafSpec {
  std::string common_name;
  CertificateUse use = CertificateUse::kServer;
  // Validity, in seconds from now. The default covers a day ago to a year ahead; an
  // expired certificate is e.g. {-2 days, -1 day}.
  long not_before_offset = -24L * 3600;
  long not_after_offset = 365L * 24 * 3600;
};

// A certificate signed by `ca`. A server certificate names DNS:localhost and IP:127.0.0.1
// (subjectAltName) and serverAuth; a client certificate clientAuth. Each call makes a new
// key and a random serial.
Result<TestCertificate> MakeTestLeaf(const TestCertificate& ca, const LeafSpec& spec);

// Paths of the PEM files written by WriteTestCertificate.
struct TestCertificateFiles {
  std::string cert_file;  // <dir>/<stem>.crt
  std::string key_file;   // <dir>/<stem>.key, mode 0600
};
Result<TestCertificateFiles> WriteTestCertificate(const TestCertificate& certificate, const std::string& dir,
                                                  const std::string& stem);

// A whole test PKI under `dir` (which must exist): what TLS tests of the admin server and
// the pusher use.
struct TestPki {
  std::string ca_file;                 // the CA that signed everything below but `other_*`
  TestCertificateFiles server;         // for 127.0.0.1 / localhost
  TestCertificateFiles client;         // a client certificate
  TestCertificateFiles expired_server; // for 127.0.0.1 / localhost, expired yesterday
  std::string other_ca_file;           // an unrelated CA
  TestCertificateFiles other_server;   // server certificate signed by the unrelated CA
  TestCertificateFiles other_client;   // client certificate signed by the unrelated CA
};
Result<TestPki> WriteTestPki(const std::string& dir);

}  // namespace tributary::testing
