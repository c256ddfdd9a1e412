#include "connectors/kit/http_policy.h"

#include <algorithm>

#include "gateway/config/values.h"

namespace tributary::connectors::kit {

std::vector<std::pair<std::string, std::string>> HttpPolicy::Describe() const {
  return {{"ca_file", ca_file},
          {"timeout", config::FormatDuration(timeout)},
          {"backoff", config::FormatDuration(backoff)},
          {"max_backoff", config::FormatDuration(max_backoff)},
          {"max_attempts", std::to_string(max_attempts)},
          {"max_requests_per_minute", std::to_string(budget.per_minute)},
          {"max_in_flight", std::to_string(budget.max_in_flight)},
          {"max_requests_per_day", std::to_string(budget.per_day)}};
}

std::vector<config::LocalPath> HttpPolicy::LocalPaths() const {
  if (ca_file.empty()) return {};
  return {{.key = "ca_file", .what = "CA file", .path = ca_file, .kind = config::LocalPath::Kind::kFile}};
}

bool ReadHttpPolicy(config::ConfigNode& section, HttpPolicy& policy, const HttpPolicyBounds& bounds) {
  bool usable = true;
  if (auto ca_file = section.Path("ca_file")) policy.ca_file = *ca_file;
  if (auto timeout = section.Duration("timeout")) policy.timeout = *timeout;
  if (auto backoff = section.Duration("backoff")) policy.backoff = *backoff;
  if (auto max_backoff = section.Duration("max_backoff")) policy.max_backoff = *max_backoff;
  if (policy.max_backoff < policy.backoff) {
    section.Child("max_backoff").Error("max_backoff must not be shorter than backoff");
    usable = false;
  }
  if (auto attempts = section.Integer("max_attempts", 1, 100)) policy.max_attempts = static_cast<int>(*attempts);
  if (auto rate = section.Integer("max_requests_per_minute", 1, bounds.max_requests_per_minute)) {
    policy.budget.per_minute = static_cast<int>(*rate);
  }
  if (auto in_flight = section.Integer("max_in_flight", 1, bounds.max_in_flight)) {
    policy.budget.max_in_flight = static_cast<int>(*in_flight);
  }
  if (auto per_day = section.Integer("max_requests_per_day", 0, int64_t{1} << 40)) policy.budget.per_day = *per_day;
  return usable;
}

std::optional<std::string> ReadServiceUrl(config::ConfigNode& section, std::string_view key, std::string_view fallback) {
  std::optional<std::string> url = section.String(key);
  if (!url) return std::string(fallback);
  std::string scheme = url->substr(0, url->find("://"));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (url->find("://") == std::string::npos || (scheme != "http" && scheme != "https")) {
    section.Child(key).Error("invalid URL (expected https://HOST[:PORT][/PATH])");
    return std::nullopt;
  }
  std::string_view rest = std::string_view(*url).substr(url->find("://") + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    section.Child(key).Error("the URL must not contain credentials");
    return std::nullopt;
  }
  std::string_view host = authority;
  if (host.starts_with('[')) {
    host = host.substr(1, host.find(']') == std::string_view::npos ? host.size() : host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host.empty()) {
    section.Child(key).Error("invalid URL (expected https://HOST[:PORT][/PATH])");
    return std::nullopt;
  }
  if (scheme == "http" && !config::IsLoopbackHost(host)) {
    section.Child(key).Error("use https for a non-loopback host");
    return std::nullopt;
  }
  while (url->ends_with('/')) url->pop_back();
  return url;
}

}  // namespace tributary::connectors::kit
