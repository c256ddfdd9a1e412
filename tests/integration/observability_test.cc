// What an operator sees of the daemon's work: metrics that survive a reload, the push
// duration histogram, open amounts by legal entity, files matching no pattern, and a file
// sent to the error folder as the connector's last error.
#include <signal.h>

#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"
#include "tests/testing/fake_core.h"

namespace tributary::testing {
namespace {

using std::chrono::seconds;

// The value of the series `series` ("name" or "name{labels}") in a /metrics text; "" when absent.
std::string MetricValue(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return line.substr(series.size() + 1);
  }
  return "";
}

nlohmann::json ConnectorStatus(DaemonHarness& daemon, const std::string& name) {
  const nlohmann::json list = daemon.Get("/v1/connectors");
  if (!list.is_object() || !list.contains("connectors")) return nlohmann::json::object();
  for (const auto& connector : list["connectors"]) {
    if (connector["name"] == name) return connector;
  }
  return nlohmann::json::object();
}

TEST(Observability, PushCountersAndTheDurationHistogramKeepTheirValuesAcrossAReload) {
  auto core = FakeCore::Start();
  ASSERT_TRUE(core.has_value());
  DaemonHarness daemon({.push_url = (*core)->base_url(), .push_token = (*core)->token(), .batch_size = 40});
  daemon.Start();
  daemon.Drop("open_items_1.csv", OpenItemsCsv(GenerateOpenItems(100, 10)));
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 1; }, seconds(30))) << daemon.Log();
  const std::string before = daemon.GetText("/metrics");
  const std::string batches = MetricValue(before, "tributary_push_batches_total");
  ASSERT_NE(batches, "") << before;
  ASSERT_NE(batches, "0") << before;
  const std::string applied = MetricValue(before, "tributary_push_changes_total{status=\"applied\"}");
  EXPECT_EQ(applied, "110") << before;
  const std::string observed = MetricValue(before, "tributary_push_batch_duration_seconds_count");
  EXPECT_NE(observed, "") << before;
  EXPECT_NE(MetricValue(before, "tributary_push_batch_duration_seconds_bucket{le=\"+Inf\"}"), "") << before;
  EXPECT_EQ(MetricValue(before, "tributary_push_latency_milliseconds"), "") << "the old gauge is gone";
  EXPECT_EQ(MetricValue(before, "tributary_open_amount{currency=\"EUR\",legal_entity=\"FR01\"}"), "2831.50")
      << before;

  kill(daemon.pid(), SIGHUP);
  ASSERT_TRUE(WaitUntil([&] { return daemon.Log().find("SIGHUP: config reloaded") != std::string::npos; },
                        seconds(20)))
      << daemon.Log();
  const std::string after = daemon.GetText("/metrics");
  EXPECT_EQ(MetricValue(after, "tributary_push_batches_total"), batches) << after;
  EXPECT_EQ(MetricValue(after, "tributary_push_changes_total{status=\"applied\"}"), applied) << after;
  EXPECT_EQ(MetricValue(after, "tributary_push_batch_duration_seconds_count"), observed) << after;
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
}

TEST(Observability, AFileMatchingNoPatternIsLoggedOnceAndCounted) {
  DaemonHarness daemon({.mode = "delta"});
  daemon.Start();
  daemon.Drop("invoices.xlsx", "not a csv");
  ASSERT_TRUE(WaitUntil(
      [&] {
        return MetricValue(daemon.GetText("/metrics"), "tributary_unmatched_files{connector=\"erp-drop\"}") == "1";
      },
      seconds(20)))
      << daemon.GetText("/metrics");
  // Several polls later: still one warning.
  const auto polls = ConnectorStatus(daemon, "erp-drop")["polls"].get<int64_t>();
  ASSERT_TRUE(WaitUntil([&] { return ConnectorStatus(daemon, "erp-drop")["polls"].get<int64_t>() >= polls + 3; },
                        seconds(20)));
  const std::string log = daemon.Log();
  const std::string warning = "[erp-drop] invoices.xlsx: matches no pattern of the connector (open_items*.csv)";
  const auto first = log.find(warning);
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find(warning, first + 1), std::string::npos) << log;
  EXPECT_TRUE(std::filesystem::exists(daemon.drop_dir() / "invoices.xlsx"));
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
}

TEST(Observability, AFileSentToTheErrorFolderIsTheLastErrorUntilAFileIsApplied) {
  DaemonHarness daemon({.mode = "delta"});
  daemon.Start();
  daemon.Drop("open_items_bad.csv", "no;header;we;know\n1;2;3;4\n");
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.error_dir()) >= 1; }, seconds(20))) << daemon.Log();
  nlohmann::json status;
  ASSERT_TRUE(WaitUntil(
      [&] {
        status = ConnectorStatus(daemon, "erp-drop");
        return status.value("state", "") == "idle" && status.value("last_error", "") != "";
      },
      seconds(20)))
      << status.dump();
  EXPECT_TRUE(status["last_error"].get<std::string>().starts_with("open_items_bad.csv: moved to the error folder"))
      << status.dump();

  daemon.Drop("open_items_2.csv", OpenItemsCsv(GenerateOpenItems(2, 1)));
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 1; }, seconds(20))) << daemon.Log();
  ASSERT_TRUE(WaitUntil(
      [&] {
        status = ConnectorStatus(daemon, "erp-drop");
        return status.value("last_error", "x") == "";
      },
      seconds(20)))
      << status.dump();
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
}

}  // namespace
}  // namespace tributary::testing
