// Raw loopback sockets for server tests that must send bytes no HTTP client would: slow or
// partial request heads, ambiguous framing.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::http::testing {

// Raises the soft descriptor limit to the hard one (tests holding hundreds of sockets).
inline void RaiseDescriptorLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

inline uint64_t DescriptorLimit() {
  rlimit limit{};
  return ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : 0;
}

// A connected socket to 127.0.0.1:port, or -1.
inline int ConnectLoopback(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

struct Received {
  std::string data;
  bool closed = false;  // the peer closed (EOF or reset) before the deadline
};

// Reads until the peer closes, `done(data)` holds, or `timeout` passes.
template <typename Done>
Received ReadFor(int fd, std::chrono::milliseconds timeout, Done done) {
  Received received;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done(received.data)) return received;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return received;
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return received;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      received.closed = true;
      return received;
    }
    received.data.append(buffer, static_cast<size_t>(n));
  }
}

// Reads until the peer closes or `timeout` passes.
inline Received ReadUntilClosed(int fd, std::chrono::milliseconds timeout) {
  return ReadFor(fd, timeout, [](const std::string&) { return false; });
}

// Reads one answer that ends with `tail` (e.g. a known body), within `timeout`.
inline Received ReadUntilSuffix(int fd, std::chrono::milliseconds timeout, std::string_view tail) {
  return ReadFor(fd, timeout, [tail](const std::string& data) { return data.ends_with(tail); });
}

}  // namespace tributary::http::testing
