// Connections that never finish their request head must not keep others from being
// served: the probes (/healthz) stay answerable while hundreds of slow clients hold
// connections open.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "gateway/http/http_server.h"
#include "tests/unit/http/raw_socket.h"

namespace tributary::http {
namespace {

using namespace std::chrono_literals;
using testing::ConnectLoopback;
using testing::ReadUntilSuffix;
using testing::SendAll;

constexpr int kSlowClients = 500;
constexpr char kHealthy[] = "{\"status\":\"ok\"}";

Response Probe(const Request& request) {
  if (request.target == "/healthz") return Response{200, {{"Content-Type", "application/json"}}, kHealthy};
  return Response{404, {}, "no\n"};
}

// GET /healthz on a new connection; the answer must be complete within one second. The
// bound is what is pinned: with the old thread per connection, the probe waited in the
// accept queue behind the slow clients until their timeout.
void ExpectProbeAnswered(uint16_t port) {
  const auto begin = std::chrono::steady_clock::now();
  const int fd = ConnectLoopback(port);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto left = 1000ms - std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin);
  const auto received = ReadUntilSuffix(fd, left, kHealthy);
  ::close(fd);
  EXPECT_TRUE(received.data.starts_with("HTTP/1.1 200")) << "no answer within 1 s: " << received.data;
  EXPECT_TRUE(received.data.ends_with(kHealthy)) << received.data;
}

// Opens `count` connections that each send half a request head (or, every other one,
// nothing at all) and then go quiet.
std::vector<int> OpenSlowClients(uint16_t port, int count) {
  std::vector<int> fds;
  for (int i = 0; i < count; ++i) {
    const int fd = ConnectLoopback(port);
    if (fd < 0) break;
    if (i % 2 == 0) SendAll(fd, "GET /slow HTTP/1.1\r\nHost: x\r\n");
    fds.push_back(fd);
  }
  return fds;
}

// One more header line on every slow connection: trickling, as the attack does.
void Trickle(const std::vector<int>& fds) {
  for (int fd : fds) (void)::send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL | MSG_DONTWAIT);
}

TEST(SlowClientsTest, ProbesStayAnsweredWithDefaultLimits) {
  testing::RaiseDescriptorLimit();
  ASSERT_GE(testing::DescriptorLimit(), 2u * kSlowClients + 64) << "cannot hold the connections";
  auto server = StartHttpServer({}, Probe);
  ASSERT_TRUE(server.has_value()) << server.error().ToString();
  const uint16_t port = (*server)->port();
  auto slow = OpenSlowClients(port, kSlowClients);
  ASSERT_EQ(static_cast<int>(slow.size()), kSlowClients);
  ExpectProbeAnswered(port);
  Trickle(slow);
  ExpectProbeAnswered(port);
  for (int fd : slow) ::close(fd);
}

}  // namespace
}  // namespace tributary::http
