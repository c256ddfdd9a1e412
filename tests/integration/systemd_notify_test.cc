// The daemon speaks systemd's notify protocol: READY=1 once serving, WATCHDOG=1 at half
// the watchdog interval, STOPPING=1 on SIGTERM. A datagram socket stands in for systemd.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"

namespace tributary::testing {
namespace {

class NotifyListener {
 public:
  explicit NotifyListener(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~NotifyListener() {
    close(fd_);
    unlink(path_.c_str());
  }
  bool bound() const { return bound_; }
  // Every message received so far, appended to `messages_`.
  const std::vector<std::string>& Drain() {
    char buffer[4096];
    ssize_t size;
    while ((size = recv(fd_, buffer, sizeof buffer, 0)) > 0) messages_.emplace_back(buffer, static_cast<size_t>(size));
    return messages_;
  }
  bool Saw(const std::string& fragment) {
    for (const std::string& message : Drain()) {
      if (message.find(fragment) != std::string::npos) return true;
    }
    return false;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
  std::vector<std::string> messages_;
};

TEST(SystemdNotify, ReadyWatchdogAndStopping) {
  TempDir dir;
  NotifyListener listener(dir.File("notify.sock"));
  ASSERT_TRUE(listener.bound());
  DaemonHarness daemon({.mode = "delta", .notify_socket = dir.File("notify.sock"), .watchdog_usec = "400000"});
  daemon.Start();
  EXPECT_TRUE(WaitUntil([&] { return listener.Saw("READY=1"); }, std::chrono::seconds(10)));
  EXPECT_TRUE(WaitUntil([&] { return listener.Saw("WATCHDOG=1"); }, std::chrono::seconds(10)));
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
  EXPECT_TRUE(listener.Saw("STOPPING=1"));
}

}  // namespace
}  // namespace tributary::testing
