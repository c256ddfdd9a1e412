// The daemon end to end with the pull feed: a dropped file becomes changes on
// /v1/changes, the file is archived, snapshots close what is missing, a truncated
// snapshot is quarantined, rejects keep their line numbers.
#include <signal.h>

#include <fstream>
#include <map>
#include <thread>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"

namespace tributary::testing {
namespace {

using std::chrono::seconds;

std::map<std::string, nlohmann::json> LatestByKey(const std::vector<nlohmann::json>& changes) {
  std::map<std::string, nlohmann::json> latest;
  for (const auto& change : changes) latest[change["key"].get<std::string>()] = change;
  return latest;
}

TEST(PullFeed, MetricsNameTheBuildAndTheProcess) {
  DaemonHarness daemon({});
  daemon.Start();
  const std::string metrics = daemon.GetText("/metrics");
  EXPECT_NE(metrics.find("tributary_build_info{version=\""), std::string::npos) << metrics;
  for (const char* family : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                             "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                             "process_start_time_seconds"}) {
    const std::regex line("\n" + std::string(family) + " ([0-9.]+)\n");
    std::smatch value;
    ASSERT_TRUE(std::regex_search(metrics, value, line)) << family << "\n" << metrics;
    if (std::string(family) != "process_cpu_seconds_total") {
      EXPECT_GT(std::stoll(value[1]), 0) << family;
    }
  }
  std::smatch started;
  ASSERT_TRUE(std::regex_search(metrics, started, std::regex("\nprocess_start_time_seconds ([0-9]+)\n")));
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(std::abs(now - std::stoll(started[1])), 120) << "the daemon started moments ago";
}

TEST(PullFeed, DroppedFileBecomesChangesCustomersFirstAndIsArchived) {
  DaemonHarness daemon({});
  daemon.Start();
  std::vector<OpenItem> items = {
      {.account = "C001", .customer_name = "Dupont SA", .number = "F-1", .total = "1200.00", .open_amount = "1200.00"},
      {.account = "C001", .customer_name = "Dupont SA", .number = "F-2", .total = "99.90", .open_amount = "49.95"},
      {.account = "C002", .customer_name = "Müller GmbH", .number = "F-3", .type = "credit_note", .total = "10.00", .open_amount = "10.00"},
  };
  daemon.Drop("open_items_20261123.csv", OpenItemsCsv(items));

  std::vector<nlohmann::json> changes;
  ASSERT_TRUE(WaitUntil([&] { return (changes = daemon.AllChanges()).size() >= 5; }, seconds(20))) << daemon.Log();
  ASSERT_EQ(changes.size(), 5u);
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 1; }, seconds(10))) << daemon.Log();
  EXPECT_EQ(CountFiles(daemon.drop_dir()), 0);

  // Every receivable's customer came before it.
  std::set<std::string> seen;
  for (const auto& change : changes) {
    EXPECT_EQ(change["op"], "upsert");
    EXPECT_EQ(change["version"], 1);
    const auto& data = change["data"];
    if (change["entity"] == "receivable") {
      EXPECT_TRUE(seen.contains(data["customer"].get<std::string>())) << change.dump();
    }
    seen.insert(change["key"].get<std::string>());
  }
  auto latest = LatestByKey(changes);
  const auto& f2 = latest.at("erp-drop:receivable:FR01-F-2")["data"];
  EXPECT_EQ(f2["total"], "99.90");
  EXPECT_EQ(f2["open_amount"], "49.95");
  EXPECT_EQ(f2["currency"], "EUR");
  EXPECT_EQ(f2["status"], "partially_paid");
  EXPECT_EQ(f2["tenant"], "acme");
  EXPECT_EQ(f2["legal_entity"], "FR01");
  EXPECT_EQ(f2["customer"], "erp-drop:customer:FR01-C001");
  EXPECT_EQ(latest.at("erp-drop:receivable:FR01-F-3")["data"]["kind"], "credit_note");
  EXPECT_EQ(latest.at("erp-drop:customer:FR01-C002")["data"]["name"], "Müller GmbH");

  // A byte-identical re-upload changes nothing and is archived too.
  daemon.Drop("open_items_20261123.csv", OpenItemsCsv(items));
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 2; }, seconds(10))) << daemon.Log();
  EXPECT_EQ(daemon.AllChanges().size(), 5u);

  // The same name with new content is read again.
  items[1].open_amount = "0.00";
  daemon.Drop("open_items_20261123.csv", OpenItemsCsv(items));
  ASSERT_TRUE(WaitUntil([&] { return daemon.AllChanges().size() == 6; }, seconds(10))) << daemon.Log();
  auto last = daemon.AllChanges().back();
  EXPECT_EQ(last["key"], "erp-drop:receivable:FR01-F-2");
  EXPECT_EQ(last["version"], 2);
  EXPECT_EQ(last["data"]["status"], "paid");

  EXPECT_EQ(daemon.StopWith(SIGTERM), 0) << daemon.Log();
}

