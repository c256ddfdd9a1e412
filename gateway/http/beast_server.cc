// HttpServer on asynchronous Boost.Beast: one I/O thread runs every socket operation
// (accepting, reading request heads and bodies, writing answers) under beast::tcp_stream
// deadlines, and each complete request runs its handler on a thread of its own, since
// handlers may block (long polls). A connection waiting for bytes therefore holds no
// thread, and a thousand slow clients cannot keep a probe from being read and answered.
//
// Ownership: a Connection is held by shared_ptr by its pending operation or, while its
// handler runs, by that handler thread, which hands it back to the I/O thread with the
// answer. So a Connection is only ever touched, and destroyed, on the I/O thread. The
// server's connection bookkeeping (connections_, per_peer_) is I/O-thread only as well.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <spdlog/spdlog.h>
#include <cerrno>
#include <cstring>
#include <exception>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "gateway/http/beast_server_internal.h"

namespace tributary::http {
namespace beast_internal {
namespace {

// Connections accepted per wake-up of the listener, so reads of accepted connections
// (a probe's request head) interleave with a flood of new ones.
constexpr int kAcceptBatch = 8;
constexpr std::chrono::seconds kWarnInterval{10};
constexpr char kBusyAnswer[] =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n"
    "Retry-After: 1\r\nConnection: close\r\n\r\ntoo many connections";

Response InternalError() { return Response{500, {{"Content-Type", "text/plain"}}, "internal error\n"}; }

// The target without its query, which may carry tokens: fit for logs.
std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace

Status BeastServer::Bind() {
  if (options_.tls) {
    auto context = MakeServerTlsContext(*options_.tls);
    if (!context) return std::unexpected(context.error());
    tls_.emplace(std::move(*context));
  }
  if (options_.max_connections < 1) return Fail(ErrorCode::kInvalidArgument, "max_connections must be >= 1");
  if (options_.max_connections_per_peer < 1) {
    return Fail(ErrorCode::kInvalidArgument, "max_connections_per_peer must be >= 1");
  }
  if (options_.header_timeout.count() <= 0 || options_.io_timeout.count() <= 0) {
    return Fail(ErrorCode::kInvalidArgument, "timeouts must be > 0");
  }
  boost::system::error_code ec;
  tcp::endpoint endpoint;
  const auto address = asio::ip::make_address(options_.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, options_.port);
  } else {
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "cannot resolve listen host \"" + options_.host + "\": " + ec.message());
    }
    endpoint = results.begin()->endpoint();
  }
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  protocol_ = endpoint.protocol();
  // Created by hand for SOCK_CLOEXEC: a child process (the daemon under test, a tool it runs)
  // must not inherit the port and keep it answering after Stop().
  const int fd = ::socket(protocol_.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Fail(ErrorCode::kIo, "socket: " + std::string(std::strerror(errno)));
  acceptor_.assign(protocol_, fd, ec);
  if (ec) {
    ::close(fd);
    return Fail(ErrorCode::kIo, "socket: " + ec.message());
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size())) != 0) {
    return Fail(ErrorCode::kIo, "bind " + where + ": " + std::strerror(errno));
  }
  if (::listen(fd, SOMAXCONN) != 0) return Fail(ErrorCode::kIo, "listen " + where + ": " + std::strerror(errno));
  const auto bound = acceptor_.local_endpoint(ec);
  if (ec) return Fail(ErrorCode::kIo, "getsockname: " + ec.message());
  port_ = bound.port();
  return Ok();
}

void BeastServer::Start() {
  work_.emplace(io_.get_executor());
  Accept();
  io_thread_ = std::thread([this] {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("http: server I/O failed: {}", e.what());
      }
    }
  });
}

void BeastServer::Accept() {
  acceptor_.async_wait(tcp::acceptor::wait_read, [this](beast::error_code ec) {
    if (ec || stopping_) return;
    AcceptReady();
  });
}

