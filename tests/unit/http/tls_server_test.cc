// The Beast server over TLS against the libcurl client, both real, on loopback port 0,
// with certificates made at run time (tests/testing/test_certificates.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <string>

#include "gateway/http/beast_server_internal.h"
#include "gateway/http/http_client.h"
#include "gateway/http/http_server.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/http/raw_socket.h"
#include "tests/testing/test_certificates.h"

namespace tributary::http {
namespace {

using ::testing::HasSubstr;

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto pki = ::tributary::testing::WriteTestPki(dir_.path().string());
    ASSERT_TRUE(pki.has_value()) << pki.error().ToString();
    pki_ = *pki;
  }

  // A server answering 200 "hello <target>" over TLS with the CA's server certificate;
  // with `client_ca`, client certificates of that CA are required.
  std::unique_ptr<HttpServer> Serve(const std::string& client_ca = "") {
    ServerOptions options;
    options.tls = ServerTls{.cert_file = pki_.server.cert_file, .key_file = pki_.server.key_file,
                            .client_ca_file = client_ca};
    auto server = StartHttpServer(options, [this](const Request& request) {
      ++handled_;
      return Response{200, {{"Content-Type", "text/plain"}}, "hello " + request.target};
    });
    EXPECT_TRUE(server.has_value()) << server.error().ToString();
    return server ? std::move(*server) : nullptr;
  }

  static std::string Url(const HttpServer& server, const std::string& scheme = "https") {
    return scheme + "://127.0.0.1:" + std::to_string(server.port()) + "/v1/status";
  }

  static Result<Response> Get(const ClientOptions& options, const std::string& url) {
    return MakeCurlClient(options)->Send({"GET", url, {}, ""});
  }

  ::tributary::testing::TempDir dir_;
  ::tributary::testing::TestPki pki_;
  std::atomic<int> handled_{0};
};

TEST_F(TlsServerTest, AnswersOverTlsAndKeepsTheConnection) {
  auto server = Serve();
  ASSERT_TRUE(server);
  auto client = MakeCurlClient({.ca_file = pki_.ca_file});
  for (int i = 0; i < 3; ++i) {
    auto got = client->Send({"GET", Url(*server), {}, ""});
    ASSERT_TRUE(got.has_value()) << got.error().ToString();
    EXPECT_EQ(got->status, 200);
    EXPECT_EQ(got->body, "hello /v1/status");
  }
  // Also by host name: the certificate names localhost too.
  auto by_name = client->Send({"GET", "https://localhost:" + std::to_string(server->port()) + "/x", {}, ""});
  ASSERT_TRUE(by_name.has_value()) << by_name.error().ToString();
  EXPECT_EQ(by_name->body, "hello /x");
  EXPECT_EQ(server->accepted_connections(), 2u);  // keep-alive: one TLS connection per host name
}

