// The `atradius:` config section: defaults, overrides, and every error with its exact text
// and position.
#include <gtest/gtest.h>

#include <cstdlib>

#include "connectors/atradius/atradius_config.h"
#include "connectors/kit/connector.h"
#include "gateway/config/config_node.h"

namespace tributary::connectors::atradius {
namespace {

struct Parsed {
  std::unique_ptr<config::ConnectorSettings> settings;
  std::string diagnostics;
};

Parsed Parse(const std::string& yaml) {
  auto document = config::ConfigDocument::Parse(yaml, "t.yaml", TRIBUTARY_SOURCE_DIR "/config");
  Parsed parsed;
  parsed.settings = ParseAtradiusConfig(document->root());
  for (const auto& diagnostic : document->diagnostics()) parsed.diagnostics += diagnostic.ToString() + "\n";
  return parsed;
}

class AtradiusConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("ATRADIUS_TEST_APP_KEY", "app-key-s3cret", 1);
    ::setenv("ATRADIUS_TEST_SECRET", "client-s3cret", 1);
  }
  void TearDown() override {
    ::unsetenv("ATRADIUS_TEST_APP_KEY");
    ::unsetenv("ATRADIUS_TEST_SECRET");
  }
  static std::string Minimal() {
    return "api_key: ${env:ATRADIUS_TEST_APP_KEY}\nclient_id: tributary-client\n"
           "client_secret: ${env:ATRADIUS_TEST_SECRET}\ncustomer_id: 1234567\n"
           "policy:\n  id: 5012345\n  currencies: [EUR]\n";
  }
};

TEST_F(AtradiusConfigTest, Defaults) {
  Parsed parsed = Parse(Minimal());
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const AtradiusConfig&>(*parsed.settings);
  EXPECT_EQ(config.api_key.value, "app-key-s3cret");
  EXPECT_EQ(config.client_id, "tributary-client");
  EXPECT_EQ(config.client_secret.value, "client-s3cret");
  EXPECT_EQ(config.customer_id, "1234567");
  EXPECT_EQ(config.base_url, "https://api.atradius.com");
  EXPECT_EQ(config.AuthBase(), "https://api.atradius.com");
  EXPECT_EQ(config.rules.policy, "5012345");
  EXPECT_EQ(config.rules.currencies, std::vector<std::string>{"EUR"});
  EXPECT_EQ(config.rules.amount_step, 1000);
  EXPECT_EQ(config.decision_poll, std::chrono::minutes(15));
  EXPECT_EQ(config.full_sync_every, std::chrono::hours(24));
  EXPECT_EQ(config.workers, 2);
  EXPECT_EQ(config.http.max_attempts, 5);
  // Both secrets are redacted wherever the config is shown.
  for (const auto& [key, value] : config.DescribeFields()) {
    EXPECT_EQ(value.find("app-key-s3cret"), std::string::npos) << key;
    EXPECT_EQ(value.find("client-s3cret"), std::string::npos) << key;
  }
  const auto fields = config.DescribeFields();
  EXPECT_EQ(fields[0], (std::pair<std::string, std::string>{"api_key", "${env:ATRADIUS_TEST_APP_KEY} (redacted)"}));
  EXPECT_EQ(fields[6], (std::pair<std::string, std::string>{"policy", "5012345 (EUR; amounts in multiples of 1000)"}));
}

TEST_F(AtradiusConfigTest, Overrides) {
  Parsed parsed = Parse(Minimal() +
                        "  amount_step: 500\nbase_url: https://api-uat.atradius.com/\n"
                        "auth_url: http://127.0.0.1:9000\ndecision_poll: 1h\nfull_sync_every: 12h\nworkers: 4\n"
                        "timeout: 5s\nmax_attempts: 3\nmax_requests_per_minute: 60\n");
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const AtradiusConfig&>(*parsed.settings);
  EXPECT_EQ(config.base_url, "https://api-uat.atradius.com");
  EXPECT_EQ(config.AuthBase(), "http://127.0.0.1:9000");
  EXPECT_EQ(config.rules.amount_step, 500);
  EXPECT_EQ(config.decision_poll, std::chrono::hours(1));
  EXPECT_EQ(config.full_sync_every, std::chrono::hours(12));
  EXPECT_EQ(config.workers, 4);
  EXPECT_EQ(config.http.timeout, std::chrono::seconds(5));
  EXPECT_EQ(config.http.max_attempts, 3);
  EXPECT_EQ(config.http.budget.per_minute, 60);
}

TEST_F(AtradiusConfigTest, SeveralCurrencies) {
  Parsed parsed = Parse(Minimal().substr(0, Minimal().find("  currencies")) + "  currencies: [EUR, GBP, USD]\n");
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const AtradiusConfig&>(*parsed.settings);
  EXPECT_EQ(config.rules.currencies, (std::vector<std::string>{"EUR", "GBP", "USD"}));
}

