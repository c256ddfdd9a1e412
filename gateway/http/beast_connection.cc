// Connection: one accepted socket of the Beast server, from the TLS handshake (HTTPS) or
// the request head (plain HTTP) to the answer. I/O thread only (see beast_server.cc).
// Written once for both streams: every socket-level operation (deadlines, shutdown,
// close) goes to the lowest layer, the TCP stream under TLS.
#include <boost/asio/write.hpp>
#include <string>
#include <vector>

#include "gateway/http/beast_server_internal.h"
#include "gateway/http/request_framing.h"

namespace tributary::http::beast_internal {
namespace {

bool IsHopByHop(const std::string& name) {
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection");
}

}  // namespace

template <class Stream>
void Connection<Stream>::Start() {
  if constexpr (kTls) {
    // The handshake counts as waiting for a request: it can be evicted to make room, and
    // the head's deadline bounds it.
    waiting_ = true;
    waiting_since_ = Clock::now();
    Tcp().expires_after(server_.options().header_timeout);
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = Self()](beast::error_code ec) { self->OnHandshake(ec); });
  } else {
    ReadHead();
  }
}

template <class Stream>
void Connection<Stream>::OnHandshake(beast::error_code ec) {
  if (closed_) return;
  if (ec) {
    server_.HandshakeFailed(peer_, ec);
    return Close();
  }
  ReadHead(/*after_handshake=*/true);
}

template <class Stream>
void Connection<Stream>::ReadHead(bool after_handshake) {
  if (closed_) return;
  if (server_.stopping()) return Close();
  parser_.emplace();
  parser_->body_limit(kBodyLimit);
  parser_->header_limit(kHeaderLimit);
  waiting_ = true;
  // One deadline for the whole head: every read below shares it, so trickling bytes do
  // not extend it. The first head shares the handshake's.
  if (!after_handshake) {
    waiting_since_ = Clock::now();
    Tcp().expires_after(server_.options().header_timeout);
  }
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = Self()](beast::error_code ec, size_t) { self->OnHead(ec); });
}

template <class Stream>
void Connection<Stream>::OnHead(beast::error_code ec) {
  if (closed_) return;
  if (ec) return OnReadError(ec);
  waiting_ = false;
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
    Tcp().expires_after(server_.options().io_timeout);
    asio::async_write(stream_, asio::buffer(kContinue, sizeof kContinue - 1),
                      [self = Self()](beast::error_code ec, size_t) {
                        if (ec || self->closed_) return self->Close();
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

template <class Stream>
void Connection<Stream>::ReadBody() {
  Tcp().expires_after(server_.options().io_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = Self()](beast::error_code ec, size_t) { self->OnBody(ec); });
}

template <class Stream>
void Connection<Stream>::OnBody(beast::error_code ec) {
  if (closed_) return;
  if (ec) return OnReadError(ec);
  Dispatch();
}

template <class Stream>
void Connection<Stream>::OnReadError(beast::error_code ec) {
  if (ec == beast::error::timeout) {
    // A connection that sent nothing is merely idle (a keep-alive connection between
    // requests); one stuck in the middle of a head is what the timeout is against.
    const bool partial_head = waiting_ && (parser_->got_some() || buffer_.size() > 0);
    if (partial_head) server_.HeaderTimedOut(peer_);
    return Close();
  }
  waiting_ = false;
  // Only a request we could not accept deserves an answer; EOF, resets, timeouts and
  // Stop() just end the connection.
  const bool malformed = ec.category() == bhttp::make_error_code(bhttp::error::body_limit).category() &&
                         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
  if (!malformed) return Close();
  Refuse(ec == bhttp::error::body_limit     ? bhttp::status::payload_too_large
         : ec == bhttp::error::header_limit ? bhttp::status::request_header_fields_too_large
                                            : bhttp::status::bad_request);
}

template <class Stream>
void Connection<Stream>::Dispatch() {
  waiting_ = false;
  Tcp().expires_never();
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

template <class Stream>
void Connection<Stream>::Answer(Response response) {
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
  Tcp().expires_after(server_.options().io_timeout);
  bhttp::async_write(stream_, answer_, [self = Self()](beast::error_code ec, size_t) {
    if (ec || !self->answer_.keep_alive()) return self->Close();
    self->ReadHead();
  });
}

template <class Stream>
void Connection<Stream>::Refuse(bhttp::status status) {
  answer_ = {status, version_};
  answer_.set(bhttp::field::content_type, "text/plain");
  answer_.body() = std::string(bhttp::obsolete_reason(status)) + "\n";
  answer_.keep_alive(false);
  answer_.prepare_payload();
  // One deadline for the answer and the drain that follows.
  Tcp().expires_after(kLingerTimeout);
  bhttp::async_write(stream_, answer_, [self = Self()](beast::error_code ec, size_t) {
    if (ec || self->closed_ || self->server_.stopping()) return self->Close();
    // Lingering close: closing with unread input would make the kernel send a reset that
    // can overtake the answer. Whatever arrives now is discarded, never parsed.
    self->Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    self->Drain();
  });
}

template <class Stream>
void Connection<Stream>::Drain() {
  buffer_.clear();  // whatever was buffered after the refused head is dropped unparsed
  stream_.async_read_some(buffer_.prepare(16 * 1024), [self = Self()](beast::error_code ec, size_t n) {
    self->drained_ += n;
    if (ec || self->closed_ || self->drained_ >= kLingerBytes) return self->Close();
    self->Drain();
  });
}

template <class Stream>
void Connection<Stream>::Close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  // Under TLS no close_notify is sent: answers are framed by their length, and a peer
  // that stopped reading must not hold the close up.
  Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
  Tcp().socket().close(ec);
  server_.Release(this);
}

template class Connection<beast::tcp_stream>;
template class Connection<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace tributary::http::beast_internal
