// Settings of the `dnb` connector: company scores bought from Dun & Bradstreet Direct+
// (identity resolution by cleanseMatch, data blocks by DUNS) with the consumer key and
// secret of a Direct+ account, and, optionally, a monitoring registration whose pulled
// notifications rescore the companies already scored. Every key is in
// docs/connectors/dnb.md.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/kit/http_policy.h"
#include "gateway/config/config.h"

namespace tributary::connectors::dnb {

struct DnbMonitoring {
  std::string registration;  // the reference of a registration made with D&B beforehand
};

// The `dnb:` section of a connector. A plain value, immutable after loading.
struct DnbConfig : config::ConnectorSettings {
  config::Secret consumer_key;
  config::Secret consumer_secret;
  std::string base_url = "https://plus.dnb.com";
  std::string token_version = "v2";  // v2: JSON body, `expiresIn`; v3: form body, `expires_in`
  std::string token_url;             // "" = base_url + "/v2/token" (or "/v3/token")
  // The data blocks read: the company's identity, and its failure score, rating and
  // recommended credit limit.
  std::vector<std::string> blocks = {"companyinfo_L2_v1", "financialstrengthinsight_L2_v1"};
  int min_confidence = 8;  // cleanseMatch confidence code (1-10) from which a candidate counts
  std::chrono::seconds cache_for{std::chrono::hours(24 * 7)};
  std::optional<DnbMonitoring> monitoring;  // absent: no monitoring
  // D&B limits requests per consumer key (documented per contract, not publicly): no
  // client-side rate by default, 5 requests in flight.
  kit::HttpPolicy http{.budget = {.per_minute = 0, .max_in_flight = 5, .per_day = 0}};

  [[nodiscard]] std::string TokenUrl() const {
    return token_url.empty() ? base_url + "/" + token_version + "/token" : token_url;
  }
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> DescribeFields() const override;
  [[nodiscard]] std::vector<config::LocalPath> LocalPaths() const override { return http.LocalPaths(); }
};

// Parses a `dnb:` section. Reports every problem through `section` and returns nullptr
// when the section is unusable.
std::unique_ptr<DnbConfig> ParseDnbConfig(config::ConfigNode section);

}  // namespace tributary::connectors::dnb
