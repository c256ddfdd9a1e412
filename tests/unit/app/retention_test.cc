// `tributary compact` and the daemon's retention service on a real SQLite store; time is
// the fake clock's.
#include "gateway/app/compact_command.h"
#include "gateway/app/retention_service.h"

#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "gateway/config/config.h"
#include "connectors/kit/connector.h"
#include "tests/testing/fake_clock.h"
#include "tests/unit/store/store_test_support.h"

namespace tributary::app {
namespace {

using std::chrono::days;
using store::test::Receivable;

const std::string kMapping = std::string(TRIBUTARY_SOURCE_DIR) + "/mappings/generic/open_items.yaml";

class RetentionCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_path_ = dir_.File("tributary.yaml");
    std::ofstream(config_path_) << "tenant: acme\nstate: sqlite:state/tributary.db\n"
                                   "retention: {changes: 30d, schedule: 1h}\n"
                                   "connectors:\n  - name: erp\n    type: directory\n"
                                   "    directory: {path: drop, archive_dir: archive, error_dir: error}\n"
                                   "    files:\n      - pattern: '*.csv'\n        mapping: " +
                                       kMapping + "\n";
    auto opened = store::Store::Open(dir_.File("state/tributary.db"));
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    store_ = std::move(*opened);
  }

  // One delta file with INV-1 at `amount`: one more change of the same key.
  void Change(const std::string& amount) {
    auto application = store_->BeginFile(store::test::File(amount, "changes.csv"), store::test::Delta());
    ASSERT_TRUE(application.has_value()) << application.error().ToString();
    ASSERT_TRUE((*application)->OnRecord(Receivable("INV-1", amount)).has_value());
    ASSERT_TRUE((*application)->Commit().has_value());
  }

  size_t FeedSize() { return store_->ChangesAfter(0, 1000).value_or(std::vector<store::Change>{}).size(); }

  tributary::testing::TempDir dir_;
  std::string config_path_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(RetentionCommandTest, CompactRemovesAndSaysWhat) {
  Change("1.00");
  Change("2.00");
  std::ostringstream out, err;
  // Within the retention: nothing.
  EXPECT_EQ(RunCompactCommand(config_path_, out, err, tributary::testing::FakeClock()), 0) << err.str();
  EXPECT_EQ(out.str(), dir_.File("state/tributary.db") + ": removed 0 changes, 0 rejects, 0 ledger rows\n");
  out.str("");
  const tributary::testing::FakeClock later(std::chrono::system_clock::now() + days(31));
  EXPECT_EQ(RunCompactCommand(config_path_, out, err, later), 0) << err.str();
  EXPECT_EQ(out.str(), dir_.File("state/tributary.db") + ": removed 1 change, 0 rejects, 0 ledger rows\n");
  EXPECT_EQ(FeedSize(), 1u);
}

TEST_F(RetentionCommandTest, CompactRefusesAnInvalidConfig) {
  std::ofstream(config_path_, std::ios::app) << "retention: {changes: soon}\n";
  std::ostringstream out, err;
  EXPECT_EQ(RunCompactCommand(config_path_, out, err), 1);
  EXPECT_NE(err.str().find(config_path_ + ":"), std::string::npos) << err.str();
}

TEST_F(RetentionCommandTest, TheServiceRunsAtStartThenOnItsSchedule) {
  Change("1.00");
  Change("2.00");
  auto types = connectors::RegisteredConfigTypes();
  auto config = config::LoadConfig(config_path_, types);
  ASSERT_TRUE(config.has_value());
  tributary::testing::FakeClock clock(std::chrono::system_clock::now() + days(31),
                                      tributary::testing::FakeClock::Waits::kWaitForAdvance);
  Metrics metrics;
  auto service = StartRetentionService(*config, clock, &metrics);
  ASSERT_TRUE(service.has_value()) << service.error().ToString();
  auto eventually = [&](auto condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!condition() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    return condition();
  };
  EXPECT_TRUE(eventually([&] { return metrics.Get("tributary_retention_removed_total", {{"kind", "changes"}}) == 1; }));
  EXPECT_EQ(FeedSize(), 1u);

  Change("3.00");
  EXPECT_EQ(FeedSize(), 2u);
  clock.Advance(std::chrono::hours(1));
  EXPECT_TRUE(eventually([&] { return metrics.Get("tributary_retention_removed_total", {{"kind", "changes"}}) == 2; }));
  EXPECT_EQ(FeedSize(), 1u);
  service->reset();
}

}  // namespace
}  // namespace tributary::app
