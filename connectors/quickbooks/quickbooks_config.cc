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

using kit::ReadServiceUrl;

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
  auto fields = DescribeOwnFields();
  for (auto& line : http.Describe()) fields.push_back(std::move(line));
  return fields;
}

std::vector<std::pair<std::string, std::string>> QuickBooksConfig::DescribeOwnFields() const {
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
          {"page_size", std::to_string(page_size)}};
}

std::unique_ptr<QuickBooksConfig> ParseQuickBooksConfig(config::ConfigNode section) {
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
  std::optional<std::string> redirect_uri = ReadServiceUrl(section, "redirect_uri", "");
  if (section.Has("redirect_uri") && !redirect_uri) usable = false;
  std::optional<std::string> base_url =
      ReadServiceUrl(section, "base_url", settings->environment == "sandbox" ? kSandboxApi : kProductionApi);
  std::optional<std::string> token_url = ReadServiceUrl(section, "token_url", kTokenUrl);
  std::optional<std::string> authorize_url = ReadServiceUrl(section, "authorize_url", kAuthorizeUrl);
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
  if (auto page_size = section.Integer("page_size", 1, 1000)) settings->page_size = static_cast<int>(*page_size);
  if (!kit::ReadHttpPolicy(section, settings->http, {.max_requests_per_minute = 500, .max_in_flight = 10})) usable = false;
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
