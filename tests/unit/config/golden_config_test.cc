// Data-driven: every tests/data/config/<case>.yaml that has a <case>.errors file must
// fail to load with exactly those diagnostics, one per line. The config is loaded by a
// path relative to the source folder, so diagnostics name it that way; absolute paths
// inside messages are written with the source folder replaced by "<source>".
//
// TRIBUTARY_UPDATE_GOLDEN=1 rewrites the .errors files from the current output (review
// the diff before committing).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "connectors/directory/directory_config.h"
#include "connectors/quickbooks/quickbooks_config.h"
#include "connectors/salesforce/salesforce_config.h"
#include "connectors/sftp/sftp_config.h"
#include "gateway/config/config.h"

namespace tributary::config {
namespace {

const std::string kSourceDir = std::filesystem::path(TRIBUTARY_SOURCE_DIR).lexically_normal().string();
constexpr const char* kCaseDir = "tests/data/config";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kSourceDir + "/" + kCaseDir)) {
    const std::filesystem::path& path = entry.path();
    if (path.extension() == ".yaml" && std::filesystem::exists(std::filesystem::path(path).replace_extension(".errors"))) {
      names.push_back(path.stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

class GoldenConfigTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    previous_dir_ = std::filesystem::current_path();
    std::filesystem::current_path(kSourceDir);
    // Cases refer to these; pin them whatever the environment holds.
    unsetenv("TRIBUTARY_GOLDEN_UNSET");
  }
  void TearDown() override { std::filesystem::current_path(previous_dir_); }

 private:
  std::filesystem::path previous_dir_;
};

TEST_P(GoldenConfigTest, ReportsExactlyTheExpectedDiagnostics) {
  const std::string yaml = std::string(kCaseDir) + "/" + GetParam() + ".yaml";
  const std::string errors_file = std::string(kCaseDir) + "/" + GetParam() + ".errors";
  const std::vector<ConnectorType> types = {
      {.type = "directory", .parse = connectors::directory::ParseDirectoryConfig},
      {.type = "sftp", .parse = connectors::sftp::ParseSftpConfig},
      {.type = "quickbooks", .parse = connectors::quickbooks::ParseQuickBooksConfig, .file_rules = false},
      {.type = "salesforce", .parse = connectors::salesforce::ParseSalesforceConfig, .file_rules = false}};
  auto config = LoadConfig(yaml, types);
  ASSERT_FALSE(config) << yaml << " loaded without errors";
  std::string actual;
  for (const Diagnostic& diagnostic : config.error()) actual += diagnostic.ToString() + "\n";
  actual = ReplaceAll(actual, kSourceDir, "<source>");
  if (const char* update = std::getenv("TRIBUTARY_UPDATE_GOLDEN"); update != nullptr && *update == '1') {
    std::ofstream(errors_file, std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, ReadFile(errors_file)) << "diagnostics of " << yaml;
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenConfigTest, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(GoldenConfigCases, Exist) { EXPECT_GE(CaseNames().size(), 5u); }

}  // namespace
}  // namespace tributary::config