TEST(PullFeed, SnapshotMissingFiveOpenItemsClosesExactlyThose) {
  DaemonHarness daemon({});
  daemon.Start();
  auto items = GenerateOpenItems(50, 7);
  daemon.Drop("open_items_1.csv", OpenItemsCsv(items));
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 1; }, seconds(20))) << daemon.Log();
  size_t before = daemon.AllChanges().size();
  EXPECT_EQ(before, 57u);  // 7 customers + 50 receivables

  std::set<std::string> removed;
  for (int i : {3, 11, 20, 33, 49}) removed.insert("erp-drop:receivable:FR01-" + items[static_cast<size_t>(i)].number);
  std::vector<OpenItem> kept;
  for (const auto& item : items) {
    if (!removed.contains("erp-drop:receivable:FR01-" + item.number)) kept.push_back(item);
  }
  daemon.Drop("open_items_2.csv", OpenItemsCsv(kept));
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 2; }, seconds(20))) << daemon.Log();
  auto changes = daemon.AllChanges();
  ASSERT_EQ(changes.size(), before + 5);
  std::set<std::string> closed;
  for (size_t i = before; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i]["op"], "close");
    EXPECT_EQ(changes[i]["reason"], "absent_from_snapshot");
    closed.insert(changes[i]["key"].get<std::string>());
  }
  EXPECT_EQ(closed, removed);
}

TEST(PullFeed, TruncatedSnapshotIsQuarantinedUntilReleased) {
  DaemonHarness daemon({});
  daemon.Start();
  auto items = GenerateOpenItems(40, 4);
  daemon.Drop("open_items_1.csv", OpenItemsCsv(items));
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 1; }, seconds(20))) << daemon.Log();
  size_t before = daemon.AllChanges().size();

  // A file cut after 10 rows would close 30 of 40 (75% > 20%).
  items.resize(10);
  daemon.Drop("open_items_2.csv", OpenItemsCsv(items));
  nlohmann::json quarantine;
  ASSERT_TRUE(WaitUntil([&] {
    quarantine = daemon.Get("/v1/quarantine");
    return quarantine.is_object() && quarantine["quarantine"].size() == 1;
  }, seconds(20))) << daemon.Log();
  const auto& entry = quarantine["quarantine"][0];
  EXPECT_EQ(entry["state"], "pending");
  EXPECT_EQ(entry["file"]["name"], "open_items_2.csv");
  EXPECT_EQ(entry["diff"]["would_close"], 30);
  EXPECT_EQ(entry["diff"]["active"], 40);
  EXPECT_EQ(daemon.AllChanges().size(), before) << "nothing of a quarantined snapshot is applied";
  EXPECT_EQ(CountFiles(daemon.drop_dir()), 1) << "the quarantined file waits in the drop folder";
  EXPECT_NE(daemon.GetText("/metrics").find("tributary_quarantined_snapshots 1"), std::string::npos);

  int status = 0;
  daemon.Post("/v1/quarantine/" + std::to_string(entry["id"].get<int64_t>()) + "/release", &status);
  EXPECT_EQ(status, 200);
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 2; }, seconds(20))) << daemon.Log();
  EXPECT_EQ(daemon.AllChanges().size(), before + 30);
}

