// HttpServer on asynchronous Boost.Beast: one I/O thread runs every socket operation
// (accepting, reading request heads and bodies, writing answers) under beast::tcp_stream
// deadlines, and each complete request runs its handler on a thread of its own, since
// handlers may block (long polls). A connection waiting for bytes therefore holds no
// thread, and a thousand slow clients cannot keep a probe from being read and answered.
//
// Ownership: a Session is held by shared_ptr by its pending operation or, while its
// handler runs, by that handler thread, which hands it back to the I/O thread with the
// answer. So a Session is only ever touched, and destroyed, on the I/O thread. The
// server's connection bookkeeping (sessions_, per_peer_) is I/O-thread only as well.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>
#include <array>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "gateway/http/http_server.h"
#include "gateway/http/request_framing.h"

namespace tributary::http {
namespace {

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
// Connections accepted per wake-up of the listener, so reads of accepted connections
// (a probe's request head) interleave with a flood of new ones.
constexpr int kAcceptBatch = 8;
constexpr std::chrono::seconds kWarnInterval{10};
constexpr char kBusyAnswer[] =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n"
    "Retry-After: 1\r\nConnection: close\r\n\r\ntoo many connections";

bool IsHopByHop(const std::string& name) {
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection");
}

Response InternalError() { return Response{500, {{"Content-Type", "text/plain"}}, "internal error\n"}; }

// The target without its query, which may carry tokens: fit for logs.
std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

class BeastServer;

// One accepted connection. I/O thread only.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(BeastServer& server, tcp::socket socket, std::string peer)
      : server_(server), stream_(std::move(socket)), peer_(std::move(peer)) {}
  ~Session() { Close(); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start() { ReadHead(); }
  // Answers the request whose handler has returned, then reads the next one or closes.
  void Answer(Response response);
  // Closes the socket (pending operations complete with an error) and releases the slot.
  // Idempotent.
  void Close();

  const std::string& peer() const { return peer_; }
  bool waiting() const { return waiting_ && !closed_; }
  Clock::time_point waiting_since() const { return waiting_since_; }

 private:
  void ReadHead();
  void OnHead(beast::error_code ec);
  void ReadBody();
  void OnBody(beast::error_code ec);
  void Dispatch();
  void OnReadError(beast::error_code ec);
  void Refuse(bhttp::status status);
  void Drain();

  BeastServer& server_;
  beast::tcp_stream stream_;
  const std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> answer_;  // alive while it is written
  bool keep_alive_ = false;
  unsigned version_ = 11;
  bool waiting_ = false;  // waiting for (or reading) a request head
  Clock::time_point waiting_since_;
  bool closed_ = false;
  uint64_t drained_ = 0;
  std::array<char, 16 * 1024> sink_;
};

class BeastServer final : public HttpServer {
 public:
  BeastServer(const ServerOptions& options, Handler handler) : options_(options), handler_(std::move(handler)) {}
  ~BeastServer() override { Stop(); }
  BeastServer(const BeastServer&) = delete;
  BeastServer& operator=(const BeastServer&) = delete;

  Status Bind();
  void Start();

  uint16_t port() const override { return port_; }
  uint64_t accepted_connections() const override { return accepted_.load(); }
  ConnectionStats connection_stats() const override {
    return {accepted_.load(), refused_peer_.load(), refused_total_.load(), evicted_.load(),
            header_timeouts_.load()};
  }
  void Stop() override;

  // For sessions (I/O thread).
  const ServerOptions& options() const { return options_; }
  bool stopping() const { return stopping_.load(); }
  void RunHandler(std::shared_ptr<Session> session, Request request);
  void Release(Session* session);
  void HeaderTimedOut(const std::string& peer);

 private:
  void Accept();
  void AcceptReady();
  void Admit(int fd, const tcp::endpoint& remote);
  // Closes the oldest session waiting for a request head, of `peer` or (nullptr) of
  // anyone. Returns whether there was one.
  bool EvictOldestWaiting(const std::string* peer);
  void WarnLimited(const std::string& what);
  Response CallHandler(const Request& request);

