// The `tributary` command line as a user runs it: exit codes and exact output.
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
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

// A directory connector's config in `dir` (relative paths resolve against it).
void WriteDirectoryConfig(const TempDir& dir, const std::string& directory_section) {
  std::ofstream(dir.File("tributary.yaml"))
      << "tenant: acme\nstate: sqlite:var/tributary.db\nconnectors:\n  - name: drop\n    type: directory\n"
      << "    directory: " << directory_section << "\n"
      << "    files:\n      - {pattern: \"*.csv\", mapping: " << TRIBUTARY_SOURCE_DIR
      << "/mappings/generic/open_items.yaml}\n";
}

TEST(Cli, CheckWarnsOfEveryFolderTheDaemonWouldCreate) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "var/drop");
  std::filesystem::create_directories(dir.path() / "var/error");
  // A typo in the archive folder: the daemon would create a whole new tree.
  WriteDirectoryConfig(dir, "{path: var/drop, archive_dir: var/archve/erp, error_dir: var/error}");
  auto result = RunTributary("check --config " + dir.File("tributary.yaml"));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::string config = dir.File("tributary.yaml");
  EXPECT_EQ(result.err,
            config + ":2:8: state: warning: the state database " + dir.File("var/tributary.db") +
                " does not exist; the daemon will create it\n" +
            config + ":6:46: connectors[0].directory.archive_dir: warning: the archive folder " +
                dir.File("var/archve/erp") + " does not exist; the daemon will create it (and the missing folders from " +
                dir.File("var/archve") + ")\n");
  EXPECT_EQ(result.out, config + ": OK (1 connector, 1 mapping)\n");
}

TEST(Cli, CheckReportsEveryPathOfTheWrongKindAtOnce) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "var/tributary.db");
  std::ofstream(dir.File("drop")) << "not a folder";
  std::filesystem::create_directories(dir.path() / "archive");
  std::ofstream(dir.File("error")) << "not a folder either";
  WriteDirectoryConfig(dir, "{path: drop, archive_dir: archive, error_dir: error/sub}");
  auto result = RunTributary("check --config " + dir.File("tributary.yaml"));
  EXPECT_EQ(result.exit_code, 1);
  const std::string config = dir.File("tributary.yaml");
  EXPECT_EQ(result.err,
            config + ":2:8: state: the state database " + dir.File("var/tributary.db") +
                " is not a regular file (it is a folder)\n" +
            config + ":6:23: connectors[0].directory.path: the drop folder " + dir.File("drop") +
                " is not a folder (it is a regular file)\n" +
            config + ":6:62: connectors[0].directory.error_dir: the error folder " + dir.File("error/sub") +
                " does not exist and cannot be created: " + dir.File("error") + " is a regular file\n" +
            "3 problems found in " + config + "\n");
  EXPECT_EQ(result.out, "");
}

TEST(Cli, CheckMappingChecksOneMappingAlone) {
  TempDir dir;
  std::ofstream(dir.File("broken.yaml")) << "name: broken\nreader: {type: csv}\nentities:\n  - entity: invoice\n";
  auto broken = RunTributary("check --mapping " + dir.File("broken.yaml"));
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_EQ(broken.err.rfind(dir.File("broken.yaml") + ":", 0), 0u) << broken.err;
  EXPECT_NE(broken.err.find(dir.File("broken.yaml") + ":4:"), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find(" found in " + dir.File("broken.yaml") + "\n"), std::string::npos) << broken.err;
  EXPECT_EQ(broken.out, "");
  auto good = RunTributary("check --mapping mappings/generic/open_items.yaml");
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(good.out.rfind("mappings/generic/open_items.yaml: OK (mapping generic-open-items@", 0), 0u) << good.out;
  EXPECT_EQ(RunTributary("check --mapping " + dir.File("none.yaml")).exit_code, 1);
  EXPECT_EQ(RunTributary("check --connect --mapping " + dir.File("broken.yaml")).exit_code, 2);
}

TEST(Cli, CheckConnectSaysWhichConnectorsHaveNoRemoteCheck) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "var");
  WriteDirectoryConfig(dir, "{path: var/drop, archive_dir: var/archive, error_dir: var/error}");
  auto result = RunTributary("check --connect --config " + dir.File("tributary.yaml"));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "drop (directory): no remote check\n" + dir.File("tributary.yaml") +
                            ": OK (1 connector, 1 mapping)\n");
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
