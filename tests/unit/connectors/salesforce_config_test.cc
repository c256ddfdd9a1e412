// The `salesforce:` config section: defaults, overrides, and every error with its exact
// text and position.
#include <gtest/gtest.h>

#include <fstream>

#include "connectors/salesforce/salesforce_config.h"
#include "gateway/config/config_node.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors::salesforce {
namespace {

struct Parsed {
  std::unique_ptr<config::ConnectorSettings> settings;
  std::string diagnostics;
};

class SalesforceConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = dir_.File("jwt.key");
    std::ofstream(key_) << "-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----\n";
  }

  Parsed Parse(const std::string& yaml) {
    auto document = config::ConfigDocument::Parse(yaml, "t.yaml", TRIBUTARY_SOURCE_DIR "/config");
    Parsed parsed;
    parsed.settings = ParseSalesforceConfig(document->root());
    for (const auto& diagnostic : document->diagnostics()) parsed.diagnostics += diagnostic.ToString() + "\n";
    return parsed;
  }

  std::string Minimal() const {
    return "client_id: 3MVG9abc\nusername: integration@acme.com\nprivate_key_file: " + key_ +
           "\nobjects:\n  - object: Account\n    mapping: ../mappings/salesforce/account.yaml\n";
  }

  tributary::testing::TempDir dir_;
  std::string key_;
};

TEST_F(SalesforceConfigTest, Defaults) {
  Parsed parsed = Parse(Minimal());
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const SalesforceConfig&>(*parsed.settings);
  EXPECT_EQ(config.login_url, "https://login.salesforce.com");
  EXPECT_EQ(config.TokenUrl(), "https://login.salesforce.com/services/oauth2/token");
  EXPECT_EQ(config.api_version, "62.0");
  EXPECT_EQ(config.DataPath(), "/services/data/v62.0");
  EXPECT_DOUBLE_EQ(config.max_api_share, 0.1);
  EXPECT_EQ(config.bulk_threshold, 10000);
  EXPECT_EQ(config.overlap, std::chrono::minutes(5));
  EXPECT_EQ(config.page_size, 2000);
  ASSERT_EQ(config.objects.size(), 1u);
  EXPECT_EQ(config.objects[0].mapping, TRIBUTARY_SOURCE_DIR "/mappings/salesforce/account.yaml");
  EXPECT_EQ(config.MappingPaths(), std::vector<std::string>{config.objects[0].mapping});
  // The key's path is shown, never its content.
  for (const auto& [key, value] : config.DescribeFields()) EXPECT_EQ(value.find("secret-key-material"), std::string::npos);
}

TEST_F(SalesforceConfigTest, Overrides) {
  Parsed parsed = Parse(Minimal() +
                        "    where: \"Type = 'Customer'\"\n    parameters: {home_currency: CHF}\n"
                        "login_url: https://test.salesforce.com/\napi_version: \"61.0\"\nmax_api_share: 0.25\n"
                        "bulk_threshold: 500\noverlap: 2m\npage_size: 500\ntimeout: 5s\n");
  ASSERT_NE(parsed.settings, nullptr) << parsed.diagnostics;
  const auto& config = dynamic_cast<const SalesforceConfig&>(*parsed.settings);
  EXPECT_EQ(config.login_url, "https://test.salesforce.com");
  EXPECT_EQ(config.api_version, "61.0");
  EXPECT_DOUBLE_EQ(config.max_api_share, 0.25);
  EXPECT_EQ(config.bulk_threshold, 500);
  EXPECT_EQ(config.overlap, std::chrono::minutes(2));
  EXPECT_EQ(config.page_size, 500);
  EXPECT_EQ(config.http.timeout, std::chrono::seconds(5));
  EXPECT_EQ(config.objects[0].where, "Type = 'Customer'");
  EXPECT_EQ(config.objects[0].parameters.at("home_currency"), std::vector<std::string>{"CHF"});
}

TEST_F(SalesforceConfigTest, ErrorsAreReportedWithTheirPosition) {
  Parsed parsed = Parse(
      "client_id: 3MVG9abc\nusername: integration\nprivate_key_file: /nonexistent/key.pem\n"
      "api_version: v62\nmax_api_share: 0\npage_size: 5000\nlogin_url: http://example.com\nshedule: 5m\n"
      "objects:\n  - object: Account\n    mapping: ../mappings/salesforce/account.yaml\n    extra: 1\n"
      "  - object: account\n    mapping: ../mappings/salesforce/nope.yaml\n  - object: \"Bad Name\"\n"
      "    mapping: ../mappings/salesforce/contact.yaml\n");
  EXPECT_EQ(parsed.settings, nullptr);
  EXPECT_EQ(parsed.diagnostics,
            "t.yaml:7:12: login_url: use https for a non-loopback host\n"
            "t.yaml:2:11: username: invalid username \"integration\" (a Salesforce username looks like an email "
            "address)\n"
            "t.yaml:3:19: private_key_file: private key file not found or not readable: /nonexistent/key.pem\n"
            "t.yaml:4:14: api_version: invalid api_version \"v62\" (expected a version such as \"62.0\"; quote it)\n"
            "t.yaml:5:16: max_api_share: max_api_share must be more than 0\n"
            "t.yaml:12:5: objects[0].extra: unknown key 'extra'\n"
            "t.yaml:13:13: objects[1].object: object account is listed twice\n"
            "t.yaml:14:14: objects[1].mapping: mapping not found or not readable: " TRIBUTARY_SOURCE_DIR
            "/mappings/salesforce/nope.yaml\n"
            "t.yaml:15:13: objects[2].object: invalid object name \"Bad Name\" (expected an API name such as Account "
            "or blng__Invoice__c)\n"
            "t.yaml:6:12: page_size: expected an integer from 200 to 2000, found \"5000\"\n"
            "t.yaml:8:1: shedule: unknown key 'shedule'\n");
}

}  // namespace
}  // namespace tributary::connectors::salesforce
