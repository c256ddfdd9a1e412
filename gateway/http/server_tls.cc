// MakeServerTlsContext: the server side of HTTPS, on Boost.Asio SSL (OpenSSL).
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <string>

#include "gateway/http/beast_server_internal.h"

namespace tributary::http::beast_internal {
namespace {

// The session id context every server session carries: without one, OpenSSL refuses to
// resume a session (clients reconnecting with a ticket) once client certificates are
// verified.
constexpr unsigned char kSessionIdContext[] = "tributary-admin";

Error FileError(const std::string& what, const std::string& path, const beast::error_code& ec) {
  return Error{ErrorCode::kInvalidArgument, what + " " + path + ": " + ec.message()};
}

}  // namespace

Result<asio::ssl::context> MakeServerTlsContext(const ServerTls& tls) {
  asio::ssl::context context(asio::ssl::context::tls_server);
  SSL_CTX* native = context.native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return Fail(ErrorCode::kInternal, "cannot require TLS 1.2");
  }
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression |
                      asio::ssl::context::single_dh_use);
  SSL_CTX_set_session_id_context(native, kSessionIdContext, sizeof kSessionIdContext - 1);
  beast::error_code ec;
  // The key first: loading a certificate whose key differs then drops the key quietly,
  // and the check below says so in plain words (loading them the other way round fails
  // with OpenSSL's "key values mismatch").
  context.use_private_key_file(tls.key_file, asio::ssl::context::pem, ec);
  if (ec) return std::unexpected(FileError("TLS private key", tls.key_file, ec));
  context.use_certificate_chain_file(tls.cert_file, ec);
  if (ec) return std::unexpected(FileError("TLS certificate", tls.cert_file, ec));
  if (SSL_CTX_check_private_key(native) != 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "TLS private key " + tls.key_file + " does not match the certificate " + tls.cert_file);
  }
  if (!tls.client_ca_file.empty()) {
    context.load_verify_file(tls.client_ca_file, ec);
    if (ec) return std::unexpected(FileError("client CA file", tls.client_ca_file, ec));
    // The CA names go into the handshake, so a client holding several certificates knows
    // which one to present.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str());
    if (names == nullptr) {
      return Fail(ErrorCode::kInvalidArgument, "client CA file " + tls.client_ca_file + ": no certificate in it");
    }
    SSL_CTX_set_client_CA_list(native, names);  // takes ownership
    context.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  return context;
}

}  // namespace tributary::http::beast_internal
