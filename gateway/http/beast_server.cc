// HttpServer on synchronous Boost.Beast: one acceptor thread, one thread per connection,
// and a watchdog thread that enforces read/write deadlines.
//
// Synchronous Asio reads cannot time out by themselves (Asio re-polls after a
// SO_RCVTIMEO expiry), so the watchdog shuts a stuck socket down (shutdown(2) wakes the
// blocked read), and Stop() does the same to idle connections. Sockets are closed only
// under mutex_, so a shutdown(2) never lands on a reused descriptor.
#include <fcntl.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/http/http_server.h"

namespace tributary::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kBodyLimit = 1 << 20;
constexpr uint32_t kHeaderLimit = 64 * 1024;
constexpr std::chrono::seconds kIoTimeout{30};
// How long a connection refused with 413/400 may keep sending before it is closed; the
// body is drained meanwhile so the client sees the answer rather than a reset.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr uint64_t kLingerBytes = 4 * kBodyLimit;
constexpr std::chrono::milliseconds kWatchdogPeriod{250};

bool IsHopByHop(const std::string& name) {
  static constexpr const char* kNames[] = {"content-length", "transfer-encoding", "connection"};
  for (const char* hop : kNames) {
    if (name.size() == std::strlen(hop) && ::strncasecmp(name.c_str(), hop, name.size()) == 0) {
      return true;
    }
  }
  return false;
}

Response InternalError() { return Response{500, {{"Content-Type", "text/plain"}}, "internal error\n"}; }

// The target without its query, which may carry tokens: fit for logs.
std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

class BeastServer final : public HttpServer {
 public:
  BeastServer(Handler handler, int max_connections)
      : handler_(std::move(handler)), max_connections_(max_connections) {}
  ~BeastServer() override { Stop(); }
  BeastServer(const BeastServer&) = delete;
  BeastServer& operator=(const BeastServer&) = delete;

  Status Bind(const ServerOptions& options);
  void Start();

  uint16_t port() const override { return port_; }
  uint64_t accepted_connections() const override { return accepted_.load(); }
  void Stop() override;

 private:
  struct Connection {
    explicit Connection(asio::io_context& io) : socket(io) {}
    tcp::socket socket;
    std::thread thread;
    // All guarded by BeastServer::mutex_.
    bool idle = false;   // waiting for (or reading) the next request
    bool armed = false;  // a socket operation runs under `deadline`
    bool expired = false;
    bool done = false;
    Clock::time_point deadline;
  };

  void AcceptLoop();
  void WatchdogLoop();
  void Serve(Connection* connection);
  bool ServeOne(Connection* connection, beast::flat_buffer& buffer);
  void RefuseAndClose(Connection* connection, bhttp::status status, unsigned version);
  void Arm(Connection* connection, std::chrono::seconds timeout, bool idle);
  void Disarm(Connection* connection);
  void ReapFinished();

  Handler handler_;
  const int max_connections_;
  asio::io_context io_;  // never run: only synchronous operations are used
  int listen_fd_ = -1;
  tcp::endpoint::protocol_type protocol_ = tcp::v4();
  int wake_pipe_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::atomic<uint64_t> accepted_{0};

  std::mutex mutex_;
  std::condition_variable cv_;  // slots freed, stop requested, watchdog stop
  bool stopping_ = false;        // guarded by mutex_
  bool watchdog_stop_ = false;   // guarded by mutex_
  std::list<std::unique_ptr<Connection>> connections_;  // guarded by mutex_
  int active_ = 0;                                      // guarded by mutex_

  std::mutex stop_mutex_;  // serialises Stop(); held while joining
  bool stopped_ = false;   // guarded by stop_mutex_
  std::thread acceptor_thread_;
  std::thread watchdog_thread_;
};

