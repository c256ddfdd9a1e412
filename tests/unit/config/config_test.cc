#include "gateway/config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include "connectors/directory/directory_config.h"
#include "tests/unit/config/temp_dir.h"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using std::chrono::milliseconds;

const std::string kDataDir = std::string(TRIBUTARY_SOURCE_DIR) + "/tests/data/config";

std::vector<ConnectorType> Types() {
  return {{.type = "directory", .parse = connectors::directory::ParseDirectoryConfig}};
}

std::vector<std::string> Messages(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& diagnostic : diagnostics) out.push_back(diagnostic.ToString());
  return out;
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("TRIBUTARY_TEST_CORE_TOKEN", "core-s3cr3t", 1); }
  void TearDown() override { unsetenv("TRIBUTARY_TEST_CORE_TOKEN"); }

  // A valid config whose `extra` text replaces the admin/core part, for focused checks.
  std::expected<Config, Diagnostics> ParseWith(const std::string& extra) {
    const std::string text = "tenant: acme\nstate: sqlite:x.db\n" + extra +
                             "connectors:\n"
                             "  - name: a\n"
                             "    type: directory\n"
                             "    directory: {path: /d, archive_dir: /a, error_dir: /e}\n"
                             "    files: [{pattern: '*.csv', mapping: mappings/open_items.yaml}]\n";
    const auto types = Types();
    return ParseConfig(text, "c.yaml", kDataDir, types);
  }

  std::vector<std::string> ErrorsWith(const std::string& extra) {
    auto config = ParseWith(extra);
    if (config) return {};
    return Messages(config.error());
  }
};

TEST_F(ConfigTest, GoodConfigYieldsEveryValueWithAbsolutePaths) {
  const auto types = Types();
  auto config = LoadConfig(kDataDir + "/good.yaml", types);
  ASSERT_TRUE(config) << ::testing::PrintToString(Messages(config.error()));
  const std::string root = std::filesystem::path(TRIBUTARY_SOURCE_DIR).lexically_normal().string();
  EXPECT_EQ(config->file, kDataDir + "/good.yaml");
  EXPECT_EQ(config->tenant, "acme");
  EXPECT_EQ(config->state_path, root + "/var/test/tributary.db");
  EXPECT_EQ(config->admin.host, "0.0.0.0");
  EXPECT_EQ(config->admin.port, 8470);
  EXPECT_FALSE(config->admin.IsLoopback());
  EXPECT_TRUE(config->admin.insecure_plaintext);
  EXPECT_FALSE(config->admin.tls);
  ASSERT_TRUE(config->admin.token);
  EXPECT_EQ(config->admin.token->value, "test-admin-token");
  EXPECT_EQ(config->log.level, "debug");
  EXPECT_EQ(config->log.format, "json");
  ASSERT_TRUE(config->push);
  EXPECT_EQ(config->push->url, "https://collect.example.com/sync/v1");
  ASSERT_TRUE(config->push->token);
  EXPECT_EQ(config->push->token->value, "core-s3cr3t");
  EXPECT_EQ(config->push->ca_file, "");
  EXPECT_EQ(config->push->batch_size, 200);
  EXPECT_EQ(config->push->timeout, milliseconds(10000));
  EXPECT_EQ(config->push->max_backoff, milliseconds(120000));

  ASSERT_EQ(config->connectors.size(), 2u);
  const ConnectorConfig& erp = config->connectors[0];
  EXPECT_EQ(erp.name, "erp-drop");
  EXPECT_EQ(erp.type, "directory");
  EXPECT_EQ(erp.schedule, milliseconds(60000));
  EXPECT_EQ(erp.legal_entity, "FR01");
  auto* directory = dynamic_cast<const connectors::directory::DirectoryConfig*>(erp.settings.get());
  ASSERT_NE(directory, nullptr);
  EXPECT_EQ(directory->path, root + "/var/drop");
  EXPECT_EQ(directory->archive_dir, root + "/var/archive");
  EXPECT_EQ(directory->error_dir, root + "/var/error");
  EXPECT_EQ(directory->stable_for, milliseconds(5000));
  EXPECT_EQ(directory->done_suffix, ".ok");
  ASSERT_EQ(erp.files.size(), 2u);
  EXPECT_EQ(erp.files[0].pattern, "open_items*.csv");
  EXPECT_EQ(erp.files[0].mapping_path, kDataDir + "/mappings/open_items.yaml");
  EXPECT_EQ(erp.files[0].mode, FeedMode::kSnapshot);
  EXPECT_EQ(erp.files[0].max_close_ratio, 0.2);
  EXPECT_EQ(erp.files[0].line, 28);
  EXPECT_EQ(erp.files[1].pattern, "payments_??.csv");
  EXPECT_EQ(erp.files[1].mapping_path, kDataDir + "/mappings/open_items.yaml");
  EXPECT_EQ(erp.files[1].mode, FeedMode::kDelta);
  EXPECT_EQ(erp.files[1].max_close_ratio, std::nullopt);

  const ConnectorConfig& minimal = config->connectors[1];
  EXPECT_EQ(minimal.schedule, milliseconds(30000));
  EXPECT_EQ(minimal.legal_entity, "");
  auto* minimal_directory = dynamic_cast<const connectors::directory::DirectoryConfig*>(minimal.settings.get());
  ASSERT_NE(minimal_directory, nullptr);
  EXPECT_EQ(minimal_directory->path, "/srv/drop");
  EXPECT_EQ(minimal_directory->stable_for, milliseconds(2000));
}

