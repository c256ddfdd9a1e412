// The libcurl client against the Beast server, both real, on loopback port 0.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "gateway/http/http_client.h"
#include "gateway/http/http_server.h"
#include "gateway/http/http_types.h"

namespace tributary::http {
namespace {

using namespace std::chrono_literals;

// Polls `condition` until it holds or `timeout` passes.
bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return condition();
}

// A gate a handler can block on until the test opens it.
class Gate {
 public:
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

std::unique_ptr<HttpServer> Start(Handler handler, int max_connections = 64, uint16_t port = 0) {
  ServerOptions options;
  options.port = port;
  options.max_connections = max_connections;
  auto server = StartHttpServer(options, std::move(handler));
  EXPECT_TRUE(server.has_value()) << server.error().ToString();
  return server ? std::move(*server) : nullptr;
}

std::string Url(const HttpServer& server, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(server.port()) + path;
}

Response Text(int status, std::string body) {
  return Response{status, {{"Content-Type", "text/plain"}}, std::move(body)};
}

TEST(HttpTypesTest, FindHeaderIgnoresCase) {
  const Headers headers = {{"Content-Type", "application/json"}, {"X-A", "1"}, {"x-a", "2"}};
  EXPECT_EQ(FindHeader(headers, "content-type"), "application/json");
  EXPECT_EQ(FindHeader(headers, "X-A"), "1");
  EXPECT_EQ(FindHeader(headers, "Missing"), "");
}

TEST(HttpTypesTest, ParseRetryAfterSecondsAndDates) {
  const auto now = std::chrono::system_clock::from_time_t(1792998000);  // 2026-10-26T07:00:00Z
  EXPECT_EQ(ParseRetryAfter("120", now), std::chrono::seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), std::chrono::seconds(0));
  EXPECT_EQ(ParseRetryAfter("Mon, 26 Oct 2026 07:00:30 GMT", now), std::chrono::seconds(30));
  EXPECT_EQ(ParseRetryAfter("Monday, 26-Oct-26 07:01:00 GMT", now), std::chrono::seconds(60));
  EXPECT_EQ(ParseRetryAfter("Mon Oct 26 07:00:05 2026", now), std::chrono::seconds(5));
  EXPECT_EQ(ParseRetryAfter("Mon, 26 Oct 2026 06:00:00 GMT", now), std::chrono::seconds(0));
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("12abc", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-5", now), std::nullopt);
}

TEST(HttpTest, GetAndPostRoundTripWithHeaders) {
  std::mutex mutex;
  Request seen;
  auto server = Start([&](const Request& request) {
    std::lock_guard lock(mutex);
    seen = request;
    return Response{201,
                    {{"Content-Type", "application/json"}, {"X-Reply", "yes"}},
                    request.method + " " + request.target + " " + request.body};
  });
  ASSERT_TRUE(server);
  auto client = MakeCurlClient({});

  auto got = client->Send({"GET", Url(*server, "/v1/things?after=3"), {{"X-Trace", "abc"}}, ""});
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->status, 201);
  EXPECT_EQ(got->body, "GET /v1/things?after=3 ");
  EXPECT_EQ(FindHeader(got->headers, "x-reply"), "yes");
  EXPECT_EQ(FindHeader(got->headers, "content-type"), "application/json");
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(FindHeader(seen.headers, "x-trace"), "abc");
    EXPECT_EQ(seen.peer_address, "127.0.0.1");
  }

  const std::string body(5000, 'x');  // above libcurl's Expect: 100-continue threshold
  auto posted = client->Send(
      {"POST", Url(*server, "/v1/batches"), {{"Content-Type", "application/json"}}, body});
  ASSERT_TRUE(posted.has_value()) << posted.error().ToString();
  EXPECT_EQ(posted->body, "POST /v1/batches " + body);
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen.body, body);
  EXPECT_EQ(FindHeader(seen.headers, "expect"), "");
}

TEST(HttpTest, ExplicitExpectContinueIsAnswered) {
  auto server = Start([](const Request& request) { return Text(200, request.body); });
  ASSERT_TRUE(server);
  ClientOptions options;
  options.total_timeout = 10000ms;
  auto client = MakeCurlClient(options);
  const std::string body(4096, 'y');
  auto got = client->Send({"PUT", Url(*server, "/put"), {{"Expect", "100-continue"}}, body});
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, body);
}

