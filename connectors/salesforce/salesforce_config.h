// Settings of the `salesforce` connector: objects of one Salesforce org read through the
// REST API (and Bulk API 2.0 for large initial loads), authenticated with the JWT bearer
// flow of a connected app. Every key is in docs/connectors/salesforce.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "connectors/kit/http_policy.h"
#include "gateway/config/config.h"

namespace tributary::connectors::salesforce {

// One synced object: its API name, the mapping its records go through, and a SOQL filter.
struct SalesforceObject {
  std::string object;   // "Account", "blng__Invoice__c"
  std::string mapping;  // absolute path of the mapping file
  std::string where;    // SOQL condition ("" = every record)
  // Overrides of the mapping's parameters (home_currency: EUR).
  std::map<std::string, std::vector<std::string>> parameters;
};

// The `salesforce:` section of a connector. A plain value, immutable after loading.
struct SalesforceConfig : config::ConnectorSettings {
  std::string login_url = "https://login.salesforce.com";
  std::string client_id;         // the connected app's consumer key
  std::string username;          // the integration user
  std::string private_key_file;  // absolute; PEM RSA key that signs the JWT assertions
  std::string api_version = "62.0";
  double max_api_share = 0.1;    // of the org's daily API requests
  std::vector<SalesforceObject> objects;
  int64_t bulk_threshold = 10000;  // records from which an initial load uses Bulk API 2.0
  std::chrono::milliseconds overlap{5 * 60 * 1000};  // how far before its mark a pass reads again
  int page_size = 2000;          // Sforce-Query-Options batchsize
  // Salesforce counts requests per day, not per minute: no rate limit by default, 25
  // requests in flight (the org's long-running request ceiling).
  kit::HttpPolicy http{.budget = {.per_minute = 0, .max_in_flight = 25, .per_day = 0}};

  [[nodiscard]] std::string TokenUrl() const { return login_url + "/services/oauth2/token"; }
  // "/services/data/v62.0" (the target prefix of every API call).
  [[nodiscard]] std::string DataPath() const { return "/services/data/v" + api_version; }
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> DescribeFields() const override;
  [[nodiscard]] std::vector<std::string> MappingPaths() const override;
  [[nodiscard]] std::vector<config::LocalPath> LocalPaths() const override;
};

// Parses a `salesforce:` section. Reports every problem through `section` and returns
// nullptr when the section is unusable.
std::unique_ptr<SalesforceConfig> ParseSalesforceConfig(config::ConfigNode section);

}  // namespace tributary::connectors::salesforce