TEST(PullFeed, RejectedRowsKeepTheirLineAndTheRestGoesThrough) {
  DaemonHarness daemon({.mode = "delta"});
  daemon.Start();
  std::string csv =
      "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n"
      "C1;Alpha;A-1;invoice;2026-10-01;2026-10-31;EUR;10.00;10.00\n"
      "C1;Alpha;A-2;invoice;2026-13-01;2026-10-31;EUR;10.00;10.00\n"
      "C2;Beta;B-1;invoice;2026-10-01;2026-10-31;EUR;12,50;12.50\n"
      "C2;Beta;B-2;invoice;2026-10-01;2026-10-31;EUR;5.00;5.00\n";
  daemon.Drop("open_items_x.csv", csv);
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 1; }, seconds(20))) << daemon.Log();
  auto rejects = daemon.Get("/v1/rejects")["rejects"];
  ASSERT_EQ(rejects.size(), 2u) << rejects.dump();
  EXPECT_EQ(rejects[0]["line"], 3);
  EXPECT_EQ(rejects[0]["file"], "open_items_x.csv");
  EXPECT_EQ(rejects[0]["field"], "issue_date");
  EXPECT_EQ(rejects[0]["column"], 5);
  EXPECT_EQ(rejects[1]["line"], 4);
  EXPECT_EQ(rejects[1]["column"], 8);
  std::set<std::string> keys;
  for (const auto& change : daemon.AllChanges()) keys.insert(change["key"].get<std::string>());
  EXPECT_TRUE(keys.contains("erp-drop:receivable:FR01-A-1"));
  EXPECT_TRUE(keys.contains("erp-drop:receivable:FR01-B-2"));
  EXPECT_FALSE(keys.contains("erp-drop:receivable:FR01-A-2"));
  EXPECT_EQ(keys.size(), 4u);  // 2 customers, 2 receivables
}

TEST(PullFeed, UnreadableFileGoesToErrorWithAReason) {
  DaemonHarness daemon({.mode = "delta"});
  daemon.Start();
  daemon.Drop("open_items_bad.csv", "account_number;customer_name\nC1;Alpha\n");
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.error_dir()) == 2; }, seconds(20))) << daemon.Log();
  EXPECT_TRUE(std::filesystem::exists(daemon.error_dir() / "open_items_bad.csv.reason"));
  EXPECT_TRUE(daemon.AllChanges().empty());
}

TEST(PullFeed, LongPollReturnsAsSoonAsAChangeIsCommitted) {
  DaemonHarness daemon({.mode = "delta"});
  daemon.Start();
  std::thread dropper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the poll start waiting first
    daemon.Drop("open_items_1.csv", OpenItemsCsv(GenerateOpenItems(1, 1)));
  });
  auto page = daemon.Get("/v1/changes?after=0&wait=20");
  dropper.join();
  ASSERT_TRUE(page.is_object());
  EXPECT_FALSE(page["changes"].empty());
}

TEST(Daemon, SighupWithABrokenConfigKeepsRunningAndSigtermExitsZero) {
  DaemonHarness daemon({.mode = "delta"});
  daemon.Start();
  {
    std::ofstream out(daemon.config_path(), std::ios::app);
    out << "unknown_top_level_key: 1\n";
  }
  kill(daemon.pid(), SIGHUP);
  ASSERT_TRUE(WaitUntil([&] { return daemon.Log().find("keeping the running one") != std::string::npos; },
                        seconds(10))) << daemon.Log();
  int status = 0;
  daemon.Get("/healthz", &status);
  EXPECT_EQ(status, 200);
  daemon.Drop("open_items_1.csv", OpenItemsCsv(GenerateOpenItems(2, 1)));
  ASSERT_TRUE(WaitUntil([&] { return daemon.AllChanges().size() == 3; }, seconds(20))) << daemon.Log();
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
}

}  // namespace
}  // namespace tributary::testing
