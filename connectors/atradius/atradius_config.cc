#include "connectors/atradius/atradius_config.h"

#include <algorithm>
#include <cctype>

#include "gateway/config/values.h"
#include "gateway/model/money.h"

namespace tributary::connectors::atradius {
namespace {

// Atradius ids (customer, policy) go into query strings: letters, digits, '-' and '_'.
bool IsPlainId(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::ranges::all_of(id, [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

std::optional<config::Secret> ReadSecret(config::ConfigNode& section, const char* key) {
  std::optional<config::Secret> secret = section.SecretValue(key, config::Presence::kRequired);
  if (secret && secret->resolved && secret->value.empty()) {
    section.Child(key).Error(std::string(key) + " must not be empty");
    return std::nullopt;
  }
  return secret;
}

std::optional<std::string> ReadId(config::ConfigNode& node, const char* key, const char* what) {
  std::optional<std::string> id = node.String(key, config::Presence::kRequired);
  if (id && !IsPlainId(*id)) {
    node.Child(key).Error("invalid " + std::string(what) + " " + config::QuoteForMessage(*id) +
                          " (expected letters, digits, '-' or '_')");
    return std::nullopt;
  }
  return id;
}

std::vector<std::string> ReadCurrencies(config::ConfigNode& policy, bool& usable) {
  std::vector<std::string> currencies;
  if (!policy.Has("currencies")) {
    policy.Sequence("currencies", config::Presence::kRequired);  // reports it missing
    usable = false;
    return currencies;
  }
  auto items = policy.Sequence("currencies");
  if (items.empty()) {
    policy.Child("currencies").Error("at least one currency is required (the currencies the policy covers)");
    usable = false;
    return currencies;
  }
  for (config::ConfigNode item : items) {
    std::optional<std::string> code = item.Scalar();
    if (!code) {
      usable = false;
      continue;
    }
    if (code->size() != 3 || !std::ranges::all_of(*code, [](unsigned char c) { return std::isupper(c); }) ||
        !model::CurrencyExponent(*code)) {
      item.Error("invalid currency " + config::QuoteForMessage(*code) + " (expected an ISO 4217 code such as EUR)");
      usable = false;
      continue;
    }
    if (std::ranges::find(currencies, *code) != currencies.end()) {
      item.Error("currency " + *code + " is listed twice");
      usable = false;
      continue;
    }
    currencies.push_back(*code);
  }
  return currencies;
}

void ReadPolicy(config::ConfigNode& section, AtradiusConfig& settings, bool& usable) {
  config::ConfigNode policy = section.Child("policy", config::Presence::kRequired);
  if (!policy.IsDefined()) {
    usable = false;
    return;
  }
  if (!policy.IsMap()) {
    policy.Error("expected a map with id and currencies");
    usable = false;
    return;
  }
  std::optional<std::string> id = ReadId(policy, "id", "policy id");
  settings.rules.currencies = ReadCurrencies(policy, usable);
  if (auto step = policy.Integer("amount_step", 1, 1000000)) settings.rules.amount_step = *step;
  policy.RejectUnknownKeys();
  if (!id) {
    usable = false;
    return;
  }
  settings.rules.policy = *id;
}

// A duration of at least `floor`, into `target`.
void ReadDuration(config::ConfigNode& section, const char* key, std::chrono::seconds floor, const char* floor_text,
                  std::chrono::seconds& target, bool& usable) {
  auto value = section.Duration(key);
  if (!value) return;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*value);
  if (seconds < floor) {
    section.Child(key).Error(std::string(key) + " must be at least " + floor_text);
    usable = false;
    return;
  }
  target = seconds;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> AtradiusConfig::DescribeFields() const {
  std::string currencies;
  for (const std::string& code : rules.currencies) currencies += (currencies.empty() ? "" : ", ") + code;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"api_key", api_key.Redacted()},
      {"client_id", client_id},
      {"client_secret", client_secret.Redacted()},
      {"customer_id", customer_id},
      {"base_url", base_url},
      {"auth_url", AuthBase()},
      {"policy", rules.policy + " (" + currencies + "; amounts in multiples of " + std::to_string(rules.amount_step) +
                     ")"},
      {"decision_poll", config::FormatDuration(decision_poll)},
      {"full_sync_every", config::FormatDuration(full_sync_every)},
      {"workers", std::to_string(workers)}};
  for (auto& line : http.Describe()) fields.push_back(std::move(line));
  return fields;
}

std::unique_ptr<AtradiusConfig> ParseAtradiusConfig(config::ConfigNode section) {
  auto settings = std::make_unique<AtradiusConfig>();
  bool usable = true;
  std::optional<config::Secret> api_key = ReadSecret(section, "api_key");
  std::optional<std::string> client_id = section.String("client_id", config::Presence::kRequired);
  if (client_id && client_id->empty()) {
    section.Child("client_id").Error("client_id must not be empty");
    client_id.reset();
  }
  std::optional<config::Secret> client_secret = ReadSecret(section, "client_secret");
  std::optional<std::string> customer_id = ReadId(section, "customer_id", "customer id");
  std::optional<std::string> base_url = kit::ReadServiceUrl(section, "base_url", settings->base_url);
  std::optional<std::string> auth_url = kit::ReadServiceUrl(section, "auth_url", "");
  ReadPolicy(section, *settings, usable);
  ReadDuration(section, "decision_poll", std::chrono::minutes(1), "1m", settings->decision_poll, usable);
  ReadDuration(section, "full_sync_every", std::chrono::hours(1), "1h", settings->full_sync_every, usable);
  if (auto workers = section.Integer("workers", 1, 16)) settings->workers = static_cast<int>(*workers);
  if (!kit::ReadHttpPolicy(section, settings->http)) usable = false;
  section.RejectUnknownKeys();
  if (!api_key || !client_id || !client_secret || !customer_id || !base_url || !auth_url || !usable) return nullptr;
  settings->api_key = std::move(*api_key);
  settings->client_id = *client_id;
  settings->client_secret = std::move(*client_secret);
  settings->customer_id = *customer_id;
  settings->base_url = *base_url;
  settings->auth_url = *auth_url;
  return settings;
}

}  // namespace tributary::connectors::atradius
