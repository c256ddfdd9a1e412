#include "gateway/mapping/line_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

namespace tributary::mapping {
namespace {

// Everything readable from `fd` until end of file.
std::string ReadAll(int fd) {
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(n));
  return text;
}

TEST(LineWriter, WritesTheLinesInOrderAndLeavesTheirBuffersEmptyButKept) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  std::string expected;
  {
    LineWriter writer(pipe_fds[1]);
    std::string line;
    // In all less than the pipe's 64 KiB buffer: nothing blocks before the reader reads.
    for (int i = 0; i < 1500; ++i) {
      line.assign(40, static_cast<char>('a' + i % 26)).append("\n");
      expected += line;
      ASSERT_TRUE(writer.Add(line).has_value());
      EXPECT_TRUE(line.empty());
    }
    // The caller's buffer keeps its room for the next line (an empty new string would
    // have room for 15 bytes only).
    EXPECT_GE(line.capacity(), 41u);
    ASSERT_TRUE(writer.Flush().has_value());
  }
  ::close(pipe_fds[1]);
  EXPECT_EQ(ReadAll(pipe_fds[0]), expected);
  ::close(pipe_fds[0]);
}

TEST(LineWriter, BlocksFollowEachOtherInOrder) {
  char path[] = "/tmp/line-writer-test-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::unlink(path);
  std::string expected;
  LineWriter writer(fd);
  std::string line;
  // Lines of every length up to 1 KiB, about 300 KiB in all: several blocks, the lines
  // cut anywhere by their ends.
  for (int i = 0; i < 600; ++i) {
    line.assign(static_cast<size_t>(i * 7 % 1024), static_cast<char>('a' + i % 26)).append("\n");
    expected += line;
    ASSERT_TRUE(writer.Add(line).has_value());
  }
  ASSERT_TRUE(writer.Flush().has_value());
  ASSERT_EQ(::lseek(fd, 0, SEEK_SET), 0);
  EXPECT_EQ(ReadAll(fd), expected);
  ::close(fd);
}

TEST(LineWriter, AWriteErrorNamesTheSystemError) {
  const int fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  LineWriter writer(fd);
  std::string line = "x\n";
  ASSERT_TRUE(writer.Add(line).has_value());  // pending, not written yet
  auto flushed = writer.Flush();
  ASSERT_FALSE(flushed.has_value());
  EXPECT_EQ(flushed.error().message, "cannot write the output: Bad file descriptor");
  ::close(fd);
}

}  // namespace
}  // namespace tributary::mapping