// Accepts by hand for SOCK_CLOEXEC, as the listener was created.
void BeastServer::AcceptReady() {
  for (int i = 0; i < kAcceptBatch; ++i) {
    tcp::endpoint remote(protocol_, 0);
    socklen_t length = static_cast<socklen_t>(remote.capacity());
    const int fd = ::accept4(acceptor_.native_handle(), remote.data(), &length, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: back off instead of spinning on a readable listener.
        WarnLimited(std::string("cannot accept admin connections: ") + std::strerror(errno));
        accept_backoff_.expires_after(std::chrono::milliseconds(100));
        accept_backoff_.async_wait([this](beast::error_code ec) {
          if (!ec && !stopping_) Accept();
        });
        return;
      }
      break;  // EAGAIN, or a connection reset before it was accepted
    }
    remote.resize(length);
    accepted_.fetch_add(1);
    Admit(fd, remote);
  }
  Accept();
}

void BeastServer::Admit(int fd, const tcp::endpoint& remote) {
  std::string peer = remote.address().to_string();
  // Over a limit, the oldest connection still waiting for a request head makes room; when
  // every connection is busy with a request, the new one is answered 503 and closed.
  const auto make_room = [&](bool per_peer, int limit, ConnectionEvent refused) {
    const std::string which = per_peer ? "per peer (" + std::to_string(limit) + ") reached by " + peer
                                       : "(" + std::to_string(limit) + ") reached";
    if (EvictOldestWaiting(per_peer ? &peer : nullptr)) {
      Count(ConnectionEvent::kEvicted);
      WarnLimited("connection limit " + which + "; closing the oldest idle connection");
      return true;
    }
    Count(refused);
    WarnLimited("connection limit " + which + (tls_ ? "; closing the new connection" : "; answering 503"));
    // A TLS client could not read a plain answer before its handshake: it is only closed.
    if (!tls_) (void)!::send(fd, kBusyAnswer, sizeof kBusyAnswer - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    ::close(fd);
    return false;
  };
  const auto at_peer = per_peer_.find(peer);
  if (at_peer != per_peer_.end() && at_peer->second >= options_.max_connections_per_peer &&
      !make_room(true, options_.max_connections_per_peer, ConnectionEvent::kRefusedPeerLimit)) {
    return;
  }
  if (static_cast<int>(connections_.size()) >= options_.max_connections &&
      !make_room(false, options_.max_connections, ConnectionEvent::kRefusedTotalLimit)) {
    return;
  }
  beast::error_code ec;
  tcp::socket socket(io_);
  socket.assign(protocol_, fd, ec);
  if (ec) {
    ::close(fd);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  ++per_peer_[peer];
  std::shared_ptr<ConnectionBase> connection;
  if (tls_) {
    connection = std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(peer),
                                                                                     std::move(socket), *tls_);
  } else {
    connection = std::make_shared<Connection<beast::tcp_stream>>(*this, std::move(peer), std::move(socket));
  }
  connections_.insert(connection.get());
  connection->Start();
}

bool BeastServer::EvictOldestWaiting(const std::string* peer) {
  ConnectionBase* oldest = nullptr;
  for (ConnectionBase* connection : connections_) {
    if (!connection->waiting() || (peer && connection->peer() != *peer)) continue;
    if (!oldest || connection->waiting_since() < oldest->waiting_since()) oldest = connection;
  }
  if (!oldest) return false;
  oldest->Close();
  return true;
}

void BeastServer::Release(ConnectionBase* connection) {
  if (connections_.erase(connection) == 0) return;
  const auto it = per_peer_.find(connection->peer());
  if (it != per_peer_.end() && --it->second <= 0) per_peer_.erase(it);
}

void BeastServer::HeaderTimedOut(const std::string& peer) {
  Count(ConnectionEvent::kHeaderTimeout);
  WarnLimited("request head from " + peer + " not complete within " +
              std::to_string(options_.header_timeout.count()) + " ms; connection closed");
}

void BeastServer::HandshakeFailed(const std::string& peer, beast::error_code ec) {
  // A peer that connected and left without a word (a port probe) is not worth a warning;
  // a refused certificate or a client speaking plain HTTP is.
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset ||
      ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    spdlog::debug("http: TLS handshake with {} ended: {}", peer, ec.message());
    return;
  }
  WarnLimited("TLS handshake with " + peer + " failed: " + ec.message());
}

