// The `creditsafe:` config section: defaults, overrides, and every error with its exact
// text and position.
#include <gtest/gtest.h>

#include <cstdlib>

#include "connectors/creditsafe/creditsafe_config.h"
#include "gateway/config/config_node.h"

namespace tributary::connectors::creditsafe {
namespace {

struct Parsed {
  std::unique_ptr<config::ConnectorSettings> settings;
  std::string diagnostics;
};

Parsed Parse(const std::string& yaml) {
  auto document = config::ConfigDocument::Parse(yaml, "t.yaml", TRIBUTARY_SOURCE_DIR "/config");
  Parsed parsed;
  parsed.settings = ParseCreditsafeConfig(document->root());
  for (const auto& diagnostic : document->diagnostics()) parsed.diagnostics += diagnostic.ToString() + "\n";
  return parsed;
}

class CreditsafeConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("CREDITSAFE_TEST_PASSWORD", "s3cret-Pass", 1); }
  void TearDown() override { ::unsetenv("CREDITSAFE_TEST_PASSWORD"); }
  static std::string Minimal() { return "username: user-key\npassword: ${env:CREDITSAFE_TEST_PASSWORD}\n"; }
};

TEST_F(CreditsafeConfigTest, Defaults) {
  ::setenv("CREDITSAFE_TEST_USER", "api-user-key", 1);
  Parsed parsed = Parse("username: ${env:CREDITSAFE_TEST_USER}\n" + Minimal().substr(Minimal().find('\n') + 1));
  ::unsetenv("CREDITSAFE_TEST_USER");
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const CreditsafeConfig&>(*parsed.settings);
  EXPECT_EQ(config.username.value, "api-user-key");
  EXPECT_EQ(config.password.value, "s3cret-Pass");
  EXPECT_EQ(config.base_url, "https://connect.creditsafe.com/v1");
  EXPECT_EQ(config.AuthenticateUrl(), "https://connect.creditsafe.com/v1/authenticate");
  EXPECT_EQ(config.language, "en");
  EXPECT_EQ(config.cache_for, std::chrono::hours(24 * 7));
  EXPECT_FALSE(config.monitoring.has_value());
  EXPECT_EQ(config.http.max_attempts, 5);
  // Both credentials are redacted wherever the config is shown.
  for (const auto& [key, value] : config.DescribeFields()) {
    EXPECT_EQ(value.find("s3cret-Pass"), std::string::npos) << key;
    EXPECT_EQ(value.find("api-user-key"), std::string::npos) << key;
  }
}

TEST_F(CreditsafeConfigTest, Overrides) {
  Parsed parsed = Parse(
      "username: user-key\npassword: ${env:CREDITSAFE_TEST_PASSWORD}\n"
      "base_url: https://connect.sandbox.creditsafe.com/v1/\nauth_url: http://127.0.0.1:9000/v1\nlanguage: fr\n"
      "cache_for: 1d\nmonitoring:\n  portfolio_id: 131318\n  page_size: 200\ntimeout: 5s\nmax_attempts: 3\n"
      "max_requests_per_minute: 60\n");
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const CreditsafeConfig&>(*parsed.settings);
  EXPECT_EQ(config.base_url, "https://connect.sandbox.creditsafe.com/v1");
  EXPECT_EQ(config.AuthenticateUrl(), "http://127.0.0.1:9000/v1/authenticate");
  EXPECT_EQ(config.language, "fr");
  EXPECT_EQ(config.cache_for, std::chrono::hours(24));
  ASSERT_TRUE(config.monitoring.has_value());
  EXPECT_EQ(config.monitoring->portfolio_id, 131318);
  EXPECT_EQ(config.monitoring->page_size, 200);
  EXPECT_EQ(config.http.timeout, std::chrono::seconds(5));
  EXPECT_EQ(config.http.max_attempts, 3);
  EXPECT_EQ(config.http.budget.per_minute, 60);
}

TEST_F(CreditsafeConfigTest, ErrorsAreReportedWithTheirPosition) {
  Parsed parsed = Parse(
      "username: a-user-key-that-is-far-too-long-for-creditsafe\n"
      "password: ''\n"
      "base_url: http://connect.creditsafe.com/v1\n"
      "auth_url: ftp://x\n"
      "language: english\n"
      "cache_for: soon\n"
      "monitoring:\n  portfolio: 1\n  page_size: 5000\n"
      "max_attempts: 0\n"
      "sandbox: true\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:1:11: username: username is longer than Creditsafe's 30 characters (46)\n"
            "t.yaml:2:11: password: password must not be empty\n"
            "t.yaml:3:11: base_url: use https for a non-loopback host\n"
            "t.yaml:4:11: auth_url: invalid URL (expected https://HOST[:PORT][/PATH])\n"
            "t.yaml:5:11: language: invalid language \"english\" (expected a two-letter code such as en, fr, de)\n"
            "t.yaml:6:12: cache_for: invalid duration \"soon\" (expected a number with ms, s, m, h or d, e.g. 30s)\n"
            "t.yaml:8:3: monitoring: missing required key 'portfolio_id'\n"
            "t.yaml:9:14: monitoring.page_size: expected an integer from 1 to 1000, found \"5000\"\n"
            "t.yaml:8:3: monitoring.portfolio: unknown key 'portfolio'\n"
            "t.yaml:10:15: max_attempts: expected an integer from 1 to 100, found \"0\"\n"
            "t.yaml:11:1: sandbox: unknown key 'sandbox'\n");
  // The secret values are never quoted back.
  EXPECT_EQ(parsed.diagnostics.find("a-user-key-that-is"), std::string::npos);
}

TEST_F(CreditsafeConfigTest, MissingCredentials) {
  Parsed parsed = Parse("language: en\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:1:1: missing required key 'username'\n"
            "t.yaml:1:1: missing required key 'password'\n");
}

TEST_F(CreditsafeConfigTest, SmallerProblems) {
  Parsed parsed = Parse(Minimal() + "cache_for: 500ms\nmonitoring:\n  portfolio_id: 0\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:3:12: cache_for: cache_for must be at least 1s\n"
            "t.yaml:5:17: monitoring.portfolio_id: expected an integer from 1 to 9007199254740992, found \"0\"\n");
}

TEST_F(CreditsafeConfigTest, MonitoringMustBeAMap) {
  Parsed parsed = Parse(Minimal() + "monitoring: 131318\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics, "t.yaml:3:13: monitoring: expected a map with portfolio_id\n");
}

}  // namespace
}  // namespace tributary::connectors::creditsafe
