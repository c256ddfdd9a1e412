// The daemon pushing to a test core over real HTTP: every record reaches the core
// exactly once in effect, through failures, throttling, a core that is down, and
// kill -9 of the daemon at random moments.
#include <signal.h>

#include <map>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"
#include "tests/testing/fake_core.h"

namespace tributary::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::unique_ptr<FakeCore> StartCore() {
  auto core = FakeCore::Start();
  EXPECT_TRUE(core.has_value());
  return core ? std::move(*core) : nullptr;
}

HarnessOptions PushTo(const FakeCore& core, int batch_size = 500) {
  HarnessOptions options;
  options.push_url = core.base_url();
  options.push_token = core.token();
  options.batch_size = batch_size;
  return options;
}

// What the core must hold after `items` was the last snapshot: every receivable of it
// open with its amount, every one of `closed` closed, and their customers.
::testing::AssertionResult CoreHolds(const FakeCore& core, const std::vector<OpenItem>& items,
                                     const std::set<std::string>& closed) {
  auto entities = core.entities();
  std::set<std::string> customers;
  for (const OpenItem& item : items) {
    std::string key = "erp-drop:receivable:FR01-" + item.number;
    auto it = entities.find(key);
    if (it == entities.end()) return ::testing::AssertionFailure() << "missing " << key;
    if (it->second.closed) return ::testing::AssertionFailure() << key << " is closed";
    if (it->second.data["open_amount"] != item.open_amount) {
      return ::testing::AssertionFailure() << key << " has open_amount " << it->second.data["open_amount"]
                                           << ", expected " << item.open_amount;
    }
    customers.insert("erp-drop:customer:FR01-" + item.account);
  }
  for (const std::string& key : closed) {
    auto it = entities.find(key);
    if (it == entities.end() || !it->second.closed) return ::testing::AssertionFailure() << key << " not closed";
  }
  for (const std::string& key : customers) {
    if (!entities.contains(key)) return ::testing::AssertionFailure() << "missing " << key;
  }
  size_t expected = items.size() + closed.size() + customers.size();
  if (entities.size() != expected) {
    return ::testing::AssertionFailure() << "core holds " << entities.size() << " keys, expected " << expected;
  }
  if (core.order_violated()) return ::testing::AssertionFailure() << core.order_violation();
  return ::testing::AssertionSuccess();
}

TEST(Push, EveryRecordReachesTheCoreOnceAndTheFileIsArchivedAfterwards) {
  auto core = StartCore();
  ASSERT_TRUE(core);
  DaemonHarness daemon(PushTo(*core, 40));
  daemon.Start();
  auto items = GenerateOpenItems(100, 10);
  daemon.Drop("open_items_1.csv", OpenItemsCsv(items));
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 1; }, seconds(30))) << daemon.Log();
  EXPECT_TRUE(CoreHolds(*core, items, {}));
  EXPECT_EQ(core->applied_count(), 110);
  EXPECT_EQ(core->duplicate_count(), 0);

  // Re-dropping the same bytes sends nothing.
  int64_t requests = core->request_count();
  daemon.Drop("open_items_1.csv", OpenItemsCsv(items));
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 2; }, seconds(30))) << daemon.Log();
  EXPECT_EQ(core->request_count(), requests);
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
}

TEST(Push, CoreDownForTheWholeRunThenUpEndsComplete) {
  auto core = StartCore();
  ASSERT_TRUE(core);
  core->Stop();
  DaemonHarness daemon(PushTo(*core, 25));
  daemon.Start();
  auto items = GenerateOpenItems(60, 6);
  daemon.Drop("open_items_1.csv", OpenItemsCsv(items));
  // Applied to the store (visible on the pull feed) but not archived: the core has nothing.
  ASSERT_TRUE(WaitUntil([&] { return daemon.AllChanges().size() == 66; }, seconds(30))) << daemon.Log();
  EXPECT_EQ(CountFiles(daemon.drop_dir()), 1);
  EXPECT_EQ(CountFiles(daemon.archive_dir()), 0);

  // A restart while the core is down changes nothing.
  daemon.StopWith(SIGTERM);
  daemon.Start();
  ASSERT_TRUE(core->Restart().has_value());
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 1; }, seconds(60))) << daemon.Log();
  EXPECT_TRUE(CoreHolds(*core, items, {}));
}

