// The `directory:` section parser (library tributary_connector_configs). The other tests
// of this program use it to load configs with the real `directory` type.
#include "connectors/directory/directory_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary::connectors::directory {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Parsed {
  std::unique_ptr<config::ConnectorSettings> settings;
  std::vector<std::string> messages;
};

Parsed ParseSection(const std::string& text) {
  auto document = config::ConfigDocument::Parse(text, "d.yaml", "/srv/tributary/config");
  Parsed out;
  out.settings = ParseDirectoryConfig(document->root().Child("directory"));
  for (const Diagnostic& diagnostic : document->diagnostics()) out.messages.push_back(diagnostic.ToString());
  return out;
}

TEST(DirectoryConfig, ReadsEveryKeyWithAbsolutePaths) {
  Parsed parsed = ParseSection(
      "directory:\n"
      "  path: ../var/drop\n"
      "  archive_dir: ../var/archive\n"
      "  error_dir: /var/lib/tributary/error\n"
      "  stable_for: 30s\n"
      "  done_suffix: .ok\n");
  EXPECT_THAT(parsed.messages, IsEmpty());
  auto* settings = dynamic_cast<DirectoryConfig*>(parsed.settings.get());
  ASSERT_NE(settings, nullptr);
  EXPECT_EQ(settings->path, "/srv/tributary/var/drop");
  EXPECT_EQ(settings->archive_dir, "/srv/tributary/var/archive");
  EXPECT_EQ(settings->error_dir, "/var/lib/tributary/error");
  EXPECT_EQ(settings->stable_for, std::chrono::seconds(30));
  EXPECT_EQ(settings->done_suffix, ".ok");
  EXPECT_THAT(settings->DescribeFields(),
              ElementsAre(std::pair<std::string, std::string>{"path", "/srv/tributary/var/drop"},
                          std::pair<std::string, std::string>{"archive_dir", "/srv/tributary/var/archive"},
                          std::pair<std::string, std::string>{"error_dir", "/var/lib/tributary/error"},
                          std::pair<std::string, std::string>{"stable_for", "30s"},
                          std::pair<std::string, std::string>{"done_suffix", ".ok"}));
}

TEST(DirectoryConfig, HasDefaults) {
  Parsed parsed = ParseSection("directory: {path: /a, archive_dir: /b, error_dir: /c}\n");
  EXPECT_THAT(parsed.messages, IsEmpty());
  auto* settings = dynamic_cast<DirectoryConfig*>(parsed.settings.get());
  ASSERT_NE(settings, nullptr);
  EXPECT_EQ(settings->stable_for, std::chrono::seconds(2));
  EXPECT_EQ(settings->done_suffix, ".done");
}

TEST(DirectoryConfig, ReportsEveryProblem) {
  Parsed parsed = ParseSection(
      "directory:\n"
      "  path: /srv/drop/\n"
      "  error_dir: /srv/drop\n"
      "  stable_for: 2 s\n"
      "  done_suffix: done\n"
      "  pattern: '*.csv'\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_THAT(parsed.messages,
              ElementsAre("d.yaml:2:3: directory: missing required key 'archive_dir'",
                          "d.yaml:3:14: directory.error_dir: error_dir must not be the drop folder itself",
                          "d.yaml:4:15: directory.stable_for: invalid duration \"2 s\" (expected a number with ms, "
                          "s, m, h or d, e.g. 30s)",
                          "d.yaml:5:16: directory.done_suffix: invalid done_suffix \"done\" (expected '.' and a "
                          "name, e.g. .done)",
                          "d.yaml:6:3: directory.pattern: unknown key 'pattern'"));
}

}  // namespace
}  // namespace tributary::connectors::directory
