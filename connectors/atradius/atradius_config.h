// Settings of the `atradius` connector: credit limits (covers) requested from Atradius
// through its Atrium API, under one policy of one Atradius customer. Every key is in
// docs/connectors/atradius.md.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "connectors/kit/http_policy.h"
#include "connectors/kit/insurer_provider.h"
#include "gateway/config/config.h"
#include "gateway/config/config_node.h"

namespace tributary::connectors::atradius {

// The `atradius:` section of a connector. A plain value, immutable after loading.
struct AtradiusConfig : config::ConnectorSettings {
  config::Secret api_key;  // the application's Atradius-App-Key, sent with every call
  std::string client_id;   // the API client's id (Basic authentication of the token call)
  config::Secret client_secret;
  std::string customer_id;  // the insured's Atradius customer id (customerId)
  std::string base_url = "https://api.atradius.com";
  std::string auth_url;  // where the token call goes; "" = base_url
  // The policy block: policy id, the currencies it covers, the amount step (Atradius takes
  // multiples of 1000).
  kit::InsurerRules rules{.policy = "", .currencies = {}, .amount_step = 1000};
  std::chrono::seconds decision_poll{std::chrono::minutes(15)};
  std::chrono::seconds full_sync_every{std::chrono::hours(24)};
  int workers = 2;
  kit::HttpPolicy http{.max_attempts = 5};

  [[nodiscard]] std::string AuthBase() const { return auth_url.empty() ? base_url : auth_url; }
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> DescribeFields() const override;
  [[nodiscard]] std::vector<config::LocalPath> LocalPaths() const override { return http.LocalPaths(); }
};

// Parses an `atradius:` section. Reports every problem through `section` and returns
// nullptr when the section is unusable.
std::unique_ptr<AtradiusConfig> ParseAtradiusConfig(config::ConfigNode section);

}  // namespace tributary::connectors::atradius
