// The golden cases of the shipped mappings: every folder with a case.yaml under
// tests/data/mapping, run by the library behind `tributary test` (gateway/app/
// test_command.h): records, reject lines and summary compared byte for byte with the
// case's expected files. One test per case. After an intended change of output, rewrite
// the expected files with `tributary test --update tests/data/mapping` (or run this
// program with TRIBUTARY_UPDATE_GOLDEN=1) and review the diff.
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/app/test_command.h"

namespace tributary::app {
namespace {

namespace fs = std::filesystem;

const fs::path kCasesRoot = fs::path(TRIBUTARY_SOURCE_DIR) / "tests/data/mapping";

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const fs::path& dir : FindMappingTestCases(kCasesRoot)) {
    names.push_back(dir.lexically_relative(kCasesRoot).generic_string());
  }
  return names;
}

class GoldenMappingCase : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenMappingCase, MapsExactlyAsRecorded) {
  const bool update = std::getenv("TRIBUTARY_UPDATE_GOLDEN") != nullptr;
  const CaseReport report = CheckMappingTestCase(kCasesRoot / GetParam(), GetParam(), update);
  EXPECT_NE(report.verdict, CaseVerdict::kFail) << report.details;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenMappingCase, ::testing::ValuesIn(CaseNames()), TestName);

TEST(GoldenMappingCases, TheGenericMappingKeepsItsCases) {
  size_t generic = 0;
  for (const std::string& name : CaseNames()) generic += name.starts_with("generic/") ? 1 : 0;
  EXPECT_GE(generic, 7u) << "golden cases missing under " << kCasesRoot / "generic";
}

}  // namespace
}  // namespace tributary::app
