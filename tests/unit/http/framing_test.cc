// Request framing that could be read two ways (RFC 9112 section 6) is refused and the
// connection closed, so no bytes of a body can be parsed as a second request.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/http/http_server.h"
#include "tests/unit/http/raw_socket.h"

namespace tributary::http {
namespace {

using namespace std::chrono_literals;
using testing::ConnectLoopback;
using testing::ReadUntilClosed;
using testing::ReadUntilSuffix;
using testing::SendAll;

// A server that records every request it executes.
class FramingServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = StartHttpServer({}, [this](const Request& request) {
      std::lock_guard lock(mutex_);
      seen_.push_back(request.method + " " + request.target + " [" + request.body + "]");
      return Response{200, {{"Content-Type", "text/plain"}}, "done " + request.target + "\n"};
    });
    ASSERT_TRUE(server.has_value()) << server.error().ToString();
    server_ = std::move(*server);
  }

  std::vector<std::string> Seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  // Sends `bytes` on a fresh connection; returns all the server sent until it closed.
  testing::Received Exchange(const std::string& bytes) {
    const int fd = ConnectLoopback(server_->port());
    EXPECT_GE(fd, 0);
    EXPECT_TRUE(SendAll(fd, bytes));
    auto received = ReadUntilClosed(fd, 5000ms);
    ::close(fd);
    return received;
  }

  std::unique_ptr<HttpServer> server_;
  std::mutex mutex_;
  std::vector<std::string> seen_;  // guarded by mutex_
};

constexpr char kSmuggled[] = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

// Asserts one answer with `status`, then close, and no request executed at all.
void ExpectRefusedAndClosed(const testing::Received& received, const std::string& status,
                            const std::vector<std::string>& seen) {
  EXPECT_TRUE(received.closed) << received.data;
  EXPECT_TRUE(received.data.starts_with("HTTP/1.1 " + status)) << received.data;
  EXPECT_NE(received.data.find("Connection: close"), std::string::npos) << received.data;
  EXPECT_EQ(received.data.find("HTTP/1.1 ", 1), std::string::npos) << "a second answer: " << received.data;
  EXPECT_TRUE(seen.empty()) << "executed: " << seen.front();
}

TEST_F(FramingServerTest, ChunkedThenIdentityIs501AndTheBodyIsNeverARequest) {
  auto received = Exchange(std::string("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n") +
                           kSmuggled);
  ExpectRefusedAndClosed(received, "501", Seen());
}

TEST_F(FramingServerTest, UnknownCodingIs501AndTheBodyIsNeverARequest) {
  auto received = Exchange(std::string("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n") + kSmuggled);
  ExpectRefusedAndClosed(received, "501", Seen());
}

TEST_F(FramingServerTest, ChunkedTwiceIs501) {
  auto received = Exchange(std::string("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n") +
                           kSmuggled);
  ExpectRefusedAndClosed(received, "501", Seen());
}

TEST_F(FramingServerTest, ChunkedOnTwoFieldLinesIsRefused) {
  // Beast stops at the second field line already; the answer is 400.
  auto received = Exchange(
      std::string("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") +
      "0\r\n\r\n" + kSmuggled);
  ExpectRefusedAndClosed(received, "400", Seen());
}

TEST_F(FramingServerTest, TransferEncodingWithContentLengthIs400) {
  const std::string smuggled = kSmuggled;
  // The coding first: Beast alone would take the Content-Length and serve the request.
  auto received = Exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: " +
                           std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled + smuggled);
  ExpectRefusedAndClosed(received, "400", Seen());
  auto chunked_first = Exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                                "0\r\n\r\n" + smuggled);
  ExpectRefusedAndClosed(chunked_first, "400", Seen());
  auto length_first = Exchange("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "0\r\n\r\n" + smuggled);
  ExpectRefusedAndClosed(length_first, "400", Seen());
}

TEST_F(FramingServerTest, ConflictingContentLengthsAre400) {
  auto received = Exchange("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!" +
                           std::string(kSmuggled));
  ExpectRefusedAndClosed(received, "400", Seen());
  auto in_one_line = Exchange("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!" +
                              std::string(kSmuggled));
  ExpectRefusedAndClosed(in_one_line, "400", Seen());
}

TEST_F(FramingServerTest, RepeatedEqualContentLengthIsOneBody) {
  const int fd = ConnectLoopback(server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"));
  auto received = ReadUntilSuffix(fd, 5000ms, "done /a\n");
  ::close(fd);
  EXPECT_TRUE(received.data.starts_with("HTTP/1.1 200")) << received.data;
  EXPECT_EQ(Seen(), std::vector<std::string>{"POST /a [hello]"});
}

TEST_F(FramingServerTest, ChunkedBodiesAndPipelinedRequestsStillWork) {
  const int fd = ConnectLoopback(server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd,
                      "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n"
                      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                      "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                      "GET /c HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto received = ReadUntilSuffix(fd, 5000ms, "done /c\n");
  EXPECT_FALSE(received.closed);
  ::close(fd);
  EXPECT_EQ(Seen(), (std::vector<std::string>{"POST /a [hello world]", "POST /b [abc]", "GET /c []"}));
}

}  // namespace
}  // namespace tributary::http