void BeastServer::Count(ConnectionEvent event) {
  switch (event) {
    case ConnectionEvent::kRefusedPeerLimit: refused_peer_.fetch_add(1); break;
    case ConnectionEvent::kRefusedTotalLimit: refused_total_.fetch_add(1); break;
    case ConnectionEvent::kEvicted: evicted_.fetch_add(1); break;
    case ConnectionEvent::kHeaderTimeout: header_timeouts_.fetch_add(1); break;
  }
  if (options_.on_connection_event) options_.on_connection_event(event);
}

// At most one warning per kWarnInterval, saying how many were held back.
void BeastServer::WarnLimited(const std::string& what) {
  const auto now = Clock::now();
  if (last_warning_ != Clock::time_point{} && now - last_warning_ < kWarnInterval) {
    ++suppressed_warnings_;
    return;
  }
  if (suppressed_warnings_ > 0) {
    spdlog::warn("http: {} ({} similar warnings suppressed)", what, suppressed_warnings_);
  } else {
    spdlog::warn("http: {}", what);
  }
  last_warning_ = now;
  suppressed_warnings_ = 0;
}

void BeastServer::RunHandler(std::shared_ptr<ConnectionBase> connection, Request request) {
  {
    // Checked under the lock Stop() takes, so no handler starts once Stop() has waited for
    // them: its answer could be posted after the I/O thread has returned.
    std::lock_guard lock(mutex_);
    if (no_more_handlers_) {
      connection->Answer(Response{503, {{"Content-Type", "text/plain"}}, "stopping\n"});
      return;
    }
    ++handlers_;
  }
  try {
    // The thread gets its own reference and gives it back to the I/O thread with the
    // answer, so the connection is never released on the handler thread.
    std::thread([this, connection, request = std::move(request)]() mutable {
      Response response = CallHandler(request);
      asio::post(io_, [connection = std::move(connection), response = std::move(response)]() mutable {
        connection->Answer(std::move(response));
      });
      std::lock_guard lock(mutex_);
      --handlers_;
      cv_.notify_all();
    }).detach();
  } catch (const std::system_error& e) {
    spdlog::error("http: cannot start a handler thread: {}", e.what());
    {
      std::lock_guard lock(mutex_);
      --handlers_;
      cv_.notify_all();
    }
    connection->Answer(Response{503, {{"Content-Type", "text/plain"}, {"Retry-After", "1"}}, "busy\n"});
  }
}

Response BeastServer::CallHandler(const Request& request) {
  Response response;
  try {
    response = handler_(request);
  } catch (const std::exception& e) {
    spdlog::error("http: handler for {} {} threw: {}", request.method, PathOf(request.target), e.what());
    return InternalError();
  } catch (...) {
    spdlog::error("http: handler for {} {} threw", request.method, PathOf(request.target));
    return InternalError();
  }
  if (response.status < 100 || response.status > 999) {
    spdlog::error("http: handler for {} {} answered status {}", request.method, PathOf(request.target),
                  response.status);
    return InternalError();
  }
  return response;
}

void BeastServer::Stop() {
  std::lock_guard stop_lock(stop_mutex_);
  if (stopped_) return;
  stopped_ = true;
  stopping_ = true;
  if (io_thread_.joinable()) {
    // Stop listening and close the connections waiting for a request; those in a handler
    // get their answer (with Connection: close) first.
    asio::post(io_, [this] {
      beast::error_code ec;
      acceptor_.close(ec);
      accept_backoff_.cancel();
      std::vector<ConnectionBase*> waiting;
      for (ConnectionBase* connection : connections_) {
        if (connection->waiting()) waiting.push_back(connection);
      }
      for (ConnectionBase* connection : waiting) connection->Close();
    });
  }
  {
    std::unique_lock lock(mutex_);
    no_more_handlers_ = true;
    cv_.wait(lock, [this] { return handlers_ == 0; });
  }
  // The I/O thread returns once the last answers are written and no operation is left.
  work_.reset();
  if (io_thread_.joinable()) io_thread_.join();
  beast::error_code ec;
  acceptor_.close(ec);
}

}  // namespace beast_internal

Result<std::unique_ptr<HttpServer>> StartHttpServer(const ServerOptions& options, Handler handler) {
  auto server = std::make_unique<beast_internal::BeastServer>(options, std::move(handler));
  if (auto bound = server->Bind(); !bound) return std::unexpected(bound.error());
  server->Start();
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace tributary::http
