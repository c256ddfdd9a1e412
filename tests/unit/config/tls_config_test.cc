// The TLS parts of the config: admin.tls, admin.insecure_plaintext and the push client
// certificate, with PEM files made at run time (tests/testing/test_certificates.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/directory/directory_config.h"
#include "gateway/config/config.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_certificates.h"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kDataDir = std::string(TRIBUTARY_SOURCE_DIR) + "/tests/data/config";
constexpr char kNoTls[] =
    "admin.listen: the admin API listens off loopback without TLS: add admin.tls {cert_file, key_file} "
    "(see certs/README.md), or set admin.insecure_plaintext: true to accept plain HTTP";

class TlsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto pki = ::tributary::testing::WriteTestPki(dir_.path().string());
    ASSERT_TRUE(pki.has_value()) << pki.error().ToString();
    pki_ = *pki;
  }

  // A valid config whose admin/core part is `extra`, starting at line 3.
  std::expected<Config, Diagnostics> ParseWith(const std::string& extra) {
    const std::string text = "tenant: acme\nstate: sqlite:x.db\n" + extra +
                             "connectors:\n"
                             "  - name: a\n"
                             "    type: directory\n"
                             "    directory: {path: /d, archive_dir: /a, error_dir: /e}\n"
                             "    files: [{pattern: '*.csv', mapping: mappings/open_items.yaml}]\n";
    const std::vector<ConnectorType> types = {
        {.type = "directory", .parse = connectors::directory::ParseDirectoryConfig}};
    return ParseConfig(text, "c.yaml", kDataDir, types);
  }

  std::vector<std::string> ErrorsWith(const std::string& extra) {
    auto config = ParseWith(extra);
    std::vector<std::string> out;
    if (!config) {
      for (const Diagnostic& diagnostic : config.error()) out.push_back(diagnostic.ToString());
    }
    return out;
  }

  // admin: listening on all interfaces with a token and `tls_lines` (indented by 4).
  static std::string Admin(const std::string& tls_lines) {
    return "admin:\n  listen: 0.0.0.0:8470\n  token: t\n  tls:\n" + tls_lines;
  }

  ::tributary::testing::TempDir dir_;
  ::tributary::testing::TestPki pki_;
};

TEST_F(TlsConfigTest, OffLoopbackWithoutTlsIsRefusedNamingTheFix) {
  EXPECT_THAT(ErrorsWith("admin: {listen: '0.0.0.0:8470', token: t}\n"), ElementsAre(std::string("c.yaml:3:17: ") + kNoTls));
  EXPECT_THAT(ErrorsWith("admin: {listen: '[::]:8470', token: t, insecure_plaintext: false}\n"),
              ElementsAre(std::string("c.yaml:3:17: ") + kNoTls));
  // The token rule stays, beside the TLS one.
  EXPECT_THAT(ErrorsWith("admin: {listen: '10.0.0.1:8470'}\n"),
              ElementsAre(HasSubstr("a token is required"), std::string("c.yaml:3:17: ") + kNoTls));
  // Loopback needs neither.
  EXPECT_THAT(ErrorsWith("admin: {listen: '127.0.0.1:8470'}\n"), IsEmpty());
}

TEST_F(TlsConfigTest, InsecurePlaintextIsAcceptedKnowingly) {
  auto config = ParseWith("admin: {listen: '0.0.0.0:8470', token: t, insecure_plaintext: true}\n");
  ASSERT_TRUE(config) << ::testing::PrintToString(ErrorsWith(""));
  EXPECT_TRUE(config->admin.insecure_plaintext);
  EXPECT_FALSE(config->admin.tls);
  EXPECT_THAT(config->Describe(), HasSubstr("  insecure_plaintext: true\n"));
  EXPECT_THAT(ErrorsWith("admin: {listen: '0.0.0.0:8470', token: t, insecure_plaintext: yes please}\n"),
              ElementsAre("c.yaml:3:63: admin.insecure_plaintext: expected true or false, found \"yes please\""));
}

