// The mapping authors' commands as a user runs them: `tributary test` (exit codes, output,
// --update) and `tributary map --param`.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the binary from `folder` (the source folder by default), as a user types it.
CommandResult RunTributary(const std::string& arguments, const std::string& folder = TRIBUTARY_SOURCE_DIR) {
  TempDir scratch;
  const std::string command = "cd " + folder + " && " + TRIBUTARY_BINARY + " " + arguments + " >" +
                              scratch.File("out") + " 2>" + scratch.File("err");
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadBytes(scratch.File("out")), ReadBytes(scratch.File("err"))};
}

// A copy of the generic golden case `basic` in `dir`/basic, mapping path made absolute.
fs::path CopyBasicCase(const fs::path& dir) {
  const fs::path source = fs::path(TRIBUTARY_SOURCE_DIR) / "tests/data/mapping/generic/basic";
  const fs::path target = dir / "basic";
  fs::create_directories(target);
  for (const fs::directory_entry& entry : fs::directory_iterator(source)) {
    fs::copy_file(entry.path(), target / entry.path().filename());
  }
  std::ofstream(target / "case.yaml", std::ios::trunc)
      << "mapping: " << TRIBUTARY_SOURCE_DIR << "/mappings/generic/open_items.yaml\n";
  return target;
}

TEST(TestCommand, TheShippedGenericCasesPass) {
  const CommandResult result = RunTributary("test tests/data/mapping/generic");
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("PASS basic\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("PASS windows1252_declared_utf8\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(" passed, 0 failed\n"), std::string::npos) << result.out;
}

TEST(TestCommand, WithoutADirItRunsTestsDataMappingOrTheCurrentFolder) {
  CommandResult result = RunTributary("test");
  EXPECT_NE(result.exit_code, 2) << result.out << result.err;  // other mappings' cases decide 0 or 1
  EXPECT_NE(result.out.find("PASS generic/basic\n"), std::string::npos) << result.out;

  TempDir dir;
  CopyBasicCase(dir.path());
  result = RunTributary("test", dir.path().string());
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "PASS basic\ntotal: 1 passed, 0 failed\n");
}

TEST(TestCommand, AFailingCaseShowsADiffAndExitsOne) {
  TempDir dir;
  const fs::path basic = CopyBasicCase(dir.path());
  std::string summary = ReadBytes(basic / "expected_summary.txt");
  summary.replace(summary.find("1350.50 EUR"), 11, "1350.51 EUR");
  std::ofstream(basic / "expected_summary.txt", std::ios::trunc) << summary;

  const CommandResult result = RunTributary("test " + dir.path().string());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out.rfind("FAIL basic\n  --- basic/expected_summary.txt\n  +++ actual\n  @@ -1,1 +1,1 @@\n", 0), 0u)
      << result.out;
  EXPECT_NE(result.out.find("\ntotal: 0 passed, 1 failed\n"), std::string::npos) << result.out;

  // --update rewrites it back to what the mapping prints; then it passes.
  const CommandResult update = RunTributary("test --update " + dir.path().string());
  EXPECT_EQ(update.exit_code, 0) << update.out;
  EXPECT_EQ(update.out, "UPDATED basic\n  wrote expected_summary.txt\ntotal: 0 passed, 0 failed, 1 updated\n");
  EXPECT_EQ(ReadBytes(basic / "expected_summary.txt"),
            ReadBytes(fs::path(TRIBUTARY_SOURCE_DIR) / "tests/data/mapping/generic/basic/expected_summary.txt"));
  EXPECT_EQ(RunTributary("test " + dir.path().string()).exit_code, 0);
}

TEST(TestCommand, UsageErrorsExitTwo) {
  CommandResult result = RunTributary("test --frobnicate");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown option --frobnicate for test"), std::string::npos) << result.err;
  TempDir empty;
  result = RunTributary("test " + empty.path().string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("no test case (a folder with case.yaml) under"), std::string::npos) << result.err;
}

TEST(MapCommand, ParamNeedsNameEqualsValue) {
  const CommandResult result =
      RunTributary("map --mapping mappings/generic/open_items.yaml --param journals tests/data/mapping/generic/basic/input.csv");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("tributary: --param expects name=value, got \"journals\""), std::string::npos) << result.err;
}

TEST(MapCommand, ParamsOverrideTheMappingsParametersAndRepeatToMakeAList) {
  const std::string input = "tests/data/mapping/fec/sales_journals_param/input.txt";
  const CommandResult defaults =
      RunTributary("map --mapping mappings/fec/open_items.yaml --legal-entity FR01 " + input);
  EXPECT_NE(defaults.out.find("\"kind\":\"payment_on_account\",\"number\":\"AV2026-301\""), std::string::npos)
      << "AVO is not a sales journal by default\n" << defaults.out;

  const CommandResult result = RunTributary(
      "map --mapping mappings/fec/open_items.yaml --legal-entity FR01 --param payment_terms_days=45 "
      "--param sales_journals=VT --param sales_journals=AVO " + input);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("\"kind\":\"credit_note\",\"number\":\"AV2026-301\""), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\"kind\":\"invoice\",\"number\":\"F2026-301\""), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\"due_date\":\"2026-06-15\""), std::string::npos) << "2026-05-01 + 45 days\n" << result.out;
}

TEST(MapCommand, AnUndeclaredParamMakesTheFileUnusable) {
  const CommandResult result = RunTributary(
      "map --mapping mappings/fec/open_items.yaml --param nope=1 tests/data/mapping/fec/sales_journals_param/input.txt");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("mapping fec-open-items has no parameter \"nope\""), std::string::npos) << result.err;
}

}  // namespace
// The budget has the file rule's range (group_memory_mib), and any budget maps alike.
TEST(MapCommand, GroupMemoryTakesTheFileRulesRangeAndAnyBudgetMapsAlike) {
  const std::string input = "tests/data/mapping/fec/sales_journals_param/input.txt";
  for (const std::string bad : {"0", "65537", "64M", "-1"}) {
    const CommandResult result =
        RunTributary("map --mapping mappings/fec/open_items.yaml --group-memory " + bad + " " + input);
    EXPECT_EQ(result.exit_code, 2) << bad;
    EXPECT_NE(result.err.find("--group-memory needs a number of MiB between 1 and 65536, not " + bad),
              std::string::npos)
        << result.err;
  }
  const CommandResult small = RunTributary("map --mapping mappings/fec/open_items.yaml --group-memory 1 " + input);
  const CommandResult large = RunTributary("map --mapping mappings/fec/open_items.yaml --group-memory 65536 " + input);
  EXPECT_EQ(small.exit_code, 0) << small.err;
  EXPECT_EQ(large.exit_code, 0) << large.err;
  EXPECT_FALSE(small.out.empty());
  EXPECT_EQ(small.err, large.err);  // the same rejects and summary
}

}  // namespace tributary::testing
