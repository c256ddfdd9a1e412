// The mapping test-case runner behind `tributary test`: reading case.yaml, comparing,
// --update, finding cases, exit codes. Cases run the shipped generic mapping on real files
// in a temporary folder.
#include "gateway/app/test_command.h"

#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"

namespace tributary::app {
namespace {

namespace fs = std::filesystem;

const std::string kGenericMapping = std::string(TRIBUTARY_SOURCE_DIR) + "/mappings/generic/open_items.yaml";
const std::string kHeader =
    "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string Read(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// A case folder with the generic mapping and one good row (and a bad one when asked).
fs::path MakeCase(const fs::path& dir, bool with_reject = false) {
  Write(dir / "case.yaml", "mapping: " + kGenericMapping + "\nchecked_by_hand: one invoice of 10.00 EUR\n");
  std::string input = kHeader + "C1;Alpha;A-1;invoice;2026-10-01;2026-10-31;EUR;10.00;10.00\n";
  if (with_reject) input += "C1;Alpha;A-2;invoice;2026-10-01;2026-10-31;EUR;ten;10.00\n";
  Write(dir / "input.csv", input);
  return dir;
}

std::string Joined(const Diagnostics& diagnostics) {
  std::string text;
  for (const Diagnostic& diagnostic : diagnostics) text += diagnostic.ToString() + "\n";
  return text;
}

TEST(MappingTestCase, DefaultsAndTheOneInputFile) {
  testing::TempDir dir;
  MakeCase(dir.path() / "a");
  auto loaded = LoadMappingTestCase(dir.path() / "a", "a");
  ASSERT_TRUE(loaded) << Joined(loaded.error());
  EXPECT_EQ(loaded->mapping, kGenericMapping);
  EXPECT_EQ(loaded->input, dir.path() / "a" / "input.csv");
  EXPECT_EQ(loaded->context.tenant, "acme");
  EXPECT_EQ(loaded->context.source, "erp-drop");
  EXPECT_EQ(loaded->context.legal_entity, "FR01");
  EXPECT_EQ(loaded->context.source_updated_at, "2026-03-31T06:00:00Z");
  EXPECT_EQ(loaded->context.file_name, "input.csv");
  EXPECT_EQ(loaded->checked_by_hand, "one invoice of 10.00 EUR");
}

TEST(MappingTestCase, ContextAndRelativePathsFromTheCaseFile) {
  testing::TempDir dir;
  Write(dir.path() / "mappings/m.yaml", Read(kGenericMapping));
  Write(dir.path() / "cases/c/data.txt", kHeader);
  Write(dir.path() / "cases/c/case.yaml",
        "mapping: ../../mappings/m.yaml\ninput: data.txt\n"
        "context: {tenant: t1, source: s1, legal_entity: DE02, source_updated_at: \"2027-01-01T00:00:00Z\"}\n");
  auto loaded = LoadMappingTestCase(dir.path() / "cases/c", "c");
  ASSERT_TRUE(loaded) << Joined(loaded.error());
  EXPECT_EQ(fs::weakly_canonical(loaded->mapping), fs::weakly_canonical(dir.path() / "mappings/m.yaml"));
  EXPECT_EQ(loaded->input.filename(), "data.txt");
  EXPECT_EQ(loaded->context.tenant, "t1");
  EXPECT_EQ(loaded->context.source, "s1");
  EXPECT_EQ(loaded->context.legal_entity, "DE02");
  EXPECT_EQ(loaded->context.source_updated_at, "2027-01-01T00:00:00Z");
  EXPECT_EQ(loaded->context.file_name, "data.txt");
}

TEST(MappingTestCase, ParametersAreListsAndAScalarIsAListOfOne) {
  testing::TempDir dir;
  MakeCase(dir.path());
  Write(dir.path() / "case.yaml",
        "mapping: " + kGenericMapping + "\nparameters: {payment_terms_days: 45, sales_journals: [VT, AVO]}\n");
  auto loaded = LoadMappingTestCase(dir.path(), "p");
  ASSERT_TRUE(loaded) << Joined(loaded.error());
  const std::map<std::string, std::vector<std::string>> expected = {
      {"payment_terms_days", {"45"}}, {"sales_journals", {"VT", "AVO"}}};
  EXPECT_EQ(loaded->context.parameters, expected);
}

TEST(MappingTestCase, EveryProblemOfTheCaseFileAtOnce) {
  testing::TempDir dir;
  Write(dir.path() / "case.yaml", "mapping: nowhere.yaml\ncontext: {tenant: t, colour: red}\nexpected: x\n");
  Write(dir.path() / "input.a", "");
  Write(dir.path() / "input.b", "");
  auto loaded = LoadMappingTestCase(dir.path(), "x");
  ASSERT_FALSE(loaded);
  const std::string text = Joined(loaded.error());
  EXPECT_NE(text.find("several input files (input.a, input.b): name the one to map with `input:`"), std::string::npos)
      << text;
  EXPECT_NE(text.find("unknown key 'colour'"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown key 'expected'"), std::string::npos) << text;
  EXPECT_NE(text.find((dir.path() / "case.yaml").string() + ":2:"), std::string::npos) << "positions\n" << text;
}

TEST(MappingTestCase, AnEmptyCaseFileTakesEveryDefault) {
  testing::TempDir dir;
  Write(dir.path() / "case.yaml", "");
  Write(dir.path() / "mapping.yaml", Read(kGenericMapping));
  Write(dir.path() / "input.csv", kHeader);
  auto loaded = LoadMappingTestCase(dir.path(), "x");
  ASSERT_TRUE(loaded) << Joined(loaded.error());
  EXPECT_EQ(loaded->mapping, dir.path() / "mapping.yaml");
  EXPECT_EQ(loaded->input, dir.path() / "input.csv");
}

TEST(MappingTestCase, ACaseFileThatIsNotYamlSaysWhere) {
  testing::TempDir dir;
  Write(dir.path() / "case.yaml", "mapping: [unclosed\n");
  auto loaded = LoadMappingTestCase(dir.path(), "x");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().size(), 1u) << Joined(loaded.error());
  EXPECT_EQ(loaded.error().front().file, (dir.path() / "case.yaml").string());
}

TEST(MappingTestCase, NoMappingAndNoInput) {
  testing::TempDir dir;
  Write(dir.path() / "case.yaml", "checked_by_hand: nothing\n");
  auto loaded = LoadMappingTestCase(dir.path(), "x");
  ASSERT_FALSE(loaded);
  const std::string text = Joined(loaded.error());
  EXPECT_NE(text.find("no mapping: name it with `mapping:` or put a mapping.yaml next to case.yaml"), std::string::npos)
      << text;
  EXPECT_NE(text.find("no input: name it with `input:` or put one file named input.* next to case.yaml"),
            std::string::npos)
      << text;
}

TEST(CheckMappingTestCase, UpdateWritesThenTheCasePasses) {
  testing::TempDir dir;
  const fs::path case_dir = MakeCase(dir.path() / "c", /*with_reject=*/true);
  CaseReport first = CheckMappingTestCase(case_dir, "c", /*update=*/true);
  EXPECT_EQ(first.verdict, CaseVerdict::kUpdated) << first.details;
  EXPECT_EQ(first.details, "wrote expected.jsonl\nwrote expected_rejects.txt\nwrote expected_summary.txt\n");
  EXPECT_EQ(std::ranges::count(Read(case_dir / kExpectedRecordsFile), '\n'), 2) << "a customer and a receivable";
  EXPECT_EQ(Read(case_dir / kExpectedRejectsFile).rfind("input.csv:3:8: total:", 0), 0u)
      << Read(case_dir / kExpectedRejectsFile);
  EXPECT_EQ(Read(case_dir / kExpectedSummaryFile).rfind("summary: 2 rows", 0), 0u) << Read(case_dir / kExpectedSummaryFile);

  CaseReport second = CheckMappingTestCase(case_dir, "c", /*update=*/false);
  EXPECT_EQ(second.verdict, CaseVerdict::kPass) << second.details;
  CaseReport again = CheckMappingTestCase(case_dir, "c", /*update=*/true);
  EXPECT_EQ(again.verdict, CaseVerdict::kPass) << "nothing to rewrite\n" << again.details;
}

TEST(CheckMappingTestCase, UpdateRemovesTheRejectsFileWhenThereAreNone) {
  testing::TempDir dir;
  const fs::path case_dir = MakeCase(dir.path() / "c");
  Write(case_dir / kExpectedRejectsFile, "input.csv:2:1: old reject\n");
  CaseReport report = CheckMappingTestCase(case_dir, "c", /*update=*/true);
  EXPECT_EQ(report.verdict, CaseVerdict::kUpdated);
  EXPECT_NE(report.details.find("removed expected_rejects.txt"), std::string::npos) << report.details;
  EXPECT_FALSE(fs::exists(case_dir / kExpectedRejectsFile));
  EXPECT_EQ(CheckMappingTestCase(case_dir, "c", false).verdict, CaseVerdict::kPass);
}

TEST(CheckMappingTestCase, ADifferenceFailsWithADiffNamingTheFile) {
  testing::TempDir dir;
  const fs::path case_dir = MakeCase(dir.path() / "c");
  ASSERT_EQ(CheckMappingTestCase(case_dir, "generic/c", true).verdict, CaseVerdict::kUpdated);
  const std::string summary = Read(case_dir / kExpectedSummaryFile);
  Write(case_dir / kExpectedSummaryFile, "summary: something else\n");
  CaseReport report = CheckMappingTestCase(case_dir, "generic/c", false);
  EXPECT_EQ(report.verdict, CaseVerdict::kFail);
  EXPECT_EQ(report.details, "--- generic/c/expected_summary.txt\n+++ actual\n@@ -1,1 +1,1 @@\n"
                            "-   1  summary: something else\n+   1  " + summary);
}

TEST(CheckMappingTestCase, AnUnexpectedRejectFailsEvenWithoutARejectsFile) {
  testing::TempDir dir;
  const fs::path case_dir = MakeCase(dir.path() / "c");
  ASSERT_EQ(CheckMappingTestCase(case_dir, "c", true).verdict, CaseVerdict::kUpdated);
  MakeCase(case_dir, /*with_reject=*/true);
  CaseReport report = CheckMappingTestCase(case_dir, "c", false);
  EXPECT_EQ(report.verdict, CaseVerdict::kFail);
  EXPECT_NE(report.details.find("--- c/expected_rejects.txt\n+++ actual\n@@ -0,0 +1,1 @@\n+   1  input.csv:3:8: total:"),
            std::string::npos)
      << report.details;
}

TEST(CheckMappingTestCase, MissingExpectedFilesFail) {
  testing::TempDir dir;
  const fs::path case_dir = MakeCase(dir.path() / "c");
  CaseReport report = CheckMappingTestCase(case_dir, "c", false);
  EXPECT_EQ(report.verdict, CaseVerdict::kFail);
  EXPECT_NE(report.details.find("expected.jsonl is missing (tributary test --update writes it)"), std::string::npos)
      << report.details;
  EXPECT_NE(report.details.find("expected_summary.txt is missing"), std::string::npos) << report.details;
}

TEST(CheckMappingTestCase, AMappingThatDoesNotLoadFailsAndUpdateWritesNothing) {
  testing::TempDir dir;
  Write(dir.path() / "mapping.yaml", "name: broken\nentities:\n  - entity: invoice\n");
  Write(dir.path() / "case.yaml", "checked_by_hand: n/a\n");
  Write(dir.path() / "input.csv", kHeader);
  CaseReport report = CheckMappingTestCase(dir.path(), "broken", true);
  EXPECT_EQ(report.verdict, CaseVerdict::kFail);
  EXPECT_EQ(report.details.rfind("the mapping does not load:\n" + (dir.path() / "mapping.yaml").string() + ":3:", 0),
            0u)
      << report.details;
  EXPECT_FALSE(fs::exists(dir.path() / kExpectedRecordsFile));
}

TEST(CheckMappingTestCase, AnUnusableInputIsPartOfTheExpectedOutput) {
  testing::TempDir dir;
  Write(dir.path() / "case.yaml", "mapping: " + kGenericMapping + "\n");
  Write(dir.path() / "input.csv", "account_number;customer_name\nC1;Alpha\n");
  ASSERT_EQ(CheckMappingTestCase(dir.path(), "x", true).verdict, CaseVerdict::kUpdated);
  EXPECT_EQ(Read(dir.path() / kExpectedRecordsFile), "");
  EXPECT_EQ(Read(dir.path() / kExpectedRejectsFile).rfind("input.csv: the header has no column", 0), 0u)
      << Read(dir.path() / kExpectedRejectsFile);
  EXPECT_EQ(CheckMappingTestCase(dir.path(), "x", false).verdict, CaseVerdict::kPass);
}

TEST(FindMappingTestCases, NestedFoldersInPathOrderAndTheRootItself) {
  testing::TempDir dir;
  Write(dir.path() / "case.yaml", "");
  Write(dir.path() / "b/one/case.yaml", "");
  Write(dir.path() / "a/two/deeper/case.yaml", "");
  Write(dir.path() / "a/not_a_case/input.csv", "");
  const std::vector<fs::path> found = FindMappingTestCases(dir.path());
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0], dir.path());
  EXPECT_EQ(found[1], dir.path() / "a/two/deeper");
  EXPECT_EQ(found[2], dir.path() / "b/one");
}

TEST(RunTestCommand, PrintsEachCaseAndATotalWithTheExitCode) {
  testing::TempDir dir;
  MakeCase(dir.path() / "good");
  MakeCase(dir.path() / "bad");
  std::ostringstream out, err;
  ASSERT_EQ(RunTestCommand({"--update", dir.path().string()}, out, err), 0) << out.str() << err.str();
  EXPECT_EQ(out.str(),
            "UPDATED bad\n  wrote expected.jsonl\n  wrote expected_summary.txt\n"
            "UPDATED good\n  wrote expected.jsonl\n  wrote expected_summary.txt\n"
            "total: 0 passed, 0 failed, 2 updated\n");

  Write(dir.path() / "bad" / kExpectedRecordsFile, "{}\n");
  out.str("");
  EXPECT_EQ(RunTestCommand({dir.path().string()}, out, err), 1);
  EXPECT_EQ(out.str().rfind("FAIL bad\n  --- bad/expected.jsonl\n  +++ actual\n", 0), 0u) << out.str();
  EXPECT_NE(out.str().find("\nPASS good\ntotal: 1 passed, 1 failed\n"), std::string::npos) << out.str();
  EXPECT_EQ(err.str(), "");
}

TEST(RunTestCommand, UsageErrorsAndFoldersWithoutCases) {
  testing::TempDir dir;
  std::ostringstream out, err;
  EXPECT_EQ(RunTestCommand({"--updat"}, out, err), 2);
  EXPECT_NE(err.str().find("unknown option --updat for test"), std::string::npos) << err.str();
  err.str("");
  EXPECT_EQ(RunTestCommand({dir.path().string()}, out, err), 2);
  EXPECT_EQ(err.str(), "tributary: no test case (a folder with case.yaml) under " + dir.path().string() + "\n");
  err.str("");
  EXPECT_EQ(RunTestCommand({(dir.path() / "nope").string()}, out, err), 2);
  EXPECT_EQ(err.str(), "tributary: " + (dir.path() / "nope").string() + " is not a folder\n");
}

}  // namespace
}  // namespace tributary::app
