// The `tributary` command line as a user runs it: exit codes and exact output.
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "connectors/kit/connector.h"

#include "tests/testing/temp_dir.h"

namespace tributary::testing {
namespace {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the binary from the source folder (so relative paths read as a user types them).
CommandResult RunTributary(const std::string& arguments) {
  TempDir scratch;
  std::string command = std::string("cd ") + TRIBUTARY_SOURCE_DIR + " && " + TRIBUTARY_BINARY + " " + arguments +
                        " >" + scratch.File("out") + " 2>" + scratch.File("err");
  int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadFile(scratch.File("out"));
  result.err = ReadFile(scratch.File("err"));
  return result;
}

TEST(Cli, CheckPrintsEveryProblemWithItsPosition) {
  auto result = RunTributary("check --config tests/data/config/bad_many.yaml");
  EXPECT_EQ(result.exit_code, 1);
  std::string expected = ReadFile(std::string(TRIBUTARY_SOURCE_DIR) + "/tests/data/config/bad_many.errors");
  // The golden file lists the types of the config tests' own registry; the binary lists
  // those of this build.
  std::string known;
  for (const auto& type : connectors::RegisteredConfigTypes()) known += (known.empty() ? "" : ", ") + type.type;
  const std::string golden_known = "known: directory, sftp, quickbooks, salesforce)";
  if (auto at = expected.find(golden_known); at != std::string::npos) {
    expected.replace(at, golden_known.size(), "known: " + known + ")");
  }
  EXPECT_EQ(result.err, expected + "12 problems found in tests/data/config/bad_many.yaml\n");
  EXPECT_EQ(result.out, "");
}

TEST(Cli, CheckAcceptsTheExampleConfig) {
  auto result = RunTributary("check --config config/tributary.yaml");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "config/tributary.yaml: OK (1 connector, 1 mapping)\n");
}

TEST(Cli, CheckReportsMappingProblems) {
  TempDir dir;
  std::ofstream(dir.File("broken.yaml")) << "name: broken\nreader: {type: csv}\nentities:\n  - entity: invoice\n";
  std::ofstream(dir.File("tributary.yaml"))
      << "tenant: acme\nstate: sqlite:db.sqlite\nconnectors:\n  - name: drop\n    type: directory\n"
      << "    directory: {path: drop, archive_dir: archive, error_dir: error}\n"
      << "    files:\n      - {pattern: \"*.csv\", mapping: broken.yaml}\n";
  auto result = RunTributary("check --config " + dir.File("tributary.yaml"));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(dir.File("broken.yaml") + ":4:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("invoice"), std::string::npos) << result.err;
}

TEST(Cli, MapPrintsCanonicalLinesRejectsAndASummary) {
  TempDir dir;
  std::ofstream(dir.File("open_items.csv"))
      << "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n"
      << "C1;Alpha;A-1;invoice;2026-10-01;2026-10-31;EUR;10.00;10.00\n"
      << "C1;Alpha;A-2;invoice;2026-10-01;2026-10-31;EUR;ten;10.00\n";
  auto result = RunTributary("map --mapping mappings/generic/open_items.yaml --legal-entity FR01 " + dir.File("open_items.csv"));
  EXPECT_EQ(result.exit_code, 1) << "rejects make the exit code 1";
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 2) << result.out;
  EXPECT_NE(result.out.find("\"key\":\"map:receivable:FR01-A-1\""), std::string::npos) << result.out;
  EXPECT_NE(result.err.find(dir.File("open_items.csv") + ":3:8: total:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("summary:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("10.00 EUR"), std::string::npos) << result.err;
}

TEST(Cli, HelpVersionAndUsageErrors) {
  auto help = RunTributary("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("tributary run"), std::string::npos);
  auto version = RunTributary("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("tributary ", 0), 0u);
  EXPECT_EQ(RunTributary("frobnicate").exit_code, 2);
  EXPECT_EQ(RunTributary("check").exit_code, 2);
  EXPECT_EQ(RunTributary("run --config").exit_code, 2);
}

TEST(Cli, EverySubcommandAnswersHelpWithItsOwnUsage) {
  for (const std::string command : {"run", "check", "map", "test", "plan", "compact", "auth", "sftp-keyscan"}) {
    for (const std::string flag : {"--help", "-h"}) {
      auto help = RunTributary(command + " " + flag);
      EXPECT_EQ(help.exit_code, 0) << command << " " << flag << ": " << help.err;
      EXPECT_EQ(help.out.rfind("Usage:\n  tributary " + command + " ", 0), 0u) << help.out;
      EXPECT_EQ(help.out.find("tributary --help"), std::string::npos) << help.out;  // its own lines only
    }
  }
  // After other options too, and never read as an option's value or a host.
  EXPECT_EQ(RunTributary("check --config nowhere.yaml --help").exit_code, 0);
  EXPECT_EQ(RunTributary("frobnicate --help").exit_code, 2);
}

}  // namespace
}  // namespace tributary::testing
