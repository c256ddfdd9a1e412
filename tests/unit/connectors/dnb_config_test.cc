// The `dnb:` config section: defaults, overrides, redaction, and every error with its
// exact text and position.
#include <gtest/gtest.h>

#include <cstdlib>

#include "connectors/dnb/dnb_config.h"
#include "connectors/kit/connector.h"
#include "gateway/config/config_node.h"

namespace tributary::connectors::dnb {
namespace {

struct Parsed {
  std::unique_ptr<config::ConnectorSettings> settings;
  std::string diagnostics;
};

Parsed Parse(const std::string& yaml) {
  auto document = config::ConfigDocument::Parse(yaml, "t.yaml", "/etc/tributary");
  Parsed parsed;
  parsed.settings = ParseDnbConfig(document->root());
  for (const auto& diagnostic : document->diagnostics()) parsed.diagnostics += diagnostic.ToString() + "\n";
  return parsed;
}

class DnbConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("DNB_TEST_SECRET", "s3cr3t-value", 1); }
  void TearDown() override { ::unsetenv("DNB_TEST_SECRET"); }
  static constexpr const char* kMinimal = "consumer_key: k3y-value\nconsumer_secret: ${env:DNB_TEST_SECRET}\n";
};

TEST_F(DnbConfigTest, Defaults) {
  Parsed parsed = Parse(kMinimal);
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const DnbConfig&>(*parsed.settings);
  EXPECT_EQ(config.consumer_key.value, "k3y-value");
  EXPECT_EQ(config.consumer_secret.value, "s3cr3t-value");
  EXPECT_EQ(config.base_url, "https://plus.dnb.com");
  EXPECT_EQ(config.token_version, "v2");
  EXPECT_EQ(config.TokenUrl(), "https://plus.dnb.com/v2/token");
  EXPECT_EQ(config.blocks, (std::vector<std::string>{"companyinfo_L2_v1", "financialstrengthinsight_L2_v1"}));
  EXPECT_EQ(config.min_confidence, 8);
  EXPECT_EQ(config.cache_for, std::chrono::hours(24 * 7));
  EXPECT_FALSE(config.monitoring.has_value());
  EXPECT_EQ(config.http.budget.max_in_flight, 5);
  EXPECT_EQ(config.http.max_attempts, 8);
  // Both credentials are redacted.
  for (const auto& [key, value] : config.DescribeFields()) {
    EXPECT_EQ(value.find("k3y-value"), std::string::npos) << key;
    EXPECT_EQ(value.find("s3cr3t-value"), std::string::npos) << key;
  }
  const auto fields = config.DescribeFields();
  EXPECT_EQ(fields[0], (std::pair<std::string, std::string>{"consumer_key", "<redacted>"}));
  EXPECT_EQ(fields[1], (std::pair<std::string, std::string>{"consumer_secret", "${env:DNB_TEST_SECRET} (redacted)"}));
}

TEST_F(DnbConfigTest, Overrides) {
  Parsed parsed = Parse(std::string(kMinimal) +
                        "base_url: http://127.0.0.1:8443/\ntoken_version: v3\ntoken_url: https://auth.example.com/t\n"
                        "blocks: [financialstrengthinsight_L2_v1, paymentinsight_L1_v1]\nmin_confidence: 9\n"
                        "cache_for: 1d\nmonitoring:\n  registration: acme-scores\ntimeout: 5s\nmax_attempts: 3\n"
                        "max_in_flight: 2\n");
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const DnbConfig&>(*parsed.settings);
  EXPECT_EQ(config.base_url, "http://127.0.0.1:8443");
  EXPECT_EQ(config.token_version, "v3");
  EXPECT_EQ(config.TokenUrl(), "https://auth.example.com/t");
  EXPECT_EQ(config.blocks, (std::vector<std::string>{"financialstrengthinsight_L2_v1", "paymentinsight_L1_v1"}));
  EXPECT_EQ(config.min_confidence, 9);
  EXPECT_EQ(config.cache_for, std::chrono::hours(24));
  ASSERT_TRUE(config.monitoring.has_value());
  EXPECT_EQ(config.monitoring->registration, "acme-scores");
  EXPECT_EQ(config.http.timeout, std::chrono::seconds(5));
  EXPECT_EQ(config.http.max_attempts, 3);
  EXPECT_EQ(config.http.budget.max_in_flight, 2);
}

