#include "connectors/sftp/sftp_config.h"

#include <gtest/gtest.h>

#include "gateway/config/config_node.h"

namespace tributary::connectors::sftp {
namespace {

struct Parsed {
  std::unique_ptr<config::ConnectorSettings> settings;
  std::string diagnostics;
};

Parsed Parse(const std::string& yaml) {
  auto document = config::ConfigDocument::Parse(yaml, "t.yaml", "/etc/tributary");
  Parsed parsed;
  parsed.settings = ParseSftpConfig(document->root());
  for (const auto& diagnostic : document->diagnostics()) parsed.diagnostics += diagnostic.ToString() + "\n";
  return parsed;
}

constexpr const char* kMinimal =
    "host: sftp.example.com\nusername: erp\nprivate_key_file: keys/id_ed25519\n"
    "known_hosts_file: /etc/tributary/known_hosts\nremote_dir: /out/\narchive_dir: /out/archive\n"
    "error_dir: /out/error\n";

TEST(SftpConfig, DefaultsAndResolvedPaths) {
  Parsed parsed = Parse(kMinimal);
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const SftpConfig&>(*parsed.settings);
  EXPECT_EQ(config.host, "sftp.example.com");
  EXPECT_EQ(config.port, 22);
  EXPECT_EQ(config.private_key_file, "/etc/tributary/keys/id_ed25519");
  EXPECT_EQ(config.remote_dir, "/out");  // trailing slash dropped
  EXPECT_EQ(config.stable_for, std::chrono::milliseconds(2000));
  EXPECT_EQ(config.timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(config.done_suffix, ".done");
  EXPECT_FALSE(config.passphrase);
}

TEST(SftpConfig, SecretsAreRedactedInDescription) {
  Parsed parsed = Parse(std::string(kMinimal) + "passphrase: hunter2\nport: 2222\ntimeout: 5s\n");
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const SftpConfig&>(*parsed.settings);
  EXPECT_EQ(config.port, 2222);
  EXPECT_EQ(config.passphrase->value, "hunter2");
  for (const auto& [key, value] : config.DescribeFields()) EXPECT_EQ(value.find("hunter2"), std::string::npos) << key;
}

TEST(SftpConfig, KnownHostsIsRequired) {
  Parsed parsed = Parse(
      "host: h\nusername: u\nprivate_key_file: /k\nremote_dir: /a\narchive_dir: /b\nerror_dir: /c\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_NE(parsed.diagnostics.find("known_hosts_file"), std::string::npos) << parsed.diagnostics;
}

TEST(SftpConfig, RejectsBadValues) {
  Parsed parsed = Parse(
      "host: h\nusername: u\nknown_hosts_file: /kh\nremote_dir: /a\narchive_dir: /a\nerror_dir: /c\n"
      "port: 70000\ndone_suffix: done\nhots: x\n");
  EXPECT_EQ(parsed.settings, nullptr);
  for (const char* expected : {"private_key_file", "archive_dir must not be remote_dir", "port", "done_suffix", "hots"}) {
    EXPECT_NE(parsed.diagnostics.find(expected), std::string::npos) << expected << "\n" << parsed.diagnostics;
  }
}

}  // namespace
}  // namespace tributary::connectors::sftp