Status BeastServer::Bind(const ServerOptions& options) {
  if (max_connections_ < 1) return Fail(ErrorCode::kInvalidArgument, "max_connections must be >= 1");
  boost::system::error_code ec;
  tcp::endpoint endpoint;
  const auto address = asio::ip::make_address(options.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, options.port);
  } else {
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(options.host, std::to_string(options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "cannot resolve listen host \"" + options.host + "\": " + ec.message());
    }
    endpoint = results.begin()->endpoint();
  }
  const std::string where = options.host + ":" + std::to_string(options.port);
  protocol_ = endpoint.protocol();
  // Created by hand for SOCK_CLOEXEC: a child process (the daemon under test, a helper)
  // must not inherit the port and keep it answering after Stop().
  listen_fd_ = ::socket(protocol_.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0) return Fail(ErrorCode::kIo, "socket: " + std::string(std::strerror(errno)));
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, endpoint.data(), static_cast<socklen_t>(endpoint.size())) != 0) {
    return Fail(ErrorCode::kIo, "bind " + where + ": " + std::strerror(errno));
  }
  if (::listen(listen_fd_, SOMAXCONN) != 0) {
    return Fail(ErrorCode::kIo, "listen " + where + ": " + std::strerror(errno));
  }
  tcp::endpoint bound;
  socklen_t length = static_cast<socklen_t>(bound.capacity());
  if (::getsockname(listen_fd_, bound.data(), &length) != 0) {
    return Fail(ErrorCode::kIo, "getsockname: " + std::string(std::strerror(errno)));
  }
  bound.resize(length);
  port_ = bound.port();
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    return Fail(ErrorCode::kIo, "pipe: " + std::string(std::strerror(errno)));
  }
  return Ok();
}

void BeastServer::Start() {
  acceptor_thread_ = std::thread([this] { AcceptLoop(); });
  watchdog_thread_ = std::thread([this] { WatchdogLoop(); });
}

void BeastServer::ReapFinished() {
  std::vector<std::unique_ptr<Connection>> finished;
  {
    std::lock_guard lock(mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      if ((*it)->done) {
        finished.push_back(std::move(*it));
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& connection : finished) connection->thread.join();
}

void BeastServer::AcceptLoop() {
  for (;;) {
    ReapFinished();
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || active_ < max_connections_; });
      if (stopping_) return;
    }
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    // The timeout only bounds how long finished connection threads wait to be joined.
    const int ready = ::poll(fds, 2, 1000);
    if (ready < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    if (ready <= 0 || (fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: back off instead of spinning on a readable listener.
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; });
      }
      continue;
    }
    accepted_.fetch_add(1);
    auto connection = std::make_unique<Connection>(io_);
    boost::system::error_code ec;
    connection->socket.assign(protocol_, fd, ec);
    if (ec) {
      ::close(fd);
      continue;
    }
    connection->socket.set_option(tcp::no_delay(true), ec);
    std::lock_guard lock(mutex_);
    if (stopping_) return;  // the socket closes with `connection`
    Connection* raw = connection.get();
    connections_.push_back(std::move(connection));
    ++active_;
    raw->thread = std::thread([this, raw] { Serve(raw); });
  }
}

void BeastServer::WatchdogLoop() {
  std::unique_lock lock(mutex_);
  while (!watchdog_stop_) {
    cv_.wait_for(lock, kWatchdogPeriod);
    const auto now = Clock::now();
    for (auto& connection : connections_) {
      if (connection->armed && !connection->expired && now >= connection->deadline) {
        connection->expired = true;
        ::shutdown(connection->socket.native_handle(), SHUT_RDWR);
      }
    }
  }
}

void BeastServer::Arm(Connection* connection, std::chrono::seconds timeout, bool idle) {
  std::lock_guard lock(mutex_);
  connection->armed = true;
  connection->idle = idle;
  connection->deadline = Clock::now() + timeout;
}

void BeastServer::Disarm(Connection* connection) {
  std::lock_guard lock(mutex_);
  connection->armed = false;
  connection->idle = false;
}

void BeastServer::Serve(Connection* connection) {
  beast::flat_buffer buffer;
  while (ServeOne(connection, buffer)) {
  }
  std::lock_guard lock(mutex_);
  boost::system::error_code ec;
  connection->socket.shutdown(tcp::socket::shutdown_both, ec);
  connection->socket.close(ec);
  connection->armed = false;
  connection->done = true;
  --active_;
  cv_.notify_all();
}