TEST_F(ConfigTest, DescribeShowsValuesAndRedactsSecrets) {
  const auto types = Types();
  auto config = LoadConfig(kDataDir + "/good.yaml", types);
  ASSERT_TRUE(config);
  const std::string text = config->Describe();
  EXPECT_THAT(text, Not(HasSubstr("test-admin-token")));
  EXPECT_THAT(text, Not(HasSubstr("core-s3cr3t")));
  EXPECT_THAT(text, HasSubstr("  token: \"${file:secrets/admin.token} (redacted)\"\n"));
  EXPECT_THAT(text, HasSubstr("    token: \"${env:TRIBUTARY_TEST_CORE_TOKEN} (redacted)\"\n"));
  EXPECT_THAT(text, HasSubstr("  listen: 0.0.0.0:8470\n"));
  EXPECT_THAT(text, HasSubstr("  insecure_plaintext: true\n"));
  EXPECT_THAT(text, HasSubstr("    timeout: 10s\n    max_backoff: 2m\n"));
  EXPECT_THAT(text, HasSubstr("  - name: erp-drop\n    type: directory\n    schedule: 1m\n"));
  EXPECT_THAT(text, HasSubstr("      stable_for: 5s\n      done_suffix: .ok\n"));
  EXPECT_THAT(text, HasSubstr("      - pattern: open_items*.csv\n"));
  EXPECT_THAT(text, HasSubstr("        mode: snapshot\n        guard: {max_close_ratio: 0.2}\n"));
}

TEST_F(ConfigTest, InlineSecretIsRedactedToo) {
  auto config = ParseWith("admin: {listen: '[::]:9000', token: inline-s3cr3t, insecure_plaintext: true}\n");
  ASSERT_TRUE(config) << ::testing::PrintToString(Messages(config.error()));
  EXPECT_EQ(config->admin.host, "::");
  EXPECT_EQ(config->admin.port, 9000);
  EXPECT_EQ(config->admin.token->value, "inline-s3cr3t");
  EXPECT_THAT(config->Describe(), Not(HasSubstr("inline-s3cr3t")));
  EXPECT_THAT(config->Describe(), HasSubstr("  listen: \"[::]:9000\"\n  token: <redacted>\n"));
}