  const ServerOptions options_;
  Handler handler_;
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
  std::set<Session*> sessions_;
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

// ---- Session ----

void Session::ReadHead() {
  if (closed_) return;
  if (server_.stopping()) return Close();
  parser_.emplace();
  parser_->body_limit(kBodyLimit);
  parser_->header_limit(kHeaderLimit);
  waiting_ = true;
  waiting_since_ = Clock::now();
  // One deadline for the whole head: every read below shares it, so trickling bytes do
  // not extend it.
  stream_.expires_after(server_.options().header_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHead(ec); });
}

void Session::OnHead(beast::error_code ec) {
  waiting_ = false;
  if (closed_) return;
  if (ec) return OnReadError(ec);
  auto& message = parser_->get();
  std::vector<std::string_view> codings;
  for (auto [it, end] = message.equal_range(bhttp::field::transfer_encoding); it != end; ++it) {
    codings.emplace_back(it->value().data(), it->value().size());
  }
  const bool has_length = message.find(bhttp::field::content_length) != message.end();
  if (const int status = CheckRequestFraming(codings, has_length); status != 0) {
    return Refuse(static_cast<bhttp::status>(status));
  }
  if (parser_->is_done()) return Dispatch();
  if (beast::iequals(message[bhttp::field::expect], "100-continue")) {
    static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(server_.options().io_timeout);
    asio::async_write(stream_, asio::buffer(kContinue, sizeof kContinue - 1),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec || self->closed_) return self->Close();
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void Session::ReadBody() {
  stream_.expires_after(server_.options().io_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
}

void Session::OnBody(beast::error_code ec) {
  if (closed_) return;
  if (ec) return OnReadError(ec);
  Dispatch();
}

void Session::OnReadError(beast::error_code ec) {
  if (ec == beast::error::timeout) {
    if (parser_ && !parser_->is_header_done()) server_.HeaderTimedOut(peer_);
    return Close();
  }
  // Only a request we could not accept deserves an answer; EOF, resets, timeouts and
  // Stop() just end the connection.
  const bool malformed = ec.category() == bhttp::make_error_code(bhttp::error::body_limit).category() &&
                         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
  if (!malformed) return Close();
  Refuse(ec == bhttp::error::body_limit     ? bhttp::status::payload_too_large
         : ec == bhttp::error::header_limit ? bhttp::status::request_header_fields_too_large
                                            : bhttp::status::bad_request);
}

void Session::Dispatch() {
  stream_.expires_never();
  auto message = parser_->release();
  keep_alive_ = message.keep_alive();
  version_ = message.version();
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.peer_address = peer_;
  parser_.reset();
  server_.RunHandler(shared_from_this(), std::move(request));
}

void Session::Answer(Response response) {
  if (closed_) return;
  answer_ = {};
  answer_.version(version_);
  answer_.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers) {
    if (!IsHopByHop(name)) answer_.insert(name, value);
  }
  answer_.body() = std::move(response.body);
  answer_.keep_alive(keep_alive_ && !server_.stopping());
  answer_.prepare_payload();
  stream_.expires_after(server_.options().io_timeout);
  bhttp::async_write(stream_, answer_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec || !self->answer_.keep_alive()) return self->Close();
    self->ReadHead();
  });
}

void Session::Refuse(bhttp::status status) {
  answer_ = {status, version_};
  answer_.set(bhttp::field::content_type, "text/plain");
  answer_.body() = std::string(bhttp::obsolete_reason(status)) + "\n";
  answer_.keep_alive(false);
  answer_.prepare_payload();
  // One deadline for the answer and the drain that follows.
  stream_.expires_after(kLingerTimeout);
  bhttp::async_write(stream_, answer_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec || self->closed_ || self->server_.stopping()) return self->Close();
    // Lingering close: closing with unread input would make the kernel send a reset that
    // can overtake the answer. Whatever arrives now is discarded, never parsed.
    self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    self->Drain();
  });
}

void Session::Drain() {
  stream_.async_read_some(asio::buffer(sink_), [self = shared_from_this()](beast::error_code ec, size_t n) {
    self->drained_ += n;
    if (ec || self->closed_ || self->drained_ >= kLingerBytes) return self->Close();
    self->Drain();
  });
}

void Session::Close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
  server_.Release(this);
}

// ---- BeastServer ----

