// `tributary map --config FILE --connector NAME`: the keys it prints are those the daemon
// stores for the same file (tenant, connector name and legal entity of the config).
#include <sys/wait.h>

#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/command_runner.h"
#include "tests/integration/daemon_harness.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

using CommandResult = CommandOutcome;

CommandResult RunTributary(const std::string& arguments) { return RunTributaryCommand(arguments); }

// The "key" of each JSON line of `map`'s output.
std::set<std::string> KeysOf(const std::string& lines) {
  std::set<std::string> keys;
  std::istringstream in(lines);
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_object() && record.contains("key")) keys.insert(record["key"].get<std::string>());
  }
  return keys;
}

TEST(MapConnector, PrintsTheKeysTheDaemonStoresForTheSameFile) {
  DaemonHarness daemon({});
  daemon.Start();
  const std::string content = OpenItemsCsv(GenerateOpenItems(5, 2));
  daemon.Drop("open_items_1.csv", content);
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 1; }, seconds(20))) << daemon.Log();
  std::set<std::string> stored;
  for (const nlohmann::json& change : daemon.AllChanges()) stored.insert(change["key"].get<std::string>());
  ASSERT_EQ(stored.size(), 7u);  // 2 customers, 5 receivables

  TempDir scratch;
  const std::string input = scratch.File("open_items_1.csv");
  std::ofstream(input) << content;
  auto mapped = RunTributary("map --config " + daemon.config_path().string() + " --connector erp-drop " + input);
  EXPECT_EQ(mapped.exit_code, 0) << mapped.err;
  EXPECT_EQ(KeysOf(mapped.out), stored) << mapped.out;
  EXPECT_NE(stored.count("erp-drop:receivable:FR01-INV-1"), 0u);
  // With the mapping alone, the keys are the dry run's own.
  auto alone = RunTributary("map --mapping " + std::string(TRIBUTARY_SOURCE_DIR) +
                            "/mappings/generic/open_items.yaml " + input);
  EXPECT_NE(KeysOf(alone.out), stored);
}

TEST(MapConnector, RefusesWhatTheConnectorDecides) {
  DaemonHarness daemon({});
  TempDir scratch;
  const std::string input = scratch.File("open_items_1.csv");
  std::ofstream(input) << OpenItemsCsv(GenerateOpenItems(1, 1));
  const std::string config = daemon.config_path().string();
  EXPECT_EQ(RunTributary("map --config " + config + " --connector erp-drop --legal-entity X " + input).exit_code, 2);
  EXPECT_EQ(RunTributary("map --config " + config + " " + input).exit_code, 2);
  auto unknown = RunTributary("map --config " + config + " --connector nope " + input);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no connector named nope"), std::string::npos) << unknown.err;
  const std::string other = scratch.File("payments.csv");
  std::ofstream(other) << "x\n";
  auto unmatched = RunTributary("map --config " + config + " --connector erp-drop " + other);
  EXPECT_EQ(unmatched.exit_code, 2);
  EXPECT_NE(unmatched.err.find("no files rule of connector erp-drop matches payments.csv"), std::string::npos)
      << unmatched.err;
}

}  // namespace
}  // namespace tributary::testing
