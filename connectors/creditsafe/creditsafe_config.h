// Settings of the `creditsafe` connector: company scores bought from the Creditsafe Connect
// API, authenticated with the account's API user key and password. Every key is in
// docs/connectors/creditsafe.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/kit/http_policy.h"
#include "gateway/config/config.h"
#include "gateway/config/config_node.h"

namespace tributary::connectors::creditsafe {

// The optional `monitoring:` block: the Global Monitoring portfolio that scored companies
// are added to, and whose notification events trigger a new read of their report.
struct CreditsafeMonitoring {
  int64_t portfolio_id = 0;
  int page_size = 100;  // notification events per page (Creditsafe allows up to 1000)
};

// The `creditsafe:` section of a connector. A plain value, immutable after loading.
struct CreditsafeConfig : config::ConnectorSettings {
  config::Secret username;  // the API User Key (not the web login e-mail)
  config::Secret password;
  std::string base_url = "https://connect.creditsafe.com/v1";
  std::string auth_url;  // where POST /authenticate goes; "" = base_url
  std::string language = "en";  // of the reports
  std::chrono::seconds cache_for{std::chrono::hours(24 * 7)};
  std::optional<CreditsafeMonitoring> monitoring;
  kit::HttpPolicy http{.max_attempts = 5};

  [[nodiscard]] std::string AuthenticateUrl() const { return (auth_url.empty() ? base_url : auth_url) + "/authenticate"; }
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> DescribeFields() const override;
  [[nodiscard]] std::vector<config::LocalPath> LocalPaths() const override { return http.LocalPaths(); }
};

// Parses a `creditsafe:` section. Reports every problem through `section` and returns
// nullptr when the section is unusable.
std::unique_ptr<CreditsafeConfig> ParseCreditsafeConfig(config::ConfigNode section);

}  // namespace tributary::connectors::creditsafe
