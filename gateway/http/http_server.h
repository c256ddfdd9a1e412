// Inbound HTTP: a small server interface over Boost.Beast, used by the admin API and by
// the test doubles of external services.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gateway/common/result.h"
#include "gateway/http/http_types.h"

namespace tributary::http {

// Called on a server thread for every request; may block (long polls do). Must be
// thread-safe: requests on different connections run concurrently.
using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";  // IPv4 or IPv6 literal, or "localhost"
  uint16_t port = 0;               // 0 = any free port (tests)
  int max_connections = 64;        // further connections wait in the accept queue
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  virtual uint16_t port() const = 0;  // the bound port (useful with port 0)
  // TCP connections accepted since start (keep-alive reuse shows as fewer connections
  // than requests). Thread-safe.
  virtual uint64_t accepted_connections() const = 0;
  // Stops accepting, closes idle keep-alive connections, waits for handlers to return.
  // Idempotent. Also called by the destructor. Must not be called from a handler.
  virtual void Stop() = 0;
};

// Binds and starts serving on background threads. HTTP/1.1 keep-alive. Request bodies
// above 1 MiB get 413; a connection idle or stuck reading/writing for 30 s is closed;
// a handler that throws answers 500. The listening socket uses SO_REUSEADDR, so a
// stopped server's port can be bound again at once.
Result<std::unique_ptr<HttpServer>> StartHttpServer(const ServerOptions& options, Handler handler);

}  // namespace tributary::http
