// The header timeout and the connection limits of the server, with small injected values.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/http/http_client.h"
#include "gateway/http/http_server.h"
#include "tests/testing/wait.h"
#include "tests/unit/http/raw_socket.h"

namespace tributary::http {
namespace {

using namespace std::chrono_literals;
using testing::ConnectLoopback;
using testing::ReadUntilClosed;
using testing::ReadUntilSuffix;
using testing::SendAll;
using ::tributary::testing::WaitUntil;

// Handlers on "/block" wait until the test opens the gate; every other path answers at once
// with "done <path>".
class BlockingServer {
 public:
  explicit BlockingServer(ServerOptions options) {
    auto server = StartHttpServer(options, [this](const Request& request) {
      if (request.target == "/block") {
        std::unique_lock lock(mutex_);
        ++blocked_;
        cv_.notify_all();
        cv_.wait(lock, [this] { return open_; });
      }
      return Response{200, {{"Content-Type", "text/plain"}}, "done " + request.target};
    });
    EXPECT_TRUE(server.has_value()) << server.error().ToString();
    if (server) server_ = std::move(*server);
  }
  ~BlockingServer() { Open(); }

  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  bool WaitBlocked(int count) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 5s, [&] { return blocked_ >= count; });
  }
  HttpServer& server() { return *server_; }
  std::string Url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(server_->port()) + path; }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int blocked_ = 0;    // guarded by mutex_
  bool open_ = false;  // guarded by mutex_
  std::unique_ptr<HttpServer> server_;
};

// A request on a fresh raw connection; returns what came back until `tail` or close (with
// `until_closed`, until close).
testing::Received RawRequest(uint16_t port, const std::string& path, std::string_view tail,
                             bool until_closed = false) {
  const int fd = ConnectLoopback(port);
  EXPECT_GE(fd, 0);
  EXPECT_TRUE(SendAll(fd, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto received = ReadUntilSuffix(fd, 5000ms, tail);
  if (until_closed && !received.closed) received.closed = ReadUntilClosed(fd, 5000ms).closed;
  ::close(fd);
  return received;
}

TEST(ConnectionLimitsTest, TricklingDoesNotExtendTheHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = 300ms;
  std::atomic<int> calls{0};
  auto server = StartHttpServer(options, [&](const Request&) {
    ++calls;
    return Response{200, {}, "ok"};
  });
  ASSERT_TRUE(server.has_value()) << server.error().ToString();
  const int fd = ConnectLoopback((*server)->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "GET / HTTP/1.1\r\nHost: x\r\n"));
  // A header line every 50 ms, for at most 5 s: were each line to restart the timeout, the
  // connection would stay open to the end.
  const auto begin = std::chrono::steady_clock::now();
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() - begin < 5s) {
    if (!SendAll(fd, "X-Slow: 1\r\n")) break;  // reset by the server
    closed = ReadUntilClosed(fd, 50ms).closed;
  }
  ::close(fd);
  EXPECT_TRUE(closed || std::chrono::steady_clock::now() - begin < 5s) << "still open after 5 s of trickling";
  EXPECT_TRUE(WaitUntil([&] { return (*server)->connection_stats().header_timeouts == 1; }));
  EXPECT_EQ(calls.load(), 0);
}

