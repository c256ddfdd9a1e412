// The `allianz_trade:` config section: defaults, overrides, and every error with its exact
// text and position.
#include <gtest/gtest.h>

#include <cstdlib>

#include "connectors/allianz_trade/allianz_trade_config.h"
#include "gateway/config/config_node.h"

namespace tributary::connectors::allianz_trade {
namespace {

struct Parsed {
  std::unique_ptr<config::ConnectorSettings> settings;
  std::string diagnostics;
};

Parsed Parse(const std::string& yaml) {
  auto document = config::ConfigDocument::Parse(yaml, "t.yaml", TRIBUTARY_SOURCE_DIR "/config");
  Parsed parsed;
  parsed.settings = ParseAllianzTradeConfig(document->root());
  for (const auto& diagnostic : document->diagnostics()) parsed.diagnostics += diagnostic.ToString() + "\n";
  return parsed;
}

class AllianzTradeConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("ALLIANZ_TEST_PASSWORD", "s3cret:Pass", 1); }
  void TearDown() override { ::unsetenv("ALLIANZ_TEST_PASSWORD"); }
  static std::string Minimal() {
    return "login: api-login@example.com\npassword: ${env:ALLIANZ_TEST_PASSWORD}\npolicy:\n  id: \"5121840\"\n";
  }
};

TEST_F(AllianzTradeConfigTest, Defaults) {
  Parsed parsed = Parse(Minimal());
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const AllianzTradeConfig&>(*parsed.settings);
  EXPECT_EQ(config.login.value, "api-login@example.com");
  EXPECT_EQ(config.password.value, "s3cret:Pass");
  EXPECT_EQ(config.base_url, "https://api.eulerhermes.com");
  EXPECT_EQ(config.AuthBase(), "https://api.eulerhermes.com");
  EXPECT_EQ(config.policy.rules.policy, "5121840");
  EXPECT_EQ(config.policy.business_unit_code, "ACI");
  EXPECT_EQ(config.policy.rules.currencies, std::vector<std::string>{"EUR"});
  EXPECT_EQ(config.policy.rules.amount_step, 1);
  EXPECT_EQ(config.decision_poll, std::chrono::minutes(15));
  EXPECT_EQ(config.full_sync_every, std::chrono::hours(24));
  EXPECT_EQ(config.workers, 2);
  EXPECT_EQ(config.http.max_attempts, 5);
  // The password is redacted wherever the config is shown.
  for (const auto& [key, value] : config.DescribeFields()) {
    EXPECT_EQ(value.find("s3cret"), std::string::npos) << key;
  }
}

TEST_F(AllianzTradeConfigTest, Overrides) {
  Parsed parsed = Parse(
      "login: ${env:ALLIANZ_TEST_PASSWORD}\npassword: ${env:ALLIANZ_TEST_PASSWORD}\n"
      "base_url: https://api-services.uat.1placedessaisons.com/uatm/\nauth_url: http://127.0.0.1:9000\n"
      "policy:\n  id: P1000932\n  business_unit_code: ACI2\n  currencies: [EUR, USD, GBP]\n  amount_step: 1000\n"
      "decision_poll: 1h\nfull_sync_every: 12h\nworkers: 4\ntimeout: 5s\nmax_attempts: 3\n");
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const AllianzTradeConfig&>(*parsed.settings);
  EXPECT_EQ(config.base_url, "https://api-services.uat.1placedessaisons.com/uatm");
  EXPECT_EQ(config.AuthBase(), "http://127.0.0.1:9000");
  EXPECT_EQ(config.policy.rules.policy, "P1000932");
  EXPECT_EQ(config.policy.business_unit_code, "ACI2");
  EXPECT_EQ(config.policy.rules.currencies, (std::vector<std::string>{"EUR", "USD", "GBP"}));
  EXPECT_EQ(config.policy.rules.amount_step, 1000);
  EXPECT_EQ(config.decision_poll, std::chrono::hours(1));
  EXPECT_EQ(config.full_sync_every, std::chrono::hours(12));
  EXPECT_EQ(config.workers, 4);
  EXPECT_EQ(config.http.timeout, std::chrono::seconds(5));
  EXPECT_EQ(config.http.max_attempts, 3);
  for (const auto& [key, value] : config.DescribeFields()) {
    EXPECT_EQ(value.find("s3cret"), std::string::npos) << key;
  }
}

TEST_F(AllianzTradeConfigTest, ErrorsAreReportedWithTheirPosition) {
  Parsed parsed = Parse(
      "login: 'api:login'\n"
      "password: ''\n"
      "base_url: http://api.eulerhermes.com\n"
      "auth_url: ftp://x\n"
      "policy:\n  id: 'P 1'\n  business_unit_code: A.C.I\n  currencies: [EUR, EURO, EUR]\n  amount_step: 0\n"
      "  extension: 1\n"
      "decision_poll: 500ms\n"
      "full_sync_every: often\n"
      "workers: 0\n"
      "max_attempts: 0\n"
      "customer_id: 7\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics, "");
  // The secret values are never quoted back.
  EXPECT_EQ(parsed.diagnostics.find("api:login"), std::string::npos);
}

TEST_F(AllianzTradeConfigTest, MissingKeys) {
  Parsed parsed = Parse("base_url: https://api.eulerhermes.com\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics, "");
}

TEST_F(AllianzTradeConfigTest, PolicyShapes) {
  Parsed parsed = Parse(Minimal().substr(0, Minimal().find("policy:")) + "policy: 5121840\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics, "");
  parsed = Parse(Minimal() + "  currencies: EUR\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics, "");
  parsed = Parse(Minimal() + "  currencies: []\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics, "");
}

}  // namespace
}  // namespace tributary::connectors::allianz_trade