Status BeastServer::Bind() {
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
  // Created by hand for SOCK_CLOEXEC: a child process (the daemon under test, a helper)
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
  if (per_peer_[peer] >= options_.max_connections_per_peer) {
    if (EvictOldestWaiting(&peer)) {
      evicted_.fetch_add(1);
      WarnLimited("connection limit per peer (" + std::to_string(options_.max_connections_per_peer) +
                  ") reached by " + peer + "; closing its oldest idle connection");
    } else {
      refused_peer_.fetch_add(1);
      WarnLimited("connection limit per peer (" + std::to_string(options_.max_connections_per_peer) +
                  ") reached by " + peer + "; refusing with 503");
      (void)!::send(fd, kBusyAnswer, sizeof kBusyAnswer - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
      ::close(fd);
      if (per_peer_[peer] == 0) per_peer_.erase(peer);
      return;
    }
  }
  if (static_cast<int>(sessions_.size()) >= options_.max_connections) {
    if (EvictOldestWaiting(nullptr)) {
      evicted_.fetch_add(1);
      WarnLimited("connection limit (" + std::to_string(options_.max_connections) +
                  ") reached; closing the oldest idle connection");
    } else {
      refused_total_.fetch_add(1);
      WarnLimited("connection limit (" + std::to_string(options_.max_connections) +
                  ") reached; refusing with 503");
      (void)!::send(fd, kBusyAnswer, sizeof kBusyAnswer - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
      ::close(fd);
      if (per_peer_[peer] == 0) per_peer_.erase(peer);
      return;
    }
  }
  beast::error_code ec;
  tcp::socket socket(io_);
  socket.assign(protocol_, fd, ec);
  if (ec) {
    ::close(fd);
    if (per_peer_[peer] == 0) per_peer_.erase(peer);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  ++per_peer_[peer];
  auto session = std::make_shared<Session>(*this, std::move(socket), std::move(peer));
  sessions_.insert(session.get());
  session->Start();
}

bool BeastServer::EvictOldestWaiting(const std::string* peer) {
  Session* oldest = nullptr;
  for (Session* session : sessions_) {
    if (!session->waiting() || (peer && session->peer() != *peer)) continue;
    if (!oldest || session->waiting_since() < oldest->waiting_since()) oldest = session;
  }
  if (!oldest) return false;
  oldest->Close();
  return true;
}

void BeastServer::Release(Session* session) {
  if (sessions_.erase(session) == 0) return;
  const auto it = per_peer_.find(session->peer());
  if (it != per_peer_.end() && --it->second <= 0) per_peer_.erase(it);
}

void BeastServer::HeaderTimedOut(const std::string& peer) {
  header_timeouts_.fetch_add(1);
  WarnLimited("request head from " + peer + " not complete within " +
              std::to_string(options_.header_timeout.count()) + " ms; connection closed");
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

void BeastServer::RunHandler(std::shared_ptr<Session> session, Request request) {
  {
    // Checked under the lock Stop() takes, so no handler starts once Stop() has waited for
    // them: its answer could be posted after the I/O thread has returned.
    std::lock_guard lock(mutex_);
    if (no_more_handlers_) {
      session->Answer(Response{503, {{"Content-Type", "text/plain"}}, "stopping\n"});
      return;
    }
    ++handlers_;
  }
  try {
    // The thread gets its own reference and gives it back to the I/O thread with the
    // answer, so the session is never released on the handler thread.
    std::thread([this, session, request = std::move(request)]() mutable {
      Response response = CallHandler(request);
      asio::post(io_, [session = std::move(session), response = std::move(response)]() mutable {
        session->Answer(std::move(response));
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
    session->Answer(Response{503, {{"Content-Type", "text/plain"}, {"Retry-After", "1"}}, "busy\n"});
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
      std::vector<Session*> waiting;
      for (Session* session : sessions_) {
        if (session->waiting()) waiting.push_back(session);
      }
      for (Session* session : waiting) session->Close();
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

}  // namespace

Result<std::unique_ptr<HttpServer>> StartHttpServer(const ServerOptions& options, Handler handler) {
  auto server = std::make_unique<BeastServer>(options, std::move(handler));
  if (auto bound = server->Bind(); !bound) return std::unexpected(bound.error());
  server->Start();
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace tributary::http