TEST_F(TlsConfigTest, AdminTlsTakesCheckedFiles) {
  auto config = ParseWith(Admin("    cert_file: " + pki_.server.cert_file + "\n    key_file: " + pki_.server.key_file +
                                "\n    client_ca_file: " + pki_.ca_file + "\n"));
  ASSERT_TRUE(config) << ::testing::PrintToString(
      ErrorsWith(Admin("    cert_file: " + pki_.server.cert_file + "\n    key_file: " + pki_.server.key_file + "\n")));
  ASSERT_TRUE(config->admin.tls);
  EXPECT_EQ(config->admin.tls->cert_file, pki_.server.cert_file);
  EXPECT_EQ(config->admin.tls->key_file, pki_.server.key_file);
  EXPECT_EQ(config->admin.tls->client_ca_file, pki_.ca_file);
  EXPECT_FALSE(config->admin.insecure_plaintext);
  EXPECT_THAT(config->Describe(), HasSubstr("  tls:\n    cert_file: " + pki_.server.cert_file + "\n    key_file: " +
                                            pki_.server.key_file + "\n    client_ca_file: " + pki_.ca_file + "\n"));

  // Without a client CA: no client certificate asked for.
  auto one_way = ParseWith(Admin("    cert_file: " + pki_.server.cert_file + "\n    key_file: " + pki_.server.key_file + "\n"));
  ASSERT_TRUE(one_way);
  EXPECT_EQ(one_way->admin.tls->client_ca_file, "");
}

TEST_F(TlsConfigTest, AdminTlsRefusesAKeyOfAnotherCertificate) {
  EXPECT_THAT(ErrorsWith(Admin("    cert_file: " + pki_.server.cert_file + "\n    key_file: " + pki_.client.key_file + "\n")),
              ElementsAre("c.yaml:8:15: admin.tls.key_file: the private key does not match the certificate " +
                          pki_.server.cert_file));
}

TEST_F(TlsConfigTest, AdminTlsRefusesFilesThatAreNotPem) {
  // A key where the certificate belongs, a certificate where the key belongs.
  EXPECT_THAT(
      ErrorsWith(Admin("    cert_file: " + pki_.server.key_file + "\n    key_file: " + pki_.server.cert_file +
                       "\n    client_ca_file: " + pki_.server.key_file + "\n")),
      ElementsAre("c.yaml:7:16: admin.tls.cert_file: certificate file " + pki_.server.key_file +
                      " holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)",
                  "c.yaml:8:15: admin.tls.key_file: private key file " + pki_.server.cert_file +
                      " holds no unencrypted PEM private key (expected -----BEGIN PRIVATE KEY----- or similar)",
                  "c.yaml:9:21: admin.tls.client_ca_file: CA file " + pki_.server.key_file +
                      " holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)"));
  EXPECT_THAT(ErrorsWith(Admin("    cert_file: " + pki_.server.cert_file + "\n")),
              ElementsAre("c.yaml:7:5: admin.tls: missing required key 'key_file'"));
}

TEST_F(TlsConfigTest, TlsAndInsecurePlaintextContradict) {
  EXPECT_THAT(ErrorsWith(Admin("    cert_file: " + pki_.server.cert_file + "\n    key_file: " + pki_.server.key_file +
                               "\n") +
                         "  insecure_plaintext: true\n"),
              ElementsAre("c.yaml:9:23: admin.insecure_plaintext: true contradicts admin.tls: remove one of them"));
}

TEST_F(TlsConfigTest, PushClientCertificateComesWithItsKey) {
  const std::string push = "core:\n  push:\n    url: https://c.example.com\n    ca_file: " + pki_.ca_file + "\n";
  auto config = ParseWith(push + "    client_cert_file: " + pki_.client.cert_file + "\n    client_key_file: " +
                          pki_.client.key_file + "\n");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->push->ca_file, pki_.ca_file);
  EXPECT_EQ(config->push->client_cert_file, pki_.client.cert_file);
  EXPECT_EQ(config->push->client_key_file, pki_.client.key_file);
  EXPECT_THAT(config->Describe(), HasSubstr("    client_cert_file: " + pki_.client.cert_file +
                                            "\n    client_key_file: " + pki_.client.key_file + "\n"));

  EXPECT_THAT(ErrorsWith(push + "    client_cert_file: " + pki_.client.cert_file + "\n"),
              ElementsAre("c.yaml:7:23: core.push.client_cert_file: client_key_file is required with "
                          "client_cert_file (a certificate and its key go together)"));
  EXPECT_THAT(ErrorsWith(push + "    client_key_file: " + pki_.client.key_file + "\n"),
              ElementsAre("c.yaml:7:22: core.push.client_key_file: client_cert_file is required with "
                          "client_key_file (a certificate and its key go together)"));
  EXPECT_THAT(ErrorsWith(push + "    client_cert_file: " + pki_.client.cert_file + "\n    client_key_file: " +
                         pki_.other_client.key_file + "\n"),
              ElementsAre("c.yaml:8:22: core.push.client_key_file: the private key does not match the certificate " +
                          pki_.client.cert_file));
}

}  // namespace
}  // namespace tributary::config
