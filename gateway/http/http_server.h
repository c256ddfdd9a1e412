// Inbound HTTP: a small server interface over Boost.Beast, used by the admin API and by
// the test doubles of external services.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gateway/common/result.h"
#include "gateway/http/http_types.h"

namespace tributary::http {

// Called on a handler thread for every complete request; may block (long polls do). Must
// be thread-safe: requests on different connections run concurrently.
using Handler = std::function<Response(const Request&)>;

// What the server did to protect itself, for metrics.
enum class ConnectionEvent {
  kRefusedPeerLimit,   // a new connection answered 503: the peer's connections were all busy
  kRefusedTotalLimit,  // a new connection answered 503: all connections were busy
  kEvicted,            // a connection waiting for a request head closed to make room
  kHeaderTimeout,      // a connection closed because its request head took too long
};

// TLS material of a server, PEM files. The certificate file may hold the chain after the
// server's own certificate. With `client_ca_file`, every client must present a certificate
// signed by one of its CAs (mutual TLS); a client without one, or with another, is refused
// during the handshake, before any request is read.
struct ServerTls {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  // "" = no client certificate asked for
};

// Connection limits. A connection "waiting" for a request head (new, or idle between
// keep-alive requests) costs no thread, only a descriptor; a thread runs only while a
// handler runs. When a new connection would pass a limit, the oldest waiting connection
// (of that peer for the per-peer limit, of anyone for the total) is closed to make room;
// when none is waiting, the new connection is answered 503 and closed. So connections that
// never finish their request head cannot lock out a probe that sends a whole request.
struct ServerOptions {
  std::string host = "127.0.0.1";  // IPv4 or IPv6 literal, or "localhost"
  uint16_t port = 0;               // 0 = any free port (tests)
  int max_connections = 512;          // open connections in all; >= 1
  int max_connections_per_peer = 32;  // open connections per remote IP address; >= 1
  // The whole request head must arrive within this time from the moment the server starts
  // waiting for it (after accept, or after the previous answer on a keep-alive
  // connection); bytes trickling in do not extend it. > 0.
  std::chrono::milliseconds header_timeout{10'000};
  // Reading a request body, writing an answer. > 0.
  std::chrono::milliseconds io_timeout{30'000};
  // Serve HTTPS (TLS 1.2 or later) instead of plain HTTP. The files are read once, by
  // StartHttpServer: replacing them affects the next server started, not this one.
  std::optional<ServerTls> tls;
  // Told of every ConnectionEvent, on the server's I/O thread: must be quick and must not
  // block. Optional.
  std::function<void(ConnectionEvent)> on_connection_event;
};

// Counters since start (tests; see ConnectionEvent).
struct ConnectionStats {
  uint64_t accepted = 0;  // TCP connections accepted (before any limit)
  uint64_t refused_peer_limit = 0;
  uint64_t refused_total_limit = 0;
  uint64_t evicted = 0;
  uint64_t header_timeouts = 0;
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  virtual uint16_t port() const = 0;  // the bound port (useful with port 0)
  // TCP connections accepted since start (keep-alive reuse shows as fewer connections
  // than requests). Thread-safe.
  virtual uint64_t accepted_connections() const = 0;
  // Thread-safe snapshot of the counters.
  virtual ConnectionStats connection_stats() const = 0;
  // Stops accepting, closes idle keep-alive connections, waits for handlers to return.
  // Idempotent. Also called by the destructor. Must not be called from a handler.
  virtual void Stop() = 0;
};

// Binds and starts serving on background threads. HTTP/1.1 keep-alive. Request bodies
// above 1 MiB get 413; a request head not complete within `header_timeout`, or a body or
// answer stuck for `io_timeout`, closes the connection; a handler that throws answers
// 500. Framing that could be read two ways is refused before the body is read, and the
// connection closed: Transfer-Encoding other than exactly `chunked` gets 501, both
// Transfer-Encoding and Content-Length 400. The listening socket uses SO_REUSEADDR, so a
// stopped server's port can be bound again at once. With `options.tls`, a certificate or
// key that cannot be used (unreadable, not PEM, a key that does not match) is an error
// (kInvalidArgument) naming the file, and nothing listens.
Result<std::unique_ptr<HttpServer>> StartHttpServer(const ServerOptions& options, Handler handler);

}  // namespace tributary::http
