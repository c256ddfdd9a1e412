// The pusher to a core served over HTTPS: the server certificate is always verified (an
// expired one fails the batch as a transport error, retried, never accepted) and the
// client certificate a mutual-TLS core requires is presented.
#include <gtest/gtest.h>

#include "tests/testing/test_certificates.h"
#include "tests/unit/sync/pusher_fixture.h"

namespace tributary::sync {
namespace {

class PusherTlsTest : public PusherTest {
 protected:
  void SetUp() override {
    PusherTest::SetUp();
    auto pki = testing::WriteTestPki(dir_.path().string());
    ASSERT_TRUE(pki.has_value()) << pki.error().ToString();
    pki_ = *pki;
  }

  // Replaces the plain core with one over HTTPS serving `server`; with `client_ca`, it
  // requires client certificates of that CA.
  void ServeCoreOverTls(const testing::TestCertificateFiles& server, const std::string& client_ca = "") {
    core_.reset();
    auto core = FakeCore::Start({.tls = http::ServerTls{.cert_file = server.cert_file,
                                                        .key_file = server.key_file,
                                                        .client_ca_file = client_ca}});
    ASSERT_TRUE(core.has_value()) << core.error().ToString();
    core_ = std::move(*core);
  }

  testing::TestPki pki_;
};

TEST_F(PusherTlsTest, ExpiredServerCertificateIsATransportErrorRetriedNeverAccepted) {
  ServeCoreOverTls(pki_.expired_server);
  ASSERT_EQ(core_->base_url().rfind("https://", 0), 0u);
  Seed(2);
  client_ = http::MakeCurlClient({.ca_file = pki_.ca_file});
  Pusher pusher(*store_, *client_, Options());
  for (int attempt = 1; attempt <= 2; ++attempt) {
    const StepOutcome outcome = StepOk(pusher);
    EXPECT_EQ(outcome.kind, StepKind::kRetry) << outcome.reason;
    EXPECT_NE(outcome.reason.find("expired"), std::string::npos) << outcome.reason;
  }
  EXPECT_EQ(pusher.stats().retries.load(), 2);
  EXPECT_EQ(pusher.stats().batches_parked.load(), 0);
  EXPECT_EQ(core_->request_count(), 0);  // no request crossed the failed handshake
  EXPECT_EQ(Delivered(), 0);
  EXPECT_EQ(store_->DeadLetterCount(), 0);

  // The core renews its certificate: the same batch goes through.
  ServeCoreOverTls(pki_.server);
  Pusher renewed(*store_, *client_, Options());
  EXPECT_EQ(StepOk(renewed).kind, StepKind::kDelivered);
  EXPECT_EQ(core_->applied_count(), 2);
  EXPECT_EQ(Delivered(), 2);
}

TEST_F(PusherTlsTest, UntrustedServerCertificateIsRetried) {
  ServeCoreOverTls(pki_.other_server);
  Seed(1);
  client_ = http::MakeCurlClient({.ca_file = pki_.ca_file});
  Pusher pusher(*store_, *client_, Options());
  EXPECT_EQ(StepOk(pusher).kind, StepKind::kRetry);
  EXPECT_EQ(core_->request_count(), 0);
  EXPECT_EQ(Delivered(), 0);
}

TEST_F(PusherTlsTest, PresentsTheClientCertificateTheCoreRequires) {
  ServeCoreOverTls(pki_.server, pki_.ca_file);
  Seed(3);
  // Without a client certificate the core refuses the handshake: retried, not parked.
  client_ = http::MakeCurlClient({.ca_file = pki_.ca_file});
  {
    Pusher pusher(*store_, *client_, Options());
    EXPECT_EQ(StepOk(pusher).kind, StepKind::kRetry);
    EXPECT_EQ(core_->request_count(), 0);
  }
  client_ = http::MakeCurlClient({.ca_file = pki_.ca_file,
                                  .client_cert_file = pki_.client.cert_file,
                                  .client_key_file = pki_.client.key_file});
  Pusher pusher(*store_, *client_, Options());
  EXPECT_EQ(StepOk(pusher).kind, StepKind::kDelivered);
  EXPECT_EQ(core_->applied_count(), 3);
  EXPECT_EQ(Delivered(), 3);
}

}  // namespace
}  // namespace tributary::sync