TEST(HttpTest, KeepAliveReusesOneConnection) {
  auto server = Start([](const Request&) { return Text(200, "ok"); });
  ASSERT_TRUE(server);
  auto client = MakeCurlClient({});
  for (int i = 0; i < 3; ++i) {
    auto got = client->Send({"POST", Url(*server, "/x"), {}, "body"});
    ASSERT_TRUE(got.has_value()) << got.error().ToString();
    EXPECT_EQ(got->status, 200);
  }
  EXPECT_EQ(server->accepted_connections(), 1u);
  auto other = MakeCurlClient({});
  ASSERT_TRUE(other->Send({"GET", Url(*server, "/x"), {}, ""}).has_value());
  EXPECT_EQ(server->accepted_connections(), 2u);
}

TEST(HttpTest, ErrorStatusesAreResponsesNotErrors) {
  auto server = Start([](const Request& request) {
    if (request.target == "/missing") return Text(404, "no such thing");
    return Text(503, "busy");
  });
  ASSERT_TRUE(server);
  auto client = MakeCurlClient({});
  auto missing = client->Send({"GET", Url(*server, "/missing"), {}, ""});
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, "no such thing");
  auto busy = client->Send({"DELETE", Url(*server, "/busy"), {}, ""});
  ASSERT_TRUE(busy.has_value());
  EXPECT_EQ(busy->status, 503);
}

TEST(HttpTest, BodyAboveOneMebibyteGets413) {
  std::atomic<int> calls{0};
  auto server = Start([&](const Request& request) {
    ++calls;
    return Text(200, std::to_string(request.body.size()));
  });
  ASSERT_TRUE(server);
  auto client = MakeCurlClient({});
  auto at_limit = client->Send({"POST", Url(*server, "/up"), {}, std::string(1 << 20, 'a')});
  ASSERT_TRUE(at_limit.has_value()) << at_limit.error().ToString();
  EXPECT_EQ(at_limit->status, 200);
  EXPECT_EQ(at_limit->body, std::to_string(1 << 20));

  auto above = client->Send({"POST", Url(*server, "/up"), {}, std::string((1 << 20) + 1, 'a')});
  ASSERT_TRUE(above.has_value()) << above.error().ToString();
  EXPECT_EQ(above->status, 413);
  EXPECT_EQ(calls.load(), 1);

  // The refused connection is closed; the client reconnects transparently.
  auto after = client->Send({"GET", Url(*server, "/up"), {}, ""});
  ASSERT_TRUE(after.has_value()) << after.error().ToString();
  EXPECT_EQ(after->status, 200);
}

TEST(HttpTest, MalformedRequestGets400) {
  auto server = Start([](const Request&) { return Text(200, "ok"); });
  ASSERT_TRUE(server);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server->port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string garbage = "THIS IS NOT HTTP\r\n\r\n";
  ASSERT_EQ(::send(fd, garbage.data(), garbage.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(garbage.size()));
  std::string answer;
  char buffer[1024];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) answer.append(buffer, n);
  ::close(fd);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << answer;
}

TEST(HttpTest, HandlerExceptionGives500) {
  auto server = Start([](const Request&) -> Response { throw std::runtime_error("boom"); });
  ASSERT_TRUE(server);
  auto client = MakeCurlClient({});
  auto got = client->Send({"GET", Url(*server, "/"), {}, ""});
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status, 500);
  EXPECT_EQ(got->body.find("boom"), std::string::npos);
}

TEST(HttpTest, ConnectionRefusedIsUnavailable) {
  auto server = Start([](const Request&) { return Text(200, "ok"); });
  ASSERT_TRUE(server);
  const std::string url = Url(*server, "/");
  server->Stop();
  auto client = MakeCurlClient({});
  auto got = client->Send({"GET", url, {}, ""});
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(got.error().Retryable());
}

