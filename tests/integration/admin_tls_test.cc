// The daemon with TLS on both sides: its admin API over HTTPS (mutual TLS with a client
// CA), its pusher presenting a client certificate to a core over HTTPS, and certificates
// renewed by SIGHUP without a restart. Certificates are made at run time.
#include <signal.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"
#include "tests/testing/fake_core.h"
#include "tests/testing/test_certificates.h"

namespace tributary::testing {
namespace {

using std::chrono::seconds;
namespace fs = std::filesystem;

// The status of GET `url` by a new client (so a new connection and handshake) made with
// `options`; 0 when the exchange failed (refused handshake, untrusted certificate, ...).
int StatusOf(const std::string& url, const http::ClientOptions& options) {
  auto response = http::MakeCurlClient(options)->Send({"GET", url, {}, ""});
  return response ? response->status : 0;
}

int Occurrences(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

class AdminTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(pki_dir_.path().empty());
    auto pki = WriteTestPki(pki_dir_.path().string());
    ASSERT_TRUE(pki.has_value()) << pki.error().ToString();
    pki_ = *pki;
  }

  TempDir pki_dir_;
  TestPki pki_;
};

TEST_F(AdminTlsTest, AdminApiOverMutualTlsAndPushWithAClientCertificate) {
  auto core = FakeCore::Start({.tls = http::ServerTls{.cert_file = pki_.server.cert_file,
                                                      .key_file = pki_.server.key_file,
                                                      .client_ca_file = pki_.ca_file}});
  ASSERT_TRUE(core.has_value()) << core.error().ToString();
  HarnessOptions options;
  options.admin_tls = http::ServerTls{.cert_file = pki_.server.cert_file, .key_file = pki_.server.key_file,
                                      .client_ca_file = pki_.ca_file};
  const http::ClientOptions trusted{.ca_file = pki_.ca_file,
                                    .client_cert_file = pki_.client.cert_file,
                                    .client_key_file = pki_.client.key_file};
  options.admin_client = trusted;
  options.push_url = (*core)->base_url();
  options.push_token = (*core)->token();
  options.push_ca_file = pki_.ca_file;
  options.push_client_cert_file = pki_.client.cert_file;
  options.push_client_key_file = pki_.client.key_file;
  DaemonHarness daemon(options);
  daemon.Start();  // /readyz answered 200 over mutual TLS
  ASSERT_TRUE(daemon.Running());
  EXPECT_NE(daemon.Log().find("admin API on https://127.0.0.1:" + std::to_string(daemon.admin_port()) +
                              " (client certificates required)"),
            std::string::npos)
      << daemon.Log();

  const std::string url = daemon.AdminUrl("/readyz");
  EXPECT_EQ(StatusOf(url, trusted), 200);
  EXPECT_EQ(StatusOf(url, {.ca_file = pki_.ca_file}), 0);  // no client certificate
  EXPECT_EQ(StatusOf(url, {.ca_file = pki_.ca_file,
                           .client_cert_file = pki_.other_client.cert_file,
                           .client_key_file = pki_.other_client.key_file}),
            0);  // a certificate of another CA
  EXPECT_EQ(StatusOf("http://127.0.0.1:" + std::to_string(daemon.admin_port()) + "/readyz", {}), 0);

  // The pusher reaches the core that requires its client certificate.
  daemon.Drop("open_items_1.csv", OpenItemsCsv(GenerateOpenItems(3, 2)));
  EXPECT_TRUE(WaitUntil([&] { return (*core)->applied_count() >= 5; }, seconds(30)))
      << "applied " << (*core)->applied_count() << "\n" << daemon.Log();
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
}

TEST_F(AdminTlsTest, SighupServesRenewedCertificatesAndKeepsThemWhenTheNewOnesAreBroken) {
  // The files the config names, replaced in place as a renewal would.
  const std::string cert_file = pki_dir_.File("admin.crt");
  const std::string key_file = pki_dir_.File("admin.key");
  fs::copy_file(pki_.server.cert_file, cert_file);
  fs::copy_file(pki_.server.key_file, key_file);
  HarnessOptions options;
  options.admin_tls = http::ServerTls{.cert_file = cert_file, .key_file = key_file};
  options.admin_client = {.ca_file = pki_.ca_file};
  DaemonHarness daemon(options);
  daemon.Start();
  const std::string url = daemon.AdminUrl("/readyz");
  const http::ClientOptions old_trust{.ca_file = pki_.ca_file};
  const http::ClientOptions new_trust{.ca_file = pki_.other_ca_file};
  ASSERT_EQ(StatusOf(url, old_trust), 200);
  ASSERT_EQ(StatusOf(url, new_trust), 0);

  // Renewed (here by another CA, so each side can tell which certificate it was shown).
  fs::copy_file(pki_.other_server.cert_file, cert_file, fs::copy_options::overwrite_existing);
  fs::copy_file(pki_.other_server.key_file, key_file, fs::copy_options::overwrite_existing);
  kill(daemon.pid(), SIGHUP);
  ASSERT_TRUE(WaitUntil([&] { return Occurrences(daemon.Log(), "SIGHUP: config reloaded") == 1; }, seconds(30)))
      << daemon.Log();
  EXPECT_TRUE(WaitUntil([&] { return StatusOf(url, new_trust) == 200; }, seconds(10))) << daemon.Log();
  EXPECT_EQ(StatusOf(url, old_trust), 0);

  // A broken renewal: the running certificate stays.
  std::ofstream(cert_file, std::ios::trunc) << "not a certificate\n";
  kill(daemon.pid(), SIGHUP);
  ASSERT_TRUE(WaitUntil(
      [&] { return daemon.Log().find("SIGHUP: the new config is invalid; keeping the running one") != std::string::npos; },
      seconds(30)))
      << daemon.Log();
  EXPECT_NE(daemon.Log().find("admin.tls.cert_file: certificate file " + cert_file + " holds no PEM certificate"),
            std::string::npos)
      << daemon.Log();
  EXPECT_TRUE(daemon.Running());
  EXPECT_EQ(StatusOf(url, new_trust), 200);
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
}

}  // namespace
}  // namespace tributary::testing
