// The HTTP settings every API connector shares, with the one way to read them from its
// config section: TLS trust, timeout, retries and the request budget.
//
// Keys (each optional, in the connector's own section):
//   ca_file                  PEM bundle to verify the provider with ("" = system store)
//   timeout                  per request (default 60s)
//   backoff, max_backoff     ceiling of the first wait and the largest one (1s, 60s)
//   max_attempts             per request, before the pass gives up (8)
//   max_requests_per_minute  client-side rate (the provider's documented limit by default)
//   max_in_flight            concurrent requests (idem)
//   max_requests_per_day     a daily quota over a rolling 24 h (0 = none)
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/kit/request_budget.h"
#include "gateway/config/config.h"
#include "gateway/config/config_node.h"
#include "gateway/http/http_client.h"
#include "gateway/http/retry_policy.h"

namespace tributary::connectors::kit {

struct HttpPolicy {
  std::string ca_file;  // absolute; "" = the system trust store
  std::chrono::milliseconds timeout{60000};
  std::chrono::milliseconds backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  int max_attempts = 8;
  BudgetLimits budget{.per_minute = 0, .max_in_flight = 0, .per_day = 0};

  [[nodiscard]] http::ClientOptions ClientOptions() const { return {.ca_file = ca_file, .total_timeout = timeout}; }
  [[nodiscard]] http::BackoffPolicy Backoff() const { return {.initial = backoff, .max = max_backoff}; }
  // Lines for ConnectorSettings::DescribeFields().
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> Describe() const;
  // ca_file when set, for ConnectorSettings::LocalPaths().
  [[nodiscard]] std::vector<config::LocalPath> LocalPaths() const;
};

// The provider's ceilings: a config may lower the budget, never raise it past them.
struct HttpPolicyBounds {
  int max_requests_per_minute = 100000;
  int max_in_flight = 100;
};

// Reads the keys above from `section` over `defaults`, reporting problems through the
// section. False when one was invalid (already reported).
bool ReadHttpPolicy(config::ConfigNode& section, HttpPolicy& policy, const HttpPolicyBounds& bounds = {});

// An https URL, or http to a loopback host only (tests, a local proxy); no credentials in
// it; trailing slashes removed. Absent: `fallback`. nullopt after reporting a problem. The
// URL is never quoted back (it may carry secrets).
std::optional<std::string> ReadServiceUrl(config::ConfigNode& section, std::string_view key, std::string_view fallback);

}  // namespace tributary::connectors::kit