TEST(HttpTest, ErrorMessagesCarryNoCredentials) {
  auto server = Start([](const Request&) { return Text(200, "ok"); });
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  server->Stop();
  auto client = MakeCurlClient({});
  auto got = client->Send({"GET",
                           "http://user:s3cret@127.0.0.1:" + std::to_string(port) + "/p?token=s3cret",
                           {{"Authorization", "Bearer s3cret"}},
                           ""});
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message.find("s3cret"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("127.0.0.1"), std::string::npos) << got.error().message;
}

TEST(HttpTest, SlowServerIsTimeout) {
  Gate gate;
  auto server = Start([&](const Request&) {
    gate.Wait();
    return Text(200, "late");
  });
  ASSERT_TRUE(server);
  ClientOptions options;
  options.total_timeout = 200ms;
  auto client = MakeCurlClient(options);
  auto got = client->Send({"GET", Url(*server, "/slow"), {}, ""});
  gate.Open();
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kTimeout);
}

TEST(HttpTest, StopWaitsForABlockedHandler) {
  Gate gate;
  std::atomic<bool> entered{false};
  std::atomic<bool> handler_done{false};
  auto server = Start([&](const Request& request) {
    // A probe accepted before Stop() begins is answered at once: were it to block on the
    // gate too, the probing below would wait for it instead of for Stop().
    if (request.target != "/block") return Text(200, "probe");
    entered = true;
    gate.Wait();
    handler_done = true;
    return Text(200, "finished");
  });
  ASSERT_TRUE(server);
  const std::string url = Url(*server, "/block");
  const std::string probe_url = Url(*server, "/probe");
  auto pending = std::async(std::launch::async, [&] { return MakeCurlClient({})->Send({"GET", url, {}, ""}); });
  ASSERT_TRUE(Eventually([&] { return entered.load(); }));

  std::atomic<bool> stopped{false};
  bool handler_done_when_stopped = false;
  std::thread stopper([&] {
    server->Stop();
    handler_done_when_stopped = handler_done.load();
    stopped = true;
  });
  // Stop() has begun once the port refuses new connections.
  ASSERT_TRUE(Eventually([&] {
    auto probe = MakeCurlClient({})->Send({"GET", probe_url, {}, ""});
    return !probe.has_value() && probe.error().code == ErrorCode::kUnavailable;
  }));
  EXPECT_FALSE(stopped.load());
  gate.Open();
  stopper.join();
  EXPECT_TRUE(handler_done_when_stopped);
  auto answer = pending.get();
  ASSERT_TRUE(answer.has_value()) << answer.error().ToString();
  EXPECT_EQ(answer->body, "finished");
}

TEST(HttpTest, StopClosesIdleKeepAliveConnectionsPromptly) {
  auto server = Start([](const Request&) { return Text(200, "ok"); });
  ASSERT_TRUE(server);
  auto client = MakeCurlClient({});
  ASSERT_TRUE(client->Send({"GET", Url(*server, "/"), {}, ""}).has_value());
  const auto begin = std::chrono::steady_clock::now();
  server->Stop();
  server->Stop();  // idempotent
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
}

TEST(HttpTest, RestartOnTheSamePort) {
  auto server = Start([](const Request&) { return Text(200, "first"); });
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  auto client = MakeCurlClient({});
  ASSERT_TRUE(client->Send({"GET", Url(*server, "/"), {}, ""}).has_value());
  server->Stop();  // the server closes first: its side of the connection sits in TIME_WAIT
  server.reset();
  auto again = Start([](const Request&) { return Text(200, "second"); }, 64, port);
  ASSERT_TRUE(again);
  auto got = client->Send({"GET", Url(*again, "/"), {}, ""});
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->body, "second");
}

TEST(HttpTest, BindFailureIsAnError) {
  auto server = Start([](const Request&) { return Text(200, "ok"); });
  ASSERT_TRUE(server);
  // SO_REUSEADDR does not allow two listeners on one port.
  ServerOptions options;
  options.port = server->port();
  auto clash = StartHttpServer(options, [](const Request&) { return Text(200, "ok"); });
  ASSERT_FALSE(clash.has_value());
  EXPECT_EQ(clash.error().code, ErrorCode::kIo);

  options.host = "not a host name";
  options.port = 0;
  auto bad = StartHttpServer(options, [](const Request&) { return Text(200, "ok"); });
  ASSERT_FALSE(bad.has_value());
}

}  // namespace
}  // namespace tributary::http
