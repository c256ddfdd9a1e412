// Settings of the `quickbooks` connector: one QuickBooks Online company (realm) synced
// through Intuit's Accounting API v3.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/kit/http_policy.h"
#include "gateway/config/config.h"

namespace tributary::connectors::quickbooks {

// The QuickBooks entities the connector can sync, in the order changes are applied
// (customers before what they owe, payments last).
inline constexpr std::string_view kKnownEntities[] = {"Customer", "Invoice", "CreditMemo", "Payment"};

// The `quickbooks:` section of a connector. A plain value, immutable after loading.
struct QuickBooksConfig : config::ConnectorSettings {
  std::string realm_id;
  std::string client_id;
  config::Secret client_secret;
  std::string environment = "production";  // production | sandbox
  std::string redirect_uri;                 // as registered in the Intuit app
  std::string base_url;       // API root without /v3, e.g. https://quickbooks.api.intuit.com
  std::string token_url;      // the OAuth token endpoint
  std::string authorize_url;  // the OAuth consent page
  int minorversion = 75;
  std::optional<config::Secret> webhook_verifier_token;
  std::vector<std::string> entities;  // in kKnownEntities order
  std::string mappings_dir;           // absolute; holds <entity>.yaml (customer.yaml, credit_memo.yaml, …)
  int page_size = 1000;               // MAXRESULTS of the initial load and the sweep
  // TLS trust, timeout, retries; the budget defaults to Intuit's limits per realm and app
  // (500 requests a minute, 10 in flight).
  kit::HttpPolicy http{.budget = {.per_minute = 500, .max_in_flight = 10, .per_day = 0}};

  // The mapping file of `entity` ("CreditMemo" -> <mappings_dir>/credit_memo.yaml).
  [[nodiscard]] std::string MappingPath(std::string_view entity) const;
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> DescribeFields() const override;
  [[nodiscard]] std::vector<config::LocalPath> LocalPaths() const override { return http.LocalPaths(); }
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> DescribeOwnFields() const;
  [[nodiscard]] std::vector<std::string> MappingPaths() const override;
};

// "CreditMemo" -> "credit_memo".
std::string SnakeCase(std::string_view entity);

// Parses a `quickbooks:` section (every key is in docs/connectors/quickbooks.md). Reports
// every problem through `section` and returns nullptr when the section is unusable.
std::unique_ptr<QuickBooksConfig> ParseQuickBooksConfig(config::ConfigNode section);

}  // namespace tributary::connectors::quickbooks