TEST_F(ConfigTest, DefaultsApplyWhenSectionsAreAbsent) {
  auto config = ParseWith("");
  ASSERT_TRUE(config) << ::testing::PrintToString(Messages(config.error()));
  EXPECT_EQ(config->state_path, kDataDir + "/x.db");
  EXPECT_EQ(config->admin.host, "127.0.0.1");
  EXPECT_EQ(config->admin.port, 8470);
  EXPECT_TRUE(config->admin.IsLoopback());
  EXPECT_EQ(config->admin.token, std::nullopt);
  EXPECT_EQ(config->log.level, "info");
  EXPECT_EQ(config->log.format, "text");
  EXPECT_EQ(config->push, std::nullopt);
  EXPECT_THAT(config->Describe(), HasSubstr("core: {}"));
}

TEST_F(ConfigTest, RetentionDefaultsAndValues) {
  auto defaults = ParseWith("");
  ASSERT_TRUE(defaults) << ::testing::PrintToString(Messages(defaults.error()));
  EXPECT_EQ(defaults->retention.changes, std::chrono::days(30));
  EXPECT_EQ(defaults->retention.changes_kept, 0);
  EXPECT_EQ(defaults->retention.rejects, std::chrono::days(90));
  EXPECT_EQ(defaults->retention.files, std::chrono::days(365));
  EXPECT_EQ(defaults->retention.schedule, std::chrono::hours(1));
  EXPECT_THAT(defaults->Describe(),
              HasSubstr("retention:\n  changes: 30d\n  changes_kept: 0\n  rejects: 90d\n  files: 365d\n  schedule: 1h\n"));

  auto config = ParseWith("retention: {changes: never, changes_kept: 5000, rejects: 7d, files: 2d, schedule: 10m}\n");
  ASSERT_TRUE(config) << ::testing::PrintToString(Messages(config.error()));
  EXPECT_EQ(config->retention.changes, std::nullopt);
  EXPECT_EQ(config->retention.changes_kept, 5000);
  EXPECT_EQ(config->retention.rejects, std::chrono::days(7));
  EXPECT_EQ(config->retention.files, std::chrono::days(2));
  EXPECT_EQ(config->retention.schedule, std::chrono::minutes(10));
  EXPECT_THAT(config->Describe(), HasSubstr("  changes: never\n  changes_kept: 5000\n"));
}

TEST_F(ConfigTest, PushDefaults) {
  auto config = ParseWith("core: {push: {url: 'http://127.0.0.1:9/sync'}}\n");
  ASSERT_TRUE(config) << ::testing::PrintToString(Messages(config.error()));
  ASSERT_TRUE(config->push);
  EXPECT_EQ(config->push->token, std::nullopt);
  EXPECT_EQ(config->push->batch_size, 500);
  EXPECT_EQ(config->push->timeout, milliseconds(30000));
  EXPECT_EQ(config->push->max_backoff, milliseconds(300000));
}

TEST_F(ConfigTest, AdminOnLoopbackNeedsNoToken) {
  for (const char* listen : {"127.0.0.1:8470", "127.8.9.10:1", "localhost:8470", "[::1]:8470", "127.0.0.1:0"}) {
    EXPECT_THAT(ErrorsWith(std::string("admin: {listen: '") + listen + "'}\n"), IsEmpty()) << listen;
  }
  for (const char* listen : {"0.0.0.0:8470", "10.0.0.1:8470", "[::]:8470", "gateway.internal:8470"}) {
    EXPECT_THAT(ErrorsWith(std::string("admin: {listen: '") + listen + "', insecure_plaintext: true}\n"),
                ElementsAre("c.yaml:3:17: admin.listen: a token is required when the admin API listens off loopback"))
        << listen;
  }
}

