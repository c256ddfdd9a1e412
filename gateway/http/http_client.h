// Outbound HTTP(S). Production implementation on libcurl; tests talk to real loopback
// servers through the same class.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "gateway/common/result.h"
#include "gateway/http/http_types.h"

namespace tributary::http {

struct ClientOptions {
  std::string ca_file;  // PEM bundle to verify the server with; "" = system store
  // A client certificate (PEM, may hold its chain) and its PEM key, presented to HTTPS
  // servers that ask for one (mutual TLS). Both or neither; "" = none.
  std::string client_cert_file;
  std::string client_key_file;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{60000};
};

// One client reuses its connection (keep-alive). Not thread-safe: one per thread.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends `request` (request.target is the absolute URL). Transport failures
  // (refused, reset, TLS, timeout) are errors (kUnavailable / kTimeout); any HTTP status,
  // including 4xx/5xx, is a successful Response.
  virtual Result<Response> Send(const Request& request) = 0;
};

// TLS peers and host names are always verified; there is no switch to turn that off.
std::unique_ptr<HttpClient> MakeCurlClient(const ClientOptions& options);

}  // namespace tributary::http
