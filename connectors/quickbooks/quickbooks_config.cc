#include "connectors/quickbooks/quickbooks_config.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "gateway/config/values.h"

namespace tributary::connectors::quickbooks {
namespace {

constexpr std::string_view kProductionApi = "https://quickbooks.api.intuit.com";
constexpr std::string_view kSandboxApi = "https://sandbox-quickbooks.api.intuit.com";
constexpr std::string_view kTokenUrl = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer";
constexpr std::string_view kAuthorizeUrl = "https://appcenter.intuit.com/connect/oauth2";
constexpr int kMinimumMinorVersion = 75;

// https anywhere, http only to a loopback host (tests, a local proxy). The URL is never
// quoted back: it may carry credentials.
std::optional<std::string> ReadUrl(config::ConfigNode& section, std::string_view key, std::string_view fallback) {
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

bool IsRealmId(std::string_view text) {
  return !text.empty() && text.size() <= 32 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void ReadEntities(config::ConfigNode& section, QuickBooksConfig& settings, bool& usable) {
  if (!section.Has("entities")) {
    settings.entities.assign(std::begin(kKnownEntities), std::end(kKnownEntities));
    return;
  }
  std::vector<std::string> named;
  for (config::ConfigNode item : section.Sequence("entities")) {
    std::optional<std::string> name = item.Scalar();
    if (!name) {
      usable = false;
      continue;
    }
    if (std::find(std::begin(kKnownEntities), std::end(kKnownEntities), *name) == std::end(kKnownEntities)) {
      item.Error("unknown QuickBooks entity " + config::QuoteForMessage(*name) +
                 " (known: Customer, Invoice, CreditMemo, Payment)");
      usable = false;
      continue;
    }
    if (std::find(named.begin(), named.end(), *name) != named.end()) {
      item.Error("entity " + *name + " is listed twice");
      usable = false;
      continue;
    }
    named.push_back(*name);
  }
  if (named.empty() && usable) {
    section.Child("entities").Error("at least one entity is required");
    usable = false;
  }
  // Always in the order changes are applied, whatever the order written.
  for (std::string_view known : kKnownEntities) {
    if (std::find(named.begin(), named.end(), known) != named.end()) settings.entities.emplace_back(known);
  }
}

void CheckMappings(config::ConfigNode& section, const QuickBooksConfig& settings) {
  std::error_code error;
  for (const std::string& entity : settings.entities) {
    const std::string path = settings.MappingPath(entity);
    if (!std::filesystem::is_regular_file(path, error) || access(path.c_str(), R_OK) != 0) {
      section.Child("mappings_dir").Error("mapping of " + entity + " not found or not readable: " + path);
    }
  }
}

}  // namespace

std::string SnakeCase(std::string_view entity) {
  std::string out;
  for (char c : entity) {
    if (c >= 'A' && c <= 'Z') {
      if (!out.empty()) out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

std::string QuickBooksConfig::MappingPath(std::string_view entity) const {
  return (std::filesystem::path(mappings_dir) / (SnakeCase(entity) + ".yaml")).string();
}

std::vector<std::string> QuickBooksConfig::MappingPaths() const {
  std::vector<std::string> paths;
  for (const std::string& entity : entities) paths.push_back(MappingPath(entity));
  return paths;
}

std::vector<std::pair<std::string, std::string>> QuickBooksConfig::DescribeFields() const {
  std::string entity_list;
  for (const std::string& entity : entities) entity_list += (entity_list.empty() ? "" : ", ") + entity;
  return {{"realm_id", realm_id},
          {"client_id", client_id},
          {"client_secret", client_secret.Redacted()},
          {"environment", environment},
          {"redirect_uri", redirect_uri},
          {"base_url", base_url},
          {"token_url", token_url},
          {"authorize_url", authorize_url},
          {"minorversion", std::to_string(minorversion)},
          {"webhook_verifier_token", webhook_verifier_token ? webhook_verifier_token->Redacted() : ""},
          {"entities", "[" + entity_list + "]"},
          {"mappings_dir", mappings_dir},
          {"ca_file", ca_file},
          {"page_size", std::to_string(page_size)},
          {"max_requests_per_minute", std::to_string(max_requests_per_minute)},
          {"max_in_flight", std::to_string(max_in_flight)},
          {"backoff", config::FormatDuration(backoff)},
          {"max_backoff", config::FormatDuration(max_backoff)},
          {"max_attempts", std::to_string(max_attempts)},
          {"timeout", config::FormatDuration(timeout)}};
}

std::unique_ptr<config::ConnectorSettings> ParseQuickBooksConfig(config::ConfigNode section) {
  using config::Presence;
  auto settings = std::make_unique<QuickBooksConfig>();
  bool usable = true;
  std::optional<std::string> realm_id = section.String("realm_id", Presence::kRequired);
  if (realm_id && !IsRealmId(*realm_id)) {
    section.Child("realm_id").Error("invalid realm_id " + config::QuoteForMessage(*realm_id) +
                                    " (expected the company id, digits only, e.g. \"9130357785543026\"; quote it)");
    realm_id.reset();
  }
  std::optional<std::string> client_id = section.String("client_id", Presence::kRequired);
  if (client_id && client_id->empty()) {
    section.Child("client_id").Error("client_id must not be empty");
    client_id.reset();
  }
  std::optional<config::Secret> client_secret = section.SecretValue("client_secret", Presence::kRequired);
  if (client_secret && client_secret->resolved && client_secret->value.empty()) {
    section.Child("client_secret").Error("client_secret must not be empty");
    client_secret.reset();
  }
  if (auto environment = section.Enum("environment", {"production", "sandbox"})) settings->environment = *environment;
  std::optional<std::string> redirect_uri = ReadUrl(section, "redirect_uri", "");
  if (section.Has("redirect_uri") && !redirect_uri) usable = false;
  std::optional<std::string> base_url =
      ReadUrl(section, "base_url", settings->environment == "sandbox" ? kSandboxApi : kProductionApi);
  std::optional<std::string> token_url = ReadUrl(section, "token_url", kTokenUrl);
  std::optional<std::string> authorize_url = ReadUrl(section, "authorize_url", kAuthorizeUrl);
  if (auto minorversion = section.Integer("minorversion", kMinimumMinorVersion, 999)) {
    settings->minorversion = static_cast<int>(*minorversion);
  }
  settings->webhook_verifier_token = section.SecretValue("webhook_verifier_token");
  if (settings->webhook_verifier_token && settings->webhook_verifier_token->resolved &&
      settings->webhook_verifier_token->value.empty()) {
    section.Child("webhook_verifier_token").Error("webhook_verifier_token must not be empty");
    usable = false;
  }
  ReadEntities(section, *settings, usable);
  std::optional<std::string> mappings_dir = section.Path("mappings_dir", Presence::kRequired);
  if (auto ca_file = section.Path("ca_file")) settings->ca_file = *ca_file;
  if (auto page_size = section.Integer("page_size", 1, 1000)) settings->page_size = static_cast<int>(*page_size);
  if (auto rate = section.Integer("max_requests_per_minute", 1, 500)) settings->max_requests_per_minute = static_cast<int>(*rate);
  if (auto in_flight = section.Integer("max_in_flight", 1, 10)) settings->max_in_flight = static_cast<int>(*in_flight);
  if (auto backoff = section.Duration("backoff")) settings->backoff = *backoff;
  if (auto max_backoff = section.Duration("max_backoff")) settings->max_backoff = *max_backoff;
  if (settings->max_backoff < settings->backoff) {
    section.Child("max_backoff").Error("max_backoff must not be shorter than backoff");
    usable = false;
  }
  if (auto attempts = section.Integer("max_attempts", 1, 100)) settings->max_attempts = static_cast<int>(*attempts);
  if (auto timeout = section.Duration("timeout")) settings->timeout = *timeout;
  section.RejectUnknownKeys();
  if (!realm_id || !client_id || !client_secret || !base_url || !token_url || !authorize_url || !mappings_dir || !usable) {
    return nullptr;
  }
  settings->realm_id = *realm_id;
  settings->client_id = *client_id;
  settings->client_secret = *client_secret;
  settings->redirect_uri = redirect_uri.value_or("");
  settings->base_url = *base_url;
  settings->token_url = *token_url;
  settings->authorize_url = *authorize_url;
  settings->mappings_dir = *mappings_dir;
  CheckMappings(section, *settings);
  return settings;
}

}  // namespace tributary::connectors::quickbooks