TEST_F(ConfigTest, ScopedAdminTokensAreReadCheckedAndRedacted) {
  auto config = ParseWith(
      "admin:\n"
      "  listen: 0.0.0.0:8470\n"
      "  insecure_plaintext: true\n"
      "  tokens:\n"
      "    - {name: core, token: core-admin-s3cr3t, scopes: [actions]}\n"
      "    - {name: monitoring, token: monitoring-s3cr3t, scopes: [read, operate]}\n");
  ASSERT_TRUE(config) << ::testing::PrintToString(Messages(config.error()));
  ASSERT_EQ(config->admin.tokens.size(), 2u);
  EXPECT_EQ(config->admin.tokens[0].name, "core");
  EXPECT_EQ(config->admin.tokens[0].token.value, "core-admin-s3cr3t");
  EXPECT_THAT(config->admin.tokens[1].scopes, ElementsAre("read", "operate"));
  const std::string text = config->Describe();
  EXPECT_THAT(text, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(text, HasSubstr("  tokens:\n    - name: core\n      token: <redacted>\n      scopes: [actions]\n"));

  EXPECT_THAT(ErrorsWith("admin:\n"
                         "  tokens:\n"
                         "    - {name: a, token: one, scopes: [read, write]}\n"
                         "    - {name: a, token: one, scopes: []}\n"
                         "    - {token: two}\n"),
              ElementsAre("c.yaml:5:44: admin.tokens[0].scopes[1]: unknown scope \"write\" (read, operate, actions)",
                          "c.yaml:6:14: admin.tokens[1].name: another token is already named \"a\"",
                          "c.yaml:6:24: admin.tokens[1].token: the same token is configured twice; give each its own",
                          "c.yaml:6:37: admin.tokens[1].scopes: a token needs at least one scope",
                          "c.yaml:7:7: admin.tokens[2]: missing required key 'name'",
                          "c.yaml:7:7: admin.tokens[2]: missing required key 'scopes'"));
}

TEST_F(ConfigTest, RejectsMalformedListenAddresses) {
  for (const char* listen : {"8470", "127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "::1:8470", "[::1]", "[nope]:1",
                             "a b:1", "127.0.0.1:65536", ""}) {
    auto errors = ErrorsWith(std::string("admin: {listen: '") + listen + "'}\n");
    ASSERT_EQ(errors.size(), 1u) << listen;
    EXPECT_THAT(errors[0], HasSubstr("admin.listen: invalid listen address")) << listen;
    EXPECT_THAT(errors[0], HasSubstr("(expected HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:8470)")) << listen;
  }
}

TEST_F(ConfigTest, ChecksThePushUrl) {
  EXPECT_THAT(ErrorsWith("core: {push: {url: 'http://localhost:8080/sync'}}\n"), IsEmpty());
  EXPECT_THAT(ErrorsWith("core: {push: {url: 'http://[::1]/sync'}}\n"), IsEmpty());
  EXPECT_THAT(ErrorsWith("core: {push: {url: 'HTTPS://core.example.com'}}\n"), IsEmpty());
  EXPECT_THAT(ErrorsWith("core: {push: {url: 'http://core.example.com/sync'}}\n"),
              ElementsAre("c.yaml:3:20: core.push.url: use https for a non-loopback core"));
  EXPECT_THAT(ErrorsWith("core: {push: {url: 'ftp://core.example.com'}}\n"),
              ElementsAre("c.yaml:3:20: core.push.url: invalid URL (expected http://HOST[:PORT]/PATH or "
                          "https://HOST[:PORT]/PATH)"));
  EXPECT_THAT(ErrorsWith("core: {push: {url: 'https://user:pa55@core.example.com'}}\n"),
              ElementsAre("c.yaml:3:20: core.push.url: the URL must not contain credentials; use token"));
  EXPECT_THAT(ErrorsWith("core: {push: {url: 'https:///sync'}}\n"),
              ElementsAre(HasSubstr("core.push.url: invalid URL")));
}

TEST_F(ConfigTest, FileRuleGroupMemoryDefaultsTo64MiBAndIsBounded) {
  const auto types = Types();
  auto rules = [&](const std::string& rule) {
    return ParseConfig("tenant: acme\nstate: sqlite:x.db\nconnectors:\n  - name: a\n    type: directory\n"
                       "    directory: {path: /d, archive_dir: /a, error_dir: /e}\n"
                       "    files: [{pattern: '*.csv', mapping: mappings/open_items.yaml" + rule + "}]\n",
                       "c.yaml", kDataDir, types);
  };
  auto defaulted = rules("");
  ASSERT_TRUE(defaulted) << ::testing::PrintToString(Messages(defaulted.error()));
  EXPECT_EQ(defaulted->connectors[0].files[0].group_memory_mib, 64);
  auto chosen = rules(", group_memory_mib: 512");
  ASSERT_TRUE(chosen) << ::testing::PrintToString(Messages(chosen.error()));
  EXPECT_EQ(chosen->connectors[0].files[0].group_memory_mib, 512);
  EXPECT_THAT(chosen->Describe(), HasSubstr("        group_memory_mib: 512\n"));
  auto refused = rules(", group_memory_mib: 0");
  ASSERT_FALSE(refused);
  EXPECT_THAT(Messages(refused.error()), ElementsAre(HasSubstr("connectors[0].files[0].group_memory_mib:")));
}

TEST_F(ConfigTest, ChecksTheCaFile) {
  testing::TempDir dir;
  // A file that only looks like PEM (tls_config_test.cc loads a real one).
  const std::string ca = dir.Write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  EXPECT_THAT(ErrorsWith("core: {push: {url: 'https://c.example.com', ca_file: '" + ca + "'}}\n"),
              ElementsAre("c.yaml:3:54: core.push.ca_file: CA file " + ca +
                          " holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)"));
  EXPECT_THAT(ErrorsWith("core: {push: {url: 'https://c.example.com', ca_file: '" + dir.path() + "/no.pem'}}\n"),
              ElementsAre("c.yaml:3:54: core.push.ca_file: CA file not found: " + dir.path() + "/no.pem"));
  EXPECT_THAT(ErrorsWith("core: {push: {url: 'https://c.example.com', ca_file: '" + dir.path() + "'}}\n"),
              ElementsAre("c.yaml:3:54: core.push.ca_file: CA file is not a regular file: " + dir.path()));
}

TEST_F(ConfigTest, ChecksTenantAndState) {
  EXPECT_THAT(ErrorsWith("").size(), 0u);
  const auto types = Types();
  auto config = ParseConfig("tenant: -x\nstate: 'sqlite:'\nconnectors: []\n", "c.yaml", kDataDir, types);
  ASSERT_FALSE(config);
  EXPECT_THAT(Messages(config.error()),
              ElementsAre("c.yaml:1:9: tenant: invalid tenant \"-x\" (expected 1 to 63 of a-z, 0-9, '-', '_', "
                          "starting with a letter or digit)",
                          "c.yaml:2:8: state: invalid state (expected sqlite:PATH, e.g. sqlite:../var/tributary.db)",
                          "c.yaml:3:13: connectors: at least one connector is required"));
  config = ParseConfig("tenant: " + std::string(64, 'a') + "\nstate: /x.db\nconnectors:\n", "c.yaml", kDataDir, types);
  ASSERT_FALSE(config);
  EXPECT_THAT(Messages(config.error()),
              ElementsAre(HasSubstr("c.yaml:1:9: tenant: invalid tenant"),
                          "c.yaml:2:8: state: invalid state (expected sqlite:PATH, e.g. sqlite:../var/tributary.db)",
                          "c.yaml:3:1: connectors: at least one connector is required"));
}

TEST_F(ConfigTest, SectionOfAnotherKnownTypeIsAnUnknownKey) {
  const auto directory = connectors::directory::ParseDirectoryConfig;
  const std::vector<ConnectorType> types = {
      {.type = "directory", .parse = directory},
      {.type = "sftp", .parse = [](ConfigNode) -> std::unique_ptr<ConnectorSettings> { return nullptr; }}};
  auto config = ParseConfig(
      "tenant: acme\nstate: sqlite:x.db\nconnectors:\n"
      "  - name: a\n"
      "    type: sftp\n"
      "    sftp: {}\n"
      "    directory: {path: /d, archive_dir: /a, error_dir: /e}\n"
      "    files: [{pattern: '*.csv', mapping: mappings/open_items.yaml}]\n",
      "c.yaml", kDataDir, types);
  ASSERT_FALSE(config);
  EXPECT_THAT(Messages(config.error()),
              ElementsAre("c.yaml:6:11: connectors[0].sftp: invalid sftp settings",
                          "c.yaml:7:5: connectors[0].directory: unknown key 'directory'"));
}

}  // namespace
}  // namespace tributary::config
