// The daemon stopping with a file in flight: SIGTERM lets the connector finish the file
// it is applying (within the stop budget) instead of rolling it back.
#include <signal.h>

#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"

namespace tributary::testing {
namespace {

using std::chrono::seconds;

TEST(DaemonStop, SigtermWhileALargeFileIsAppliedFinishesTheFile) {
  DaemonHarness daemon({});
  daemon.Start();
  constexpr int kRows = 50000;
  daemon.Drop("open_items_big.csv", OpenItemsCsv(GenerateOpenItems(kRows, 50)));
  ASSERT_TRUE(WaitUntil([&] { return daemon.Log().find("open_items_big.csv: applying") != std::string::npos; },
                        seconds(60)))
      << daemon.Log();
  ASSERT_EQ(daemon.StopWith(SIGTERM), 0) << daemon.Log();
  const std::string log = daemon.Log();
  EXPECT_EQ(log.find("stopped at record"), std::string::npos) << log;
  EXPECT_EQ(log.find("rolled back, nothing of it applied"), std::string::npos) << log;
  EXPECT_NE(log.find("open_items_big.csv: " + std::to_string(kRows) + " rows"), std::string::npos) << log;
  EXPECT_EQ(CountFiles(daemon.drop_dir()), 0);
  EXPECT_EQ(CountFiles(daemon.archive_dir()), 1);
}

}  // namespace
}  // namespace tributary::testing
