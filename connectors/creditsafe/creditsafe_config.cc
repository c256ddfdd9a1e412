#include "connectors/creditsafe/creditsafe_config.h"

#include <cctype>

#include "gateway/config/values.h"

namespace tributary::connectors::creditsafe {
namespace {

// Creditsafe's limit on both credentials.
constexpr size_t kMaxCredentialLength = 30;

std::optional<config::Secret> ReadCredential(config::ConfigNode& section, const char* key) {
  std::optional<config::Secret> secret = section.SecretValue(key, config::Presence::kRequired);
  if (!secret || !secret->resolved) return secret;
  if (secret->value.empty()) {
    section.Child(key).Error(std::string(key) + " must not be empty");
    return std::nullopt;
  }
  if (secret->value.size() > kMaxCredentialLength) {
    // The value is never quoted back: it is a secret.
    section.Child(key).Error(std::string(key) + " is longer than Creditsafe's 30 characters (" +
                             std::to_string(secret->value.size()) + ")");
    return std::nullopt;
  }
  return secret;
}

bool IsLanguage(const std::string& code) {
  return code.size() == 2 && std::islower(static_cast<unsigned char>(code[0])) &&
         std::islower(static_cast<unsigned char>(code[1]));
}

std::optional<CreditsafeMonitoring> ReadMonitoring(config::ConfigNode node, bool& usable) {
  if (!node.IsMap()) {
    node.Error("expected a map with portfolio_id");
    usable = false;
    return std::nullopt;
  }
  CreditsafeMonitoring monitoring;
  std::optional<int64_t> portfolio = node.Integer("portfolio_id", 1, int64_t{1} << 53, config::Presence::kRequired);
  if (auto page_size = node.Integer("page_size", 1, 1000)) monitoring.page_size = static_cast<int>(*page_size);
  node.RejectUnknownKeys();
  if (!portfolio) {
    usable = false;
    return std::nullopt;
  }
  monitoring.portfolio_id = *portfolio;
  return monitoring;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> CreditsafeConfig::DescribeFields() const {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"username", username.Redacted()},
      {"password", password.Redacted()},
      {"base_url", base_url},
      {"auth_url", auth_url.empty() ? base_url : auth_url},
      {"language", language},
      {"cache_for", std::to_string(cache_for.count()) + "s"},
      {"monitoring", monitoring ? "portfolio " + std::to_string(monitoring->portfolio_id) + ", page_size " +
                                      std::to_string(monitoring->page_size)
                                : "off"}};
  for (auto& line : http.Describe()) fields.push_back(std::move(line));
  return fields;
}

std::unique_ptr<CreditsafeConfig> ParseCreditsafeConfig(config::ConfigNode section) {
  auto settings = std::make_unique<CreditsafeConfig>();
  bool usable = true;
  std::optional<config::Secret> username = ReadCredential(section, "username");
  std::optional<config::Secret> password = ReadCredential(section, "password");
  std::optional<std::string> base_url = kit::ReadServiceUrl(section, "base_url", settings->base_url);
  std::optional<std::string> auth_url = kit::ReadServiceUrl(section, "auth_url", "");
  if (auto language = section.String("language")) {
    if (!IsLanguage(*language)) {
      section.Child("language").Error("invalid language " + config::QuoteForMessage(*language) +
                                      " (expected a two-letter code such as en, fr, de)");
      usable = false;
    } else {
      settings->language = *language;
    }
  }
  if (auto cache_for = section.Duration("cache_for")) {
    settings->cache_for = std::chrono::duration_cast<std::chrono::seconds>(*cache_for);
    if (settings->cache_for.count() == 0) {
      section.Child("cache_for").Error("cache_for must be at least 1s");
      usable = false;
    }
  }
  if (section.Has("monitoring")) settings->monitoring = ReadMonitoring(section.Child("monitoring"), usable);
  if (!kit::ReadHttpPolicy(section, settings->http)) usable = false;
  section.RejectUnknownKeys();
  if (!username || !password || !base_url || !auth_url || !usable) return nullptr;
  settings->username = std::move(*username);
  settings->password = std::move(*password);
  settings->base_url = *base_url;
  settings->auth_url = *auth_url;
  return settings;
}

}  // namespace tributary::connectors::creditsafe
