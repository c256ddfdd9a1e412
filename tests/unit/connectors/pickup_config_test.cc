// The picking options the file connectors share (after_processing, recursive, max_depth)
// and the file rule's trigger_file, with the exact text of every error.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/kit/connector.h"
#include "connectors/directory/directory_config.h"
#include "connectors/sftp/sftp_config.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Parsed {
  std::unique_ptr<config::ConnectorSettings> settings;
  std::vector<std::string> messages;
};

Parsed ParseSection(const std::string& text, const std::string& type) {
  auto document = config::ConfigDocument::Parse(text, "c.yaml", "/etc/tributary");
  Parsed out;
  config::ConfigNode section = document->root().Child(type);
  if (type == "sftp") {
    out.settings = sftp::ParseSftpConfig(section);
  } else {
    out.settings = directory::ParseDirectoryConfig(section);
  }
  section.RejectUnknownKeys();
  for (const Diagnostic& diagnostic : document->diagnostics()) out.messages.push_back(diagnostic.ToString());
  return out;
}

constexpr const char* kSftp =
    "sftp:\n"
    "  host: h\n"
    "  username: u\n"
    "  private_key_file: /k\n"
    "  known_hosts_file: /kh\n"
    "  remote_dir: /out\n"
    "  error_dir: /out/error\n";

TEST(PickupConfig, DefaultsAreArchiveAndNotRecursive) {
  Parsed parsed = ParseSection(std::string(kSftp) + "  archive_dir: /out/archive\n", "sftp");
  ASSERT_THAT(parsed.messages, IsEmpty());
  const auto& settings = dynamic_cast<const sftp::SftpConfig&>(*parsed.settings);
  EXPECT_EQ(settings.after_processing, AfterProcessing::kArchive);
  EXPECT_FALSE(settings.recursion.recursive);
  EXPECT_EQ(settings.recursion.max_depth, 8);
}

TEST(PickupConfig, DeleteNeedsNoArchiveDirAndRecursionReadsItsDepth) {
  Parsed parsed =
      ParseSection(std::string(kSftp) + "  after_processing: delete\n  recursive: true\n  max_depth: 3\n", "sftp");
  ASSERT_THAT(parsed.messages, IsEmpty());
  const auto& settings = dynamic_cast<const sftp::SftpConfig&>(*parsed.settings);
  EXPECT_EQ(settings.after_processing, AfterProcessing::kDelete);
  EXPECT_EQ(settings.archive_dir, "");
  EXPECT_TRUE(settings.recursion.recursive);
  EXPECT_EQ(settings.recursion.max_depth, 3);
}

TEST(PickupConfig, SftpErrorsHaveTheirPositionAndExactText) {
  Parsed parsed = ParseSection(std::string(kSftp) +
                                   "  after_processing: delete\n"
                                   "  archive_dir: /out/archive\n"
                                   "  max_depth: 3\n",
                               "sftp");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_THAT(parsed.messages,
              ElementsAre("c.yaml:9:16: sftp.archive_dir: archive_dir is not used with after_processing: delete "
                          "(remove it)",
                          "c.yaml:10:14: sftp.max_depth: max_depth applies only with recursive: true"));
}

TEST(PickupConfig, BadValuesAreReported) {
  Parsed parsed = ParseSection(std::string(kSftp) +
                                   "  archive_dir: /out/archive\n"
                                   "  after_processing: move\n"
                                   "  recursive: yes please\n"
                                   "  max_depth: 0\n",
                               "sftp");
  EXPECT_THAT(parsed.messages,
              ElementsAre("c.yaml:9:21: sftp.after_processing: \"move\" is not one of: archive, delete",
                          "c.yaml:10:14: sftp.recursive: expected true or false, found \"yes please\"",
                          "c.yaml:11:14: sftp.max_depth: expected an integer from 1 to 64, found \"0\""));
}

TEST(PickupConfig, DirectoryTakesTheSameKeys) {
  Parsed parsed = ParseSection(
      "directory:\n  path: /srv/drop\n  error_dir: /srv/error\n  after_processing: delete\n  recursive: true\n",
      "directory");
  ASSERT_THAT(parsed.messages, IsEmpty());
  const auto& settings = dynamic_cast<const directory::DirectoryConfig&>(*parsed.settings);
  EXPECT_EQ(settings.after_processing, AfterProcessing::kDelete);
  EXPECT_TRUE(settings.recursion.recursive);

  Parsed missing = ParseSection("directory:\n  path: /srv/drop\n  error_dir: /srv/error\n", "directory");
  EXPECT_THAT(missing.messages, ElementsAre("c.yaml:2:3: directory: missing required key 'archive_dir'"));
}

TEST(TriggerFile, IsAFileNameOfTheRule) {
  testing::TempDir dir;
  std::ofstream(dir.File("m.yaml")) << "x";
  auto types = RegisteredConfigTypes();
  const std::string head =
      "tenant: acme\nstate: sqlite:/tmp/x.db\nconnectors:\n"
      "  - name: drop\n    type: directory\n    directory: {path: /srv/d, archive_dir: /srv/a, error_dir: /srv/e}\n"
      "    files:\n      - pattern: \"*.csv\"\n        mapping: m.yaml\n";
  auto good = config::ParseConfig(head + "        trigger_file: READY\n", "c.yaml", dir.path().string(), types);
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->connectors[0].files[0].trigger_file, "READY");
  EXPECT_NE(good->Describe().find("        trigger_file: READY\n"), std::string::npos) << good->Describe();

  for (const char* bad : {"../READY", "a/READY", "..", "\"\""}) {
    auto parsed = config::ParseConfig(head + "        trigger_file: " + bad + "\n", "c.yaml", dir.path().string(), types);
    ASSERT_FALSE(parsed.has_value()) << bad;
    std::string shown = std::string(bad) == "\"\"" ? "" : bad;
    EXPECT_EQ(parsed.error().at(0).ToString(),
              "c.yaml:10:23: connectors[0].files[0].trigger_file: invalid trigger_file \"" + shown +
                  "\" (expected a file name, e.g. READY)");
  }
}

}  // namespace
}  // namespace tributary::connectors