TEST(ConnectionLimitsTest, IdleKeepAliveConnectionIsClosedAfterTheHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = 200ms;
  auto server = StartHttpServer(options, [](const Request&) { return Response{200, {}, "ok"}; });
  ASSERT_TRUE(server.has_value()) << server.error().ToString();
  const int fd = ConnectLoopback((*server)->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto received = ReadUntilClosed(fd, 5000ms);
  ::close(fd);
  EXPECT_TRUE(received.data.starts_with("HTTP/1.1 200")) << received.data;
  EXPECT_TRUE(received.closed);
  // Idle is not an attack: neither counted nor logged.
  EXPECT_EQ((*server)->connection_stats().header_timeouts, 0u);
}

// The header timeout bounds reading the head only: a handler that holds the request (a long
// poll) for longer than that still answers, and the connection stays usable.
TEST(ConnectionLimitsTest, ALongPollOutlastsTheHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = 100ms;
  auto server = StartHttpServer(options, [](const Request& request) {
    if (request.target == "/v1/changes?wait=1") {
      // What a long poll does: wait for a change that does not come, here for 3x the
      // header timeout.
      std::mutex mutex;
      std::condition_variable no_change;
      std::unique_lock lock(mutex);
      no_change.wait_for(lock, 300ms, [] { return false; });
    }
    return Response{200, {}, "changes"};
  });
  ASSERT_TRUE(server.has_value()) << server.error().ToString();
  auto client = MakeCurlClient({});
  const std::string base = "http://127.0.0.1:" + std::to_string((*server)->port());
  for (int i = 0; i < 2; ++i) {
    auto answer = client->Send({"GET", base + "/v1/changes?wait=1", {}, ""});
    ASSERT_TRUE(answer.has_value()) << answer.error().ToString();
    EXPECT_EQ(answer->body, "changes");
  }
  EXPECT_EQ((*server)->accepted_connections(), 1u);
  EXPECT_EQ((*server)->connection_stats().header_timeouts, 0u);
}

TEST(ConnectionLimitsTest, PeerLimitAnswers503WhenThePeersConnectionsAreBusy) {
  BlockingServer blocking({.max_connections_per_peer = 2});
  auto first = std::async(std::launch::async, [&] { return MakeCurlClient({})->Send({"GET", blocking.Url("/block"), {}, ""}); });
  auto second = std::async(std::launch::async, [&] { return MakeCurlClient({})->Send({"GET", blocking.Url("/block"), {}, ""}); });
  ASSERT_TRUE(blocking.WaitBlocked(2));
  auto third = RawRequest(blocking.server().port(), "/other", "too many connections", /*until_closed=*/true);
  EXPECT_TRUE(third.data.starts_with("HTTP/1.1 503")) << third.data;
  EXPECT_TRUE(third.closed);
  EXPECT_EQ(blocking.server().connection_stats().refused_peer_limit, 1u);
  blocking.Open();
  ASSERT_TRUE(first.get().has_value());
  ASSERT_TRUE(second.get().has_value());
  // Slots are free again.
  auto again = RawRequest(blocking.server().port(), "/other", "done /other");
  EXPECT_TRUE(again.data.starts_with("HTTP/1.1 200")) << again.data;
}

TEST(ConnectionLimitsTest, PeerLimitClosesThePeersOldestWaitingConnection) {
  BlockingServer blocking({.max_connections_per_peer = 2});
  const uint16_t port = blocking.server().port();
  const int oldest = ConnectLoopback(port);
  ASSERT_GE(oldest, 0);
  ASSERT_TRUE(SendAll(oldest, "GET /oldest HTTP/1.1\r\n"));
  ASSERT_TRUE(WaitUntil([&] { return blocking.server().accepted_connections() == 1; }));
  const int newer = ConnectLoopback(port);
  ASSERT_GE(newer, 0);
  ASSERT_TRUE(SendAll(newer, "GET /newer HTTP/1.1\r\n"));
  ASSERT_TRUE(WaitUntil([&] { return blocking.server().accepted_connections() == 2; }));

  auto probe = RawRequest(port, "/probe", "done /probe");
  EXPECT_TRUE(probe.data.starts_with("HTTP/1.1 200")) << probe.data;
  EXPECT_TRUE(ReadUntilClosed(oldest, 5000ms).closed);
  // The newer one was left alone: it can still finish its request.
  ASSERT_TRUE(SendAll(newer, "Host: x\r\n\r\n"));
  auto answer = ReadUntilSuffix(newer, 5000ms, "done /newer");
  EXPECT_TRUE(answer.data.starts_with("HTTP/1.1 200")) << answer.data;
  ::close(oldest);
  ::close(newer);
  const auto stats = blocking.server().connection_stats();
  EXPECT_EQ(stats.evicted, 1u);
  EXPECT_EQ(stats.refused_peer_limit, 0u);
}

TEST(ConnectionLimitsTest, TotalLimitAnswers503WhenAllConnectionsAreBusy) {
  BlockingServer blocking({.max_connections = 1});
  auto first = std::async(std::launch::async, [&] { return MakeCurlClient({})->Send({"GET", blocking.Url("/block"), {}, ""}); });
  ASSERT_TRUE(blocking.WaitBlocked(1));
  auto second = RawRequest(blocking.server().port(), "/other", "too many connections", /*until_closed=*/true);
  EXPECT_TRUE(second.data.starts_with("HTTP/1.1 503")) << second.data;
  EXPECT_TRUE(second.closed);
  EXPECT_EQ(blocking.server().connection_stats().refused_total_limit, 1u);
  blocking.Open();
  auto answer = first.get();
  ASSERT_TRUE(answer.has_value()) << answer.error().ToString();
  EXPECT_EQ(answer->body, "done /block");
}

// A core holding a long poll keeps making other calls on a second keep-alive connection.
TEST(ConnectionLimitsTest, ALongPollDoesNotBlockOtherCallsOfThePeer) {
  BlockingServer blocking({.max_connections_per_peer = 2});
  auto poll = std::async(std::launch::async, [&] { return MakeCurlClient({})->Send({"GET", blocking.Url("/block"), {}, ""}); });
  ASSERT_TRUE(blocking.WaitBlocked(1));
  auto client = MakeCurlClient({});
  for (int i = 0; i < 5; ++i) {
    auto answer = client->Send({"GET", blocking.Url("/call"), {}, ""});
    ASSERT_TRUE(answer.has_value()) << answer.error().ToString();
    EXPECT_EQ(answer->body, "done /call");
  }
  blocking.Open();
  ASSERT_TRUE(poll.get().has_value());
  const auto stats = blocking.server().connection_stats();
  EXPECT_EQ(stats.refused_peer_limit + stats.evicted, 0u);
}

// With limits above the number of slow clients, all of them stay open (none is closed to
// make room) and the probe is still answered within a second: waiting costs no thread.
TEST(ConnectionLimitsTest, FiveHundredOpenSlowConnectionsDoNotDelayAProbe) {
  testing::RaiseDescriptorLimit();
  ASSERT_GE(testing::DescriptorLimit(), 1100u) << "cannot hold the connections";
  BlockingServer blocking({.max_connections = 1024, .max_connections_per_peer = 1024});
  const uint16_t port = blocking.server().port();
  std::vector<int> slow;
  for (int i = 0; i < 500; ++i) {
    const int fd = ConnectLoopback(port);
    ASSERT_GE(fd, 0);
    if (i % 2 == 0) SendAll(fd, "GET /slow HTTP/1.1\r\nHost: x\r\n");
    slow.push_back(fd);
  }
  ASSERT_TRUE(WaitUntil([&] { return blocking.server().accepted_connections() == 500; }));
  const int fd = ConnectLoopback(port);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto received = ReadUntilSuffix(fd, 1000ms, "done /healthz");
  ::close(fd);
  EXPECT_TRUE(received.data.starts_with("HTTP/1.1 200")) << "no answer within 1 s: " << received.data;
  const auto stats = blocking.server().connection_stats();
  EXPECT_EQ(stats.evicted + stats.refused_peer_limit + stats.refused_total_limit + stats.header_timeouts, 0u);
  for (int slow_fd : slow) ::close(slow_fd);
}

TEST(ConnectionLimitsTest, InvalidLimitsAreErrors) {
  const Handler handler = [](const Request&) { return Response{}; };
  EXPECT_FALSE(StartHttpServer({.max_connections = 0}, handler).has_value());
  EXPECT_FALSE(StartHttpServer({.max_connections_per_peer = 0}, handler).has_value());
  EXPECT_FALSE(StartHttpServer({.header_timeout = 0ms}, handler).has_value());
}

}  // namespace
}  // namespace tributary::http