TEST_F(AtradiusConfigTest, ErrorsAreReportedWithTheirPosition) {
  Parsed parsed = Parse(
      "api_key: ''\n"
      "client_id: ''\n"
      "client_secret: ${env:ATRADIUS_TEST_SECRET}\n"
      "customer_id: 12 34\n"
      "base_url: http://api.atradius.com\n"
      "auth_url: ftp://x\n"
      "policy:\n  id: 'P/1'\n  currencies: [EUR, eur, EUR, XAU]\n  amount_step: 0\n  currency: EUR\n"
      "decision_poll: 10s\n"
      "full_sync_every: 30m\n"
      "workers: 0\n"
      "max_attempts: 0\n"
      "businessUnitCode: ACI\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:1:10: api_key: api_key must not be empty\n"
            "t.yaml:2:12: client_id: client_id must not be empty\n"
            "t.yaml:4:14: customer_id: invalid customer id \"12 34\" (expected letters, digits, '-' or '_')\n"
            "t.yaml:5:11: base_url: use https for a non-loopback host\n"
            "t.yaml:6:11: auth_url: invalid URL (expected https://HOST[:PORT][/PATH])\n"
            "t.yaml:8:7: policy.id: invalid policy id \"P/1\" (expected letters, digits, '-' or '_')\n"
            "t.yaml:9:21: policy.currencies[1]: invalid currency \"eur\" (expected an ISO 4217 code such as EUR)\n"
            "t.yaml:9:26: policy.currencies[2]: currency EUR is listed twice\n"
            "t.yaml:9:31: policy.currencies[3]: invalid currency \"XAU\" (expected an ISO 4217 code such as EUR)\n"
            "t.yaml:10:16: policy.amount_step: expected an integer from 1 to 1000000, found \"0\"\n"
            "t.yaml:11:3: policy.currency: unknown key 'currency'\n"
            "t.yaml:12:16: decision_poll: decision_poll must be at least 1m\n"
            "t.yaml:13:18: full_sync_every: full_sync_every must be at least 1h\n"
            "t.yaml:14:10: workers: expected an integer from 1 to 16, found \"0\"\n"
            "t.yaml:15:15: max_attempts: expected an integer from 1 to 100, found \"0\"\n"
            "t.yaml:16:1: businessUnitCode: unknown key 'businessUnitCode'\n");
  // The secret values are never quoted back.
  EXPECT_EQ(parsed.diagnostics.find("client-s3cret"), std::string::npos);
}

TEST_F(AtradiusConfigTest, MissingKeys) {
  Parsed parsed = Parse("base_url: https://api.atradius.com\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:1:1: missing required key 'api_key'\n"
            "t.yaml:1:1: missing required key 'client_id'\n"
            "t.yaml:1:1: missing required key 'client_secret'\n"
            "t.yaml:1:1: missing required key 'customer_id'\n"
            "t.yaml:1:1: missing required key 'policy'\n");
}

TEST_F(AtradiusConfigTest, PolicyProblems) {
  const std::string head = Minimal().substr(0, Minimal().find("policy:"));
  Parsed not_a_map = Parse(head + "policy: 5012345\n");
  EXPECT_EQ(not_a_map.settings, nullptr);
  EXPECT_EQ(not_a_map.diagnostics, "t.yaml:5:9: policy: expected a map with id and currencies\n");
  Parsed empty = Parse(head + "policy:\n  currencies: []\n");
  EXPECT_EQ(empty.settings, nullptr);
  EXPECT_EQ(empty.diagnostics,
            "t.yaml:6:3: policy: missing required key 'id'\n"
            "t.yaml:6:15: policy.currencies: at least one currency is required (the currencies the policy covers)\n");
  Parsed no_currencies = Parse(head + "policy:\n  id: 5012345\n");
  EXPECT_EQ(no_currencies.settings, nullptr);
  EXPECT_EQ(no_currencies.diagnostics, "t.yaml:6:3: policy: missing required key 'currencies'\n");
}

TEST_F(AtradiusConfigTest, AMissingSecretFileIsReportedAtItsValue) {
  Parsed parsed = Parse("api_key: ${file:/nonexistent/atradius-key}\n" + Minimal().substr(Minimal().find('\n') + 1));
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_NE(parsed.diagnostics.find("t.yaml:1:10: api_key: "), std::string::npos) << parsed.diagnostics;
}

TEST_F(AtradiusConfigTest, TheRegisteredTypeTakesNoFileRules) {
  const std::string head =
      "tenant: acme\nstate: sqlite:var/t.db\nconnectors:\n  - name: atradius\n    type: atradius\n"
      "    atradius: {api_key: \"${env:ATRADIUS_TEST_APP_KEY}\", client_id: c, client_secret: \"${env:ATRADIUS_TEST_SECRET}\", "
      "customer_id: \"1\", policy: {id: \"2\", currencies: [EUR]}}\n";
  auto types = RegisteredConfigTypes();
  auto ok = config::ParseConfig(head, "t.yaml", "/etc/tributary", types);
  ASSERT_TRUE(ok.has_value()) << (ok ? "" : ok.error().front().ToString());
  EXPECT_EQ(ok->connectors[0].type, "atradius");
  auto refused = config::ParseConfig(head + "    files: [{pattern: \"*.csv\", mapping: x.yaml}]\n", "t.yaml",
                                     "/etc/tributary", types);
  ASSERT_FALSE(refused.has_value());
  ASSERT_EQ(refused.error().size(), 1u);
  EXPECT_EQ(refused.error()[0].ToString(), "t.yaml:7:12: connectors[0].files: a atradius connector takes no file rules");
}

}  // namespace
}  // namespace tributary::connectors::atradius