TEST_F(DnbConfigTest, TheV3TokenUrlFollowsTheVersion) {
  Parsed parsed = Parse(std::string(kMinimal) + "token_version: v3\n");
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  EXPECT_EQ(dynamic_cast<const DnbConfig&>(*parsed.settings).TokenUrl(), "https://plus.dnb.com/v3/token");
}

TEST_F(DnbConfigTest, ErrorsAreReportedWithTheirPosition) {
  Parsed parsed = Parse(
      "consumer_key: \"\"\nconsumer_secret: ${env:DNB_TEST_MISSING}\nbase_url: http://example.com\n"
      "token_version: v4\ntoken_url: ftp://auth.example.com\nblocks: [companyinfo_L2_v1, Bad-Block, companyinfo_L2_v1]\n"
      "min_confidence: 11\ncache_for: soon\nmonitoring:\n  registration: \"a b\"\n  pull: yes\nmax_attempts: 0\n"
      "consumer_id: x\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:1:15: consumer_key: consumer_key must not be empty\n"
            "t.yaml:2:18: consumer_secret: environment variable DNB_TEST_MISSING is not set\n"
            "t.yaml:3:11: base_url: use https for a non-loopback host\n"
            "t.yaml:4:16: token_version: \"v4\" is not one of: v2, v3\n"
            "t.yaml:5:12: token_url: invalid URL (expected https://HOST[:PORT][/PATH])\n"
            "t.yaml:6:29: blocks[1]: invalid data block \"Bad-Block\" (expected a block id such as "
            "financialstrengthinsight_L2_v1)\n"
            "t.yaml:6:40: blocks[2]: data block companyinfo_L2_v1 is listed twice\n"
            "t.yaml:7:17: min_confidence: expected an integer from 1 to 10, found \"11\"\n"
            "t.yaml:8:12: cache_for: invalid duration \"soon\" (expected a number with ms, s, m, h or d, e.g. 30s)\n"
            "t.yaml:10:17: monitoring.registration: invalid registration reference \"a b\" (the reference given to "
            "D&B when the registration was made)\n"
            "t.yaml:11:3: monitoring.pull: unknown key 'pull'\n"
            "t.yaml:12:15: max_attempts: expected an integer from 1 to 100, found \"0\"\n"
            "t.yaml:13:1: consumer_id: unknown key 'consumer_id'\n");
}

TEST_F(DnbConfigTest, RequiredKeysAndShapes) {
  Parsed parsed = Parse("blocks: []\nmonitoring: on\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:1:1: missing required key 'consumer_key'\n"
            "t.yaml:1:1: missing required key 'consumer_secret'\n"
            "t.yaml:1:9: blocks: at least one data block is required (leave blocks out for the default ones)\n"
            "t.yaml:2:13: monitoring: expected a map with the key 'registration'\n");
}

TEST_F(DnbConfigTest, TheRegisteredTypeTakesNoFileRules) {
  const std::string head =
      "tenant: acme\nstate: sqlite:var/t.db\nconnectors:\n  - name: dnb\n    type: dnb\n"
      "    dnb: {consumer_key: k, consumer_secret: \"${env:DNB_TEST_SECRET}\"}\n";
  auto types = RegisteredConfigTypes();
  auto ok = config::ParseConfig(head, "t.yaml", "/etc/tributary", types);
  ASSERT_TRUE(ok.has_value()) << (ok ? "" : ok.error().front().ToString());
  EXPECT_EQ(ok->connectors[0].type, "dnb");
  auto refused = config::ParseConfig(head + "    files: [{pattern: \"*.csv\", mapping: x.yaml}]\n", "t.yaml",
                                     "/etc/tributary", types);
  ASSERT_FALSE(refused.has_value());
  ASSERT_EQ(refused.error().size(), 1u);
  EXPECT_EQ(refused.error()[0].ToString(), "t.yaml:7:12: connectors[0].files: a dnb connector takes no file rules");
}

}  // namespace
}  // namespace tributary::connectors::dnb