TEST(Push, ServerErrorsThrottlingAndRejectionsEndInTheCoreOrInDeadLetters) {
  auto core = StartCore();
  ASSERT_TRUE(core);
  core->FailNextRequests(2, 503);
  core->ThrottleNextRequests(1, "1");
  core->RejectKeys([](std::string_view key) { return key.ends_with("FR01-INV-7"); }, "unknown_customer",
                   "payment references unknown customer");
  DaemonHarness daemon(PushTo(*core, 10));
  daemon.Start();
  auto items = GenerateOpenItems(30, 3);
  daemon.Drop("open_items_1.csv", OpenItemsCsv(items));
  nlohmann::json dead;
  ASSERT_TRUE(WaitUntil([&] {
    dead = daemon.Get("/v1/dead-letters");
    return dead.is_object() && dead["dead_letters"].size() == 1 && CountFiles(daemon.archive_dir()) == 1;
  }, seconds(60))) << daemon.Log();
  const auto& letter = dead["dead_letters"][0];
  EXPECT_EQ(letter["key"], "erp-drop:receivable:FR01-INV-7");
  EXPECT_EQ(letter["code"], "unknown_customer");
  EXPECT_FALSE(core->entity("erp-drop:receivable:FR01-INV-7").has_value());

  // Once the core knows better, a replay delivers it.
  core->ClearRejections();
  int status = 0;
  daemon.Post("/v1/dead-letters/" + std::to_string(letter["id"].get<int64_t>()) + "/replay", &status);
  EXPECT_EQ(status, 200);
  ASSERT_TRUE(WaitUntil([&] { return core->entity("erp-drop:receivable:FR01-INV-7").has_value(); }, seconds(30)))
      << daemon.Log();
  EXPECT_TRUE(CoreHolds(*core, items, {}));
  EXPECT_EQ(daemon.Get("/v1/dead-letters")["dead_letters"].size(), 0u);
}

TEST(Push, KillNineAtRandomMomentsDuringA50000RowSyncLosesAndDuplicatesNothing) {
  auto core = StartCore();
  ASSERT_TRUE(core);
  core->SetDelay(milliseconds(2));
  DaemonHarness daemon(PushTo(*core, 500));
  auto items = GenerateOpenItems(50000, 500);
  daemon.Drop("open_items_1.csv", OpenItemsCsv(items));

  // The second snapshot: 100 invoices gone (paid), 200 partly paid.
  std::vector<OpenItem> second;
  std::set<std::string> removed;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i % 499 == 13) {  // spread over customers, so each keeps some invoices
      removed.insert("erp-drop:receivable:FR01-" + items[i].number);
      continue;
    }
    OpenItem item = items[i];
    if (i % 250 == 7) item.open_amount = "1.00";
    second.push_back(item);
  }

  unsigned seed = std::random_device{}();
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> pause_ms(50, 2500);
  SCOPED_TRACE("random seed " + std::to_string(seed));
  for (int kill = 1; kill <= 10; ++kill) {
    daemon.Start();
    if (kill == 5) daemon.Drop("open_items_2.csv", OpenItemsCsv(second));
    std::this_thread::sleep_for(milliseconds(pause_ms(random)));  // a random moment, on purpose
    daemon.Kill();
  }
  daemon.Start();
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 2; }, seconds(240))) << daemon.Log();
  EXPECT_TRUE(CoreHolds(*core, second, removed));
  EXPECT_EQ(CountFiles(daemon.drop_dir()), 0);
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
}

}  // namespace
}  // namespace tributary::testing
