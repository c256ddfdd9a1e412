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
  void SetUp() override {
    ::setenv("ALLIANZ_TEST_LOGIN", "api-login-7", 1);
    ::setenv("ALLIANZ_TEST_PASSWORD", "s3cret:Pass", 1);
  }
  void TearDown() override {
    ::unsetenv("ALLIANZ_TEST_LOGIN");
    ::unsetenv("ALLIANZ_TEST_PASSWORD");
  }
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
      "login: ${env:ALLIANZ_TEST_LOGIN}\npassword: ${env:ALLIANZ_TEST_PASSWORD}\n"
      "base_url: https://api-services.uat.1placedessaisons.com/uatm/\nauth_url: http://127.0.0.1:9000\n"
      "policy:\n  id: P1000932\n  business_unit_code: ACI2\n  currencies: [EUR, USD, GBP]\n  amount_step: 1000\n"
      "decision_poll: 1h\nfull_sync_every: 12h\nworkers: 4\ntimeout: 5s\nmax_attempts: 3\n");
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const AllianzTradeConfig&>(*parsed.settings);
  EXPECT_EQ(config.login.value, "api-login-7");
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
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:1:8: login: login must not contain ':'\n"
            "t.yaml:2:11: password: password must not be empty\n"
            "t.yaml:3:11: base_url: use https for a non-loopback host\n"
            "t.yaml:4:11: auth_url: invalid URL (expected https://HOST[:PORT][/PATH])\n"
            "t.yaml:6:7: policy.id: invalid policy id \"P 1\" (expected letters and digits)\n"
            "t.yaml:7:23: policy.business_unit_code: invalid business unit code \"A.C.I\" (expected letters and "
            "digits, e.g. ACI)\n"
            "t.yaml:8:21: policy.currencies[1]: \"EURO\" is not an ISO 4217 currency code\n"
            "t.yaml:8:27: policy.currencies[2]: currency EUR is listed twice\n"
            "t.yaml:9:16: policy.amount_step: expected an integer from 1 to 1000000, found \"0\"\n"
            "t.yaml:10:3: policy.extension: unknown key 'extension'\n"
            "t.yaml:11:16: decision_poll: decision_poll must be at least 1s\n"
            "t.yaml:12:18: full_sync_every: invalid duration \"often\" (expected a number with ms, s, m, h or d, "
            "e.g. 30s)\n"
            "t.yaml:13:10: workers: expected an integer from 1 to 16, found \"0\"\n"
            "t.yaml:14:15: max_attempts: expected an integer from 1 to 100, found \"0\"\n"
            "t.yaml:15:1: customer_id: unknown key 'customer_id'\n");
  // The secret values are never quoted back.
  EXPECT_EQ(parsed.diagnostics.find("api:login"), std::string::npos);
}

TEST_F(AllianzTradeConfigTest, MissingKeys) {
  Parsed parsed = Parse("base_url: https://api.eulerhermes.com\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:1:1: missing required key 'login'\n"
            "t.yaml:1:1: missing required key 'password'\n"
            "t.yaml:1:1: missing required key 'policy'\n");
}

TEST_F(AllianzTradeConfigTest, PolicyShapes) {
  Parsed parsed = Parse(Minimal().substr(0, Minimal().find("policy:")) + "policy: 5121840\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:3:9: policy: expected a map with id (and optionally business_unit_code, currencies, "
            "amount_step)\n");
  parsed = Parse(Minimal() + "  currencies: EUR\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:5:15: policy.currencies: expected a list of ISO 4217 currency codes, e.g. [EUR, USD]\n");
  parsed = Parse(Minimal() + "  currencies: []\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics, "t.yaml:5:15: policy.currencies: currencies must list at least one currency\n");
}

}  // namespace
}  // namespace tributary::connectors::allianz_trade