TEST_F(TlsServerTest, PlainHttpAndUntrustedClientsGetNothing) {
  auto server = Serve();
  ASSERT_TRUE(server);
  auto plain = Get({}, Url(*server, "http"));
  EXPECT_FALSE(plain.has_value());
  // The client verifies the server: the system store does not know the test CA, nor does
  // the unrelated CA.
  auto system_store = Get({}, Url(*server));
  ASSERT_FALSE(system_store.has_value());
  EXPECT_EQ(system_store.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(Get({.ca_file = pki_.other_ca_file}, Url(*server)).has_value());
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(TlsServerTest, MutualTlsServesOnlyClientsOfItsCa) {
  auto server = Serve(pki_.ca_file);
  ASSERT_TRUE(server);
  auto anonymous = Get({.ca_file = pki_.ca_file}, Url(*server));
  EXPECT_FALSE(anonymous.has_value());
  auto wrong_ca = Get({.ca_file = pki_.ca_file,
                       .client_cert_file = pki_.other_client.cert_file,
                       .client_key_file = pki_.other_client.key_file},
                      Url(*server));
  EXPECT_FALSE(wrong_ca.has_value());
  EXPECT_EQ(handled_.load(), 0);  // refused at the handshake: no request was read

  auto client = MakeCurlClient(
      {.ca_file = pki_.ca_file, .client_cert_file = pki_.client.cert_file, .client_key_file = pki_.client.key_file});
  for (int i = 0; i < 2; ++i) {
    auto got = client->Send({"GET", Url(*server), {}, ""});
    ASSERT_TRUE(got.has_value()) << got.error().ToString();
    EXPECT_EQ(got->status, 200);
  }
  EXPECT_EQ(handled_.load(), 2);
}

TEST_F(TlsServerTest, RefusesUnusableMaterialNamingTheFile) {
  const std::string not_pem = dir_.File("not.pem");
  std::ofstream(not_pem) << "hello\n";
  auto start = [](ServerTls tls) { return StartHttpServer({.tls = std::move(tls)}, [](const Request&) {
                                     return Response{200, {}, ""};
                                   }); };

  auto bad_cert = start({.cert_file = not_pem, .key_file = pki_.server.key_file});
  ASSERT_FALSE(bad_cert.has_value());
  EXPECT_EQ(bad_cert.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad_cert.error().message, HasSubstr("TLS certificate " + not_pem + ": "));

  auto bad_key = start({.cert_file = pki_.server.cert_file, .key_file = not_pem});
  ASSERT_FALSE(bad_key.has_value());
  EXPECT_THAT(bad_key.error().message, HasSubstr("TLS private key " + not_pem + ": "));

  auto mismatch = start({.cert_file = pki_.server.cert_file, .key_file = pki_.client.key_file});
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_THAT(mismatch.error().message, HasSubstr("does not match the certificate " + pki_.server.cert_file));

  auto missing_ca = start({.cert_file = pki_.server.cert_file, .key_file = pki_.server.key_file,
                           .client_ca_file = dir_.File("absent.crt")});
  ASSERT_FALSE(missing_ca.has_value());
  EXPECT_THAT(missing_ca.error().message, HasSubstr("client CA file " + dir_.File("absent.crt")));
}

TEST_F(TlsServerTest, AHandshakeNeverStartedIsClosedAtTheHeaderDeadline) {
  ServerOptions options;
  options.tls = ServerTls{.cert_file = pki_.server.cert_file, .key_file = pki_.server.key_file};
  options.header_timeout = std::chrono::milliseconds(200);
  auto server = StartHttpServer(options, [](const Request&) { return Response{200, {}, ""}; });
  ASSERT_TRUE(server.has_value()) << server.error().ToString();
  const int fd = testing::ConnectLoopback((*server)->port());
  ASSERT_GE(fd, 0);
  // Silent: no ClientHello. The server closes without a byte once the deadline passes.
  const testing::Received received = testing::ReadUntilClosed(fd, std::chrono::seconds(10));
  ::close(fd);
  EXPECT_TRUE(received.closed);
  EXPECT_EQ(received.data, "");
}

TEST_F(TlsServerTest, ContextRequiresTls12AndVerifiesClientsOnlyWithAClientCa) {
  // The system's OpenSSL defaults may already refuse older versions; the server does not
  // rely on them.
  auto one_way = beast_internal::MakeServerTlsContext({.cert_file = pki_.server.cert_file,
                                                       .key_file = pki_.server.key_file});
  ASSERT_TRUE(one_way.has_value()) << one_way.error().ToString();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(one_way->native_handle()), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_verify_mode(one_way->native_handle()), SSL_VERIFY_NONE);
  auto mutual = beast_internal::MakeServerTlsContext(
      {.cert_file = pki_.server.cert_file, .key_file = pki_.server.key_file, .client_ca_file = pki_.ca_file});
  ASSERT_TRUE(mutual.has_value()) << mutual.error().ToString();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(mutual->native_handle()), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_verify_mode(mutual->native_handle()), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
}

}  // namespace
}  // namespace tributary::http
