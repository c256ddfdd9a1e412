// The two halves of the Beast-based HttpServer (see beast_server.cc for the design):
// BeastServer (listener, limits, handler threads) and Connection (one accepted socket,
// plain or TLS). Internal to gateway/http: included by beast_server.cc,
// beast_connection.cc and server_tls.cc only.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <type_traits>

#include "gateway/http/http_server.h"

namespace tributary::http::beast_internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kBodyLimit = 1 << 20;
constexpr uint32_t kHeaderLimit = 64 * 1024;
// How long a connection refused with 4xx/5xx may keep sending before it is closed; the
// input is drained meanwhile so the client sees the answer rather than a reset.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr uint64_t kLingerBytes = 4 * kBodyLimit;

class BeastServer;

// What the server knows of an accepted connection, whatever carries its bytes. I/O thread
// only.
class ConnectionBase : public std::enable_shared_from_this<ConnectionBase> {
 public:
  ConnectionBase(BeastServer& server, std::string peer) : server_(server), peer_(std::move(peer)) {}
  virtual ~ConnectionBase() = default;
  ConnectionBase(const ConnectionBase&) = delete;
  ConnectionBase& operator=(const ConnectionBase&) = delete;

  // Begins with the TLS handshake, if any, then reads the first request head.
  virtual void Start() = 0;
  // Answers the request whose handler has returned, then reads the next one or closes.
  virtual void Answer(Response response) = 0;
  // Closes the socket (pending operations complete with an error) and releases the slot.
  // Idempotent.
  virtual void Close() = 0;

  const std::string& peer() const { return peer_; }
  bool waiting() const { return waiting_ && !closed_; }
  Clock::time_point waiting_since() const { return waiting_since_; }

 protected:
  BeastServer& server_;
  const std::string peer_;
  bool waiting_ = false;  // waiting for (or reading) a request head, or in the TLS handshake
  Clock::time_point waiting_since_;
  bool closed_ = false;
};

// One accepted connection over `Stream`: beast::tcp_stream (plain HTTP) or
// beast::ssl_stream<beast::tcp_stream> (HTTPS). Instantiated for those two only
// (beast_connection.cc). I/O thread only.
template <class Stream>
class Connection final : public ConnectionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  // `stream_args` construct the stream: the socket, then the TLS context for HTTPS.
  template <class... StreamArgs>
  Connection(BeastServer& server, std::string peer, StreamArgs&&... stream_args)
      : ConnectionBase(server, std::move(peer)), stream_(std::forward<StreamArgs>(stream_args)...) {}
  ~Connection() override { Close(); }

  void Start() override;
  void Answer(Response response) override;
  void Close() override;

 private:
  std::shared_ptr<Connection> Self() { return std::static_pointer_cast<Connection>(shared_from_this()); }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  void OnHandshake(beast::error_code ec);
  // Waits for the next request head, under a new header deadline unless `after_handshake`
  // (the handshake's deadline then covers the first head too).
  void ReadHead(bool after_handshake = false);
  void OnHead(beast::error_code ec);
  void ReadBody();
  void OnBody(beast::error_code ec);
  void Dispatch();
  void OnReadError(beast::error_code ec);
  void Refuse(bhttp::status status);
  void Drain();

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> answer_;  // alive while it is written
  bool keep_alive_ = false;
  unsigned version_ = 11;
  uint64_t drained_ = 0;
};

extern template class Connection<beast::tcp_stream>;
extern template class Connection<beast::ssl_stream<beast::tcp_stream>>;

class BeastServer final : public HttpServer {
 public:
  BeastServer(const ServerOptions& options, Handler handler) : options_(options), handler_(std::move(handler)) {}
  ~BeastServer() override { Stop(); }
  BeastServer(const BeastServer&) = delete;
  BeastServer& operator=(const BeastServer&) = delete;

  // Loads the TLS material (when asked) and binds the listening socket.
  Status Bind();
  void Start();

  uint16_t port() const override { return port_; }
  uint64_t accepted_connections() const override { return accepted_.load(); }
  ConnectionStats connection_stats() const override {
    return {accepted_.load(), refused_peer_.load(), refused_total_.load(), evicted_.load(),
            header_timeouts_.load()};
  }
  void Stop() override;

  // For connections (I/O thread).
  const ServerOptions& options() const { return options_; }
  bool stopping() const { return stopping_.load(); }
  void RunHandler(std::shared_ptr<ConnectionBase> connection, Request request);
  void Release(ConnectionBase* connection);
  void HeaderTimedOut(const std::string& peer);
  // A TLS handshake failed (no or untrusted client certificate, not TLS at all, ...).
  void HandshakeFailed(const std::string& peer, beast::error_code ec);

 private:
  void Accept();
  void AcceptReady();
  void Admit(int fd, const tcp::endpoint& remote);
  // Closes the oldest connection waiting for a request head, of `peer` or (nullptr) of
  // anyone. Returns whether there was one.
  bool EvictOldestWaiting(const std::string* peer);
  void WarnLimited(const std::string& what);
  void Count(ConnectionEvent event);
  Response CallHandler(const Request& request);

  const ServerOptions options_;
  Handler handler_;
  std::optional<asio::ssl::context> tls_;  // set by Bind() when options_.tls
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  asio::steady_timer accept_backoff_{io_};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  tcp::endpoint::protocol_type protocol_ = tcp::v4();
  uint16_t port_ = 0;
  std::thread io_thread_;

  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> refused_peer_{0};
  std::atomic<uint64_t> refused_total_{0};
  std::atomic<uint64_t> evicted_{0};
  std::atomic<uint64_t> header_timeouts_{0};

  // I/O thread only.
  std::set<ConnectionBase*> connections_;
  std::map<std::string, int> per_peer_;
  Clock::time_point last_warning_{};
  uint64_t suppressed_warnings_ = 0;

  std::mutex mutex_;
  std::condition_variable cv_;  // handlers_ went down
  int handlers_ = 0;            // handler threads running; guarded by mutex_
  bool no_more_handlers_ = false;  // Stop() began; guarded by mutex_

  std::mutex stop_mutex_;  // serialises Stop(); held while joining
  bool stopped_ = false;   // guarded by stop_mutex_
};

// The TLS context of a server from its PEM files: TLS 1.2 or later, the certificate chain
// and its key (checked to match), and with a client CA file, client certificates required
// and verified against it. Errors name the file and OpenSSL's reason (server_tls.cc).
Result<asio::ssl::context> MakeServerTlsContext(const ServerTls& tls);

}  // namespace tributary::http::beast_internal
