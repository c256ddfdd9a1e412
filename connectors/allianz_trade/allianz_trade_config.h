// Settings of the `allianz_trade` connector: credit limits (covers) requested from and
// read at Allianz Trade (ex Euler Hermes) under one policy, logged in with the account's
// API login and password. Every key is in docs/connectors/allianz-trade.md.
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

namespace tributary::connectors::allianz_trade {

// The `policy:` block: the policy covers are requested under, as Allianz Trade identifies
// it (policy id + business unit code), and the rules the kit checks before sending.
struct AllianzTradePolicy {
  kit::InsurerRules rules;                  // policy id, currencies, amount step
  std::string business_unit_code = "ACI";   // Allianz Trade's businessUnitCode
};

// The `allianz_trade:` section of a connector. A plain value, immutable after loading.
struct AllianzTradeConfig : config::ConnectorSettings {
  config::Secret login;     // the API login Allianz Trade issued
  config::Secret password;  // its password; the API key sent is base64(login:password)
  std::string base_url = "https://api.eulerhermes.com";
  std::string auth_url;  // where POST /v1/idp/oauth2/authorize goes; "" = base_url
  AllianzTradePolicy policy;
  std::chrono::seconds decision_poll{std::chrono::minutes(15)};
  std::chrono::seconds full_sync_every{std::chrono::hours(24)};
  int workers = 2;
  kit::HttpPolicy http{.max_attempts = 5};

  [[nodiscard]] const std::string& AuthBase() const { return auth_url.empty() ? base_url : auth_url; }
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> DescribeFields() const override;
  [[nodiscard]] std::vector<config::LocalPath> LocalPaths() const override { return http.LocalPaths(); }
};

// Parses an `allianz_trade:` section. Reports every problem through `section` and returns
// nullptr when the section is unusable.
std::unique_ptr<AllianzTradeConfig> ParseAllianzTradeConfig(config::ConfigNode section);

}  // namespace tributary::connectors::allianz_trade
