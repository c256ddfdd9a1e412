// Operating the daemon through its admin API: a paused connector takes nothing until it is
// resumed, even across a restart; the file ledger says where each file went; the effective
// config is served with its secrets redacted.
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"

namespace tributary::testing {
namespace {

using std::chrono::seconds;

TEST(Operations, APausedConnectorTakesNothingUntilResumedEvenAfterARestart) {
  DaemonHarness daemon({});
  daemon.Start();
  int status = 0;
  auto paused = daemon.Post("/v1/connectors/erp-drop/pause", &status);
  EXPECT_EQ(status, 200) << paused.dump();
  ASSERT_TRUE(WaitUntil([&] { return daemon.Get("/v1/connectors/erp-drop")["state"] == "paused"; }, seconds(20)))
      << daemon.Log();
  daemon.Post("/v1/connectors/erp-drop/poll", &status);
  EXPECT_EQ(status, 409);

  // Restarted, it starts paused: it never polls, so the file it would take stays.
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
  daemon.Drop("open_items_1.csv", OpenItemsCsv({{.number = "F-1"}}));
  daemon.Start();
  auto erp = daemon.Get("/v1/connectors/erp-drop");
  EXPECT_EQ(erp["state"], "paused") << erp.dump();
  EXPECT_EQ(erp["polls"], 0);
  EXPECT_TRUE(std::filesystem::exists(daemon.drop_dir() / "open_items_1.csv"));
  EXPECT_NE(daemon.Log().find("connector erp-drop is paused"), std::string::npos);

  daemon.Post("/v1/connectors/erp-drop/resume", &status);
  EXPECT_EQ(status, 200);
  ASSERT_TRUE(WaitUntil([&] { return daemon.AllChanges().size() >= 2; }, seconds(20))) << daemon.Log();
  ASSERT_TRUE(WaitUntil([&] { return !std::filesystem::exists(daemon.drop_dir() / "open_items_1.csv"); }, seconds(20)));
  daemon.Post("/v1/connectors/erp-drop/poll", &status);
  EXPECT_EQ(status, 202);
  daemon.Post("/v1/connectors/nowhere/pause", &status);
  EXPECT_EQ(status, 404);
}

TEST(Operations, TheLedgerSaysWhereEachFileWent) {
  DaemonHarness daemon({});
  daemon.Start();
  daemon.Drop("open_items_1.csv", OpenItemsCsv({{.number = "F-1"}}));
  nlohmann::json files;
  ASSERT_TRUE(WaitUntil(
      [&] {
        files = daemon.Get("/v1/files?connector=erp-drop");
        return files["files"].size() == 1 && files["files"][0]["status"] == "archived";
      },
      seconds(20)))
      << files.dump() << daemon.Log();
  const auto& file = files["files"][0];
  EXPECT_EQ(file["name"], "open_items_1.csv");
  EXPECT_EQ(file["rows"], 2);  // the customer and its invoice
  EXPECT_EQ(file["moved_to"], (daemon.archive_dir() / "open_items_1.csv").string());
  EXPECT_TRUE(std::filesystem::exists(file["moved_to"].get<std::string>()));
}

TEST(Operations, TheEffectiveConfigIsServedWithItsSecretsRedacted) {
  DaemonHarness daemon({.push_url = "http://127.0.0.1:9/sync/v1"});  // a core that is down
  daemon.Start();
  const std::string config = daemon.GetText("/v1/config");
  EXPECT_NE(config.find("tenant: acme"), std::string::npos) << config;
  EXPECT_NE(config.find("(redacted)"), std::string::npos) << config;
  EXPECT_EQ(config.find("core-secret"), std::string::npos) << config;
}

}  // namespace
}  // namespace tributary::testing
