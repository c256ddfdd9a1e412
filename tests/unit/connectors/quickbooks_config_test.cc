// The `quickbooks:` config section: defaults, overrides, and every error with its position.
#include <gtest/gtest.h>

#include <cstdlib>

#include "connectors/kit/connector.h"
#include "connectors/quickbooks/quickbooks_config.h"
#include "gateway/config/config_node.h"

namespace tributary::connectors::quickbooks {
namespace {

struct Parsed {
  std::unique_ptr<config::ConnectorSettings> settings;
  std::string diagnostics;
};

Parsed Parse(const std::string& yaml) {
  auto document = config::ConfigDocument::Parse(yaml, "t.yaml", TRIBUTARY_SOURCE_DIR "/config");
  Parsed parsed;
  parsed.settings = ParseQuickBooksConfig(document->root());
  for (const auto& diagnostic : document->diagnostics()) parsed.diagnostics += diagnostic.ToString() + "\n";
  return parsed;
}

constexpr const char* kMinimal =
    "realm_id: \"9130357785543026\"\nclient_id: ABcd\nclient_secret: inline-secret\n"
    "mappings_dir: ../mappings/quickbooks\n";

TEST(QuickBooksConfig, Defaults) {
  Parsed parsed = Parse(kMinimal);
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const QuickBooksConfig&>(*parsed.settings);
  EXPECT_EQ(config.realm_id, "9130357785543026");
  EXPECT_EQ(config.environment, "production");
  EXPECT_EQ(config.base_url, "https://quickbooks.api.intuit.com");
  EXPECT_EQ(config.token_url, "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer");
  EXPECT_EQ(config.authorize_url, "https://appcenter.intuit.com/connect/oauth2");
  EXPECT_EQ(config.minorversion, 75);
  EXPECT_EQ(config.entities, (std::vector<std::string>{"Customer", "Invoice", "CreditMemo", "Payment"}));
  EXPECT_EQ(config.MappingPath("CreditMemo"), TRIBUTARY_SOURCE_DIR "/mappings/quickbooks/credit_memo.yaml");
  EXPECT_EQ(config.page_size, 1000);
  EXPECT_EQ(config.http.budget.per_minute, 500);
  EXPECT_EQ(config.http.budget.max_in_flight, 10);
  EXPECT_FALSE(config.webhook_verifier_token);
  // Secrets never appear in the description.
  for (const auto& [key, value] : config.DescribeFields()) EXPECT_EQ(value.find("inline-secret"), std::string::npos);
}

TEST(QuickBooksConfig, SandboxOverridesAndEntityOrder) {
  setenv("QBO_TEST_VERIFIER", "verifier", 1);
  Parsed parsed = Parse(std::string(kMinimal) +
                        "environment: sandbox\nentities: [Payment, Invoice]\nminorversion: 80\n"
                        "webhook_verifier_token: ${env:QBO_TEST_VERIFIER}\nredirect_uri: https://gw.example.com/oauth/callback\n"
                        "token_url: http://127.0.0.1:9/token\npage_size: 10\nbackoff: 10ms\nmax_backoff: 20ms\n");
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const QuickBooksConfig&>(*parsed.settings);
  EXPECT_EQ(config.base_url, "https://sandbox-quickbooks.api.intuit.com");
  EXPECT_EQ(config.token_url, "http://127.0.0.1:9/token");
  EXPECT_EQ(config.entities, (std::vector<std::string>{"Invoice", "Payment"}));  // applied in a fixed order
  EXPECT_EQ(config.minorversion, 80);
  EXPECT_EQ(config.webhook_verifier_token->value, "verifier");
  EXPECT_EQ(config.MappingPaths().size(), 2u);
}

TEST(QuickBooksConfig, EveryProblemAtOnce) {
  Parsed parsed = Parse(
      "realm_id: 12ab\nclient_id: \"\"\nenvironment: staging\nbase_url: http://quickbooks.example.com\n"
      "minorversion: 65\nentities: [Invoice, Bill, Invoice]\nmappings_dir: /nonexistent\nshedule: 1s\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:1:11: realm_id: invalid realm_id \"12ab\" (expected the company id, digits only, e.g. "
            "\"9130357785543026\"; quote it)\n"
            "t.yaml:2:12: client_id: client_id must not be empty\n"
            "t.yaml:1:1: missing required key 'client_secret'\n"
            "t.yaml:3:14: environment: \"staging\" is not one of: production, sandbox\n"
            "t.yaml:4:11: base_url: use https for a non-loopback host\n"
            "t.yaml:5:15: minorversion: expected an integer from 75 to 999, found \"65\"\n"
            "t.yaml:6:21: entities[1]: unknown QuickBooks entity \"Bill\" (known: Customer, Invoice, CreditMemo, Payment)\n"
            "t.yaml:6:27: entities[2]: entity Invoice is listed twice\n"
            "t.yaml:8:1: shedule: unknown key 'shedule'\n");
}

TEST(QuickBooksConfig, MissingMappingFilesAreNamed) {
  Parsed parsed = Parse(
      "realm_id: \"1\"\nclient_id: a\nclient_secret: b\nmappings_dir: /nonexistent\nentities: [Invoice]\n");
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:4:15: mappings_dir: mapping of Invoice not found or not readable: /nonexistent/invoice.yaml\n");
}

}  // namespace
}  // namespace tributary::connectors::quickbooks

namespace tributary::connectors::quickbooks {
namespace {

TEST(QuickBooksConfig, AQuickBooksConnectorTakesNoFileRules) {
  const std::string head =
      "tenant: acme\nstate: sqlite:var/t.db\nconnectors:\n  - name: qbo\n    type: quickbooks\n"
      "    quickbooks: {realm_id: \"1\", client_id: a, client_secret: b, mappings_dir: ../mappings/quickbooks}\n";
  auto types = RegisteredConfigTypes();
  auto ok = config::ParseConfig(head, "t.yaml", TRIBUTARY_SOURCE_DIR "/config", types);
  ASSERT_TRUE(ok.has_value()) << (ok ? "" : ok.error().front().ToString());
  EXPECT_TRUE(ok->connectors[0].files.empty());
  auto refused = config::ParseConfig(head + "    files: [{pattern: \"*.csv\", mapping: x.yaml}]\n", "t.yaml",
                                     TRIBUTARY_SOURCE_DIR "/config", types);
  ASSERT_FALSE(refused.has_value());
  ASSERT_EQ(refused.error().size(), 1u);
  EXPECT_EQ(refused.error()[0].ToString(), "t.yaml:7:12: connectors[0].files: a quickbooks connector takes no file rules");
}

}  // namespace
}  // namespace tributary::connectors::quickbooks