// Reads one request, answers it. Returns whether the connection stays open.
bool BeastServer::ServeOne(Connection* connection, beast::flat_buffer& buffer) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    connection->armed = true;
    connection->idle = true;
    connection->deadline = Clock::now() + kIoTimeout;
  }
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(kBodyLimit);
  parser.header_limit(kHeaderLimit);
  boost::system::error_code ec;
  bhttp::read_header(connection->socket, buffer, parser, ec);
  if (!ec && !parser.is_done()) {
    const auto expect = parser.get()[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::write(connection->socket, asio::buffer(kContinue, sizeof kContinue - 1), ec);
    }
    if (!ec) bhttp::read(connection->socket, buffer, parser, ec);
  }
  Disarm(connection);
  if (ec) {
    // Only a request we could not accept deserves an answer; EOF, resets, timeouts and
    // Stop() just end the connection.
    const bool malformed =
        ec.category() == bhttp::make_error_code(bhttp::error::body_limit).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
    if (malformed) {
      const auto status = ec == bhttp::error::body_limit     ? bhttp::status::payload_too_large
                          : ec == bhttp::error::header_limit ? bhttp::status::request_header_fields_too_large
                                                             : bhttp::status::bad_request;
      RefuseAndClose(connection, status, 11);
    }
    return false;
  }

  auto& message = parser.get();
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  auto remote = connection->socket.remote_endpoint(ec);
  if (!ec) request.peer_address = remote.address().to_string();

  Response response;
  try {
    response = handler_(request);
  } catch (const std::exception& e) {
    spdlog::error("http: handler for {} {} threw: {}", request.method, PathOf(request.target),
                  e.what());
    response = InternalError();
  } catch (...) {
    spdlog::error("http: handler for {} {} threw", request.method, PathOf(request.target));
    response = InternalError();
  }
  if (response.status < 100 || response.status > 999) {
    spdlog::error("http: handler for {} {} answered status {}", request.method,
                  PathOf(request.target), response.status);
    response = InternalError();
  }

  bool keep_alive = message.keep_alive();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) keep_alive = false;
  }
  bhttp::response<bhttp::string_body> answer;
  answer.version(message.version());
  answer.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers) {
    if (!IsHopByHop(name)) answer.insert(name, value);
  }
  answer.body() = std::move(response.body);
  answer.keep_alive(keep_alive);
  answer.prepare_payload();
  Arm(connection, kIoTimeout, /*idle=*/false);
  bhttp::write(connection->socket, answer, ec);
  Disarm(connection);
  return !ec && keep_alive;
}

void BeastServer::RefuseAndClose(Connection* connection, bhttp::status status, unsigned version) {
  bhttp::response<bhttp::string_body> answer{status, version};
  answer.set(bhttp::field::content_type, "text/plain");
  answer.body() = std::string(bhttp::obsolete_reason(status)) + "\n";
  answer.keep_alive(false);
  answer.prepare_payload();
  boost::system::error_code ec;
  Arm(connection, kLingerTimeout, /*idle=*/true);
  bhttp::write(connection->socket, answer, ec);
  bool stopping;
  {
    std::lock_guard lock(mutex_);
    stopping = stopping_;
  }
  if (!ec && !stopping) {
    // Lingering close: closing with unread input would make the kernel send a reset
    // that can overtake our answer.
    connection->socket.shutdown(tcp::socket::shutdown_send, ec);
    char sink[16 * 1024];
    uint64_t drained = 0;
    while (!ec && drained < kLingerBytes) {
      drained += connection->socket.read_some(asio::buffer(sink), ec);
    }
  }
  Disarm(connection);
}

void BeastServer::Stop() {
  std::lock_guard stop_lock(stop_mutex_);
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& connection : connections_) {
      if (connection->idle && !connection->done) {
        ::shutdown(connection->socket.native_handle(), SHUT_RDWR);
      }
    }
  }
  cv_.notify_all();
  if (wake_pipe_[1] >= 0) {
    const char byte = 1;
    (void)!::write(wake_pipe_[1], &byte, 1);
  }
  if (acceptor_thread_.joinable()) acceptor_thread_.join();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  // No thread adds connections any more; the list can be walked without the lock held
  // across joins (connection threads need the lock to finish).
  std::vector<Connection*> running;
  {
    std::lock_guard lock(mutex_);
    for (auto& connection : connections_) running.push_back(connection.get());
  }
  for (Connection* connection : running) connection->thread.join();
  {
    std::lock_guard lock(mutex_);
    connections_.clear();
    watchdog_stop_ = true;
  }
  cv_.notify_all();
  if (watchdog_thread_.joinable()) watchdog_thread_.join();
  for (int& fd : wake_pipe_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

}  // namespace

Result<std::unique_ptr<HttpServer>> StartHttpServer(const ServerOptions& options, Handler handler) {
  auto server = std::make_unique<BeastServer>(std::move(handler), options.max_connections);
  if (auto bound = server->Bind(options); !bound) return std::unexpected(bound.error());
  server->Start();
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace tributary::http
