#include "connectors/allianz_trade/allianz_trade_config.h"

#include <algorithm>
#include <cctype>

#include "gateway/config/values.h"
#include "gateway/model/money.h"

namespace tributary::connectors::allianz_trade {
namespace {

// Amounts are whole units at most this coarse (a step of a million units is already odd).
constexpr int64_t kMaxAmountStep = 1'000'000;
// Jobs of one connector that may run at once.
constexpr int64_t kMaxWorkers = 16;

std::optional<config::Secret> ReadCredential(config::ConfigNode& section, const char* key) {
  std::optional<config::Secret> secret = section.SecretValue(key, config::Presence::kRequired);
  if (!secret || !secret->resolved) return secret;
  if (secret->value.empty()) {
    section.Child(key).Error(std::string(key) + " must not be empty");
    return std::nullopt;
  }
  // The login and the password are joined by ':' into the API key: a ':' in the login
  // would make another login of it. The value is never quoted back.
  if (std::string_view(key) == "login" && secret->value.find(':') != std::string::npos) {
    section.Child(key).Error("login must not contain ':'");
    return std::nullopt;
  }
  return secret;
}

// A policy id or business unit code: letters, digits, '-' and '_', as Allianz Trade
// writes them ("5121840", "P1000932", "ACI").
bool IsCode(const std::string& text) {
  return !text.empty() && text.size() <= 64 && std::ranges::all_of(text, [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_';
  });
}

bool ReadCurrencies(config::ConfigNode& policy, std::vector<std::string>& currencies) {
  if (!policy.Has("currencies")) {
    currencies = {"EUR"};
    return true;
  }
  config::ConfigNode list = policy.Child("currencies");
  if (!list.IsSequence()) {
    list.Error("expected a list of ISO 4217 currency codes, e.g. [EUR, USD]");
    return false;
  }
  bool usable = true;
  for (config::ConfigNode item : list.Items()) {
    std::optional<std::string> code = item.Scalar();
    if (!code) {
      usable = false;
      continue;
    }
    if (!model::CurrencyExponent(*code)) {
      item.Error(QuoteForMessage(*code) + " is not an ISO 4217 currency code");
      usable = false;
    } else if (std::ranges::find(currencies, *code) != currencies.end()) {
      item.Error("currency " + *code + " is listed twice");
      usable = false;
    } else {
      currencies.push_back(*code);
    }
  }
  if (usable && currencies.empty()) {
    list.Error("currencies must list at least one currency");
    usable = false;
  }
  return usable;
}

bool ReadPolicy(config::ConfigNode section, AllianzTradePolicy& policy) {
  if (!section.IsMap()) {
    section.Error("expected a map with id (and optionally business_unit_code, currencies, amount_step)");
    return false;
  }
  bool usable = true;
  std::optional<std::string> id = section.String("id", config::Presence::kRequired);
  if (id && !IsCode(*id)) {
    section.Child("id").Error("invalid policy id " + QuoteForMessage(*id) + " (expected letters and digits)");
    usable = false;
  }
  if (auto unit = section.String("business_unit_code")) {
    if (!IsCode(*unit)) {
      section.Child("business_unit_code")
          .Error("invalid business unit code " + QuoteForMessage(*unit) + " (expected letters and digits, e.g. ACI)");
      usable = false;
    } else {
      policy.business_unit_code = *unit;
    }
  }
  if (!ReadCurrencies(section, policy.rules.currencies)) usable = false;
  if (section.Has("amount_step")) {
    if (auto step = section.Integer("amount_step", 1, kMaxAmountStep)) {
      policy.rules.amount_step = *step;
    } else {
      usable = false;
    }
  }
  section.RejectUnknownKeys();
  if (!id) return false;
  policy.rules.policy = *id;
  return usable;
}

bool ReadPositiveDuration(config::ConfigNode& section, const char* key, std::chrono::seconds& out) {
  if (!section.Has(key)) return true;
  auto value = section.Duration(key);
  if (!value) return false;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*value);
  if (seconds.count() == 0) {
    section.Child(key).Error(std::string(key) + " must be at least 1s");
    return false;
  }
  out = seconds;
  return true;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> AllianzTradeConfig::DescribeFields() const {
  std::string currencies;
  for (const std::string& code : policy.rules.currencies) currencies += (currencies.empty() ? "" : ", ") + code;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"login", login.Redacted()},
      {"password", password.Redacted()},
      {"base_url", base_url},
      {"auth_url", AuthBase()},
      {"policy", policy.rules.policy + " (business unit " + policy.business_unit_code + ")"},
      {"currencies", currencies},
      {"amount_step", std::to_string(policy.rules.amount_step)},
      {"decision_poll", std::to_string(decision_poll.count()) + "s"},
      {"full_sync_every", std::to_string(full_sync_every.count()) + "s"},
      {"workers", std::to_string(workers)}};
  for (auto& line : http.Describe()) fields.push_back(std::move(line));
  return fields;
}

std::unique_ptr<AllianzTradeConfig> ParseAllianzTradeConfig(config::ConfigNode section) {
  auto settings = std::make_unique<AllianzTradeConfig>();
  bool usable = true;
  std::optional<config::Secret> login = ReadCredential(section, "login");
  std::optional<config::Secret> password = ReadCredential(section, "password");
  std::optional<std::string> base_url = kit::ReadServiceUrl(section, "base_url", settings->base_url);
  std::optional<std::string> auth_url = kit::ReadServiceUrl(section, "auth_url", "");
  config::ConfigNode policy = section.Child("policy", config::Presence::kRequired);
  if (!policy.IsDefined() || !ReadPolicy(policy, settings->policy)) usable = false;
  if (!ReadPositiveDuration(section, "decision_poll", settings->decision_poll)) usable = false;
  if (!ReadPositiveDuration(section, "full_sync_every", settings->full_sync_every)) usable = false;
  if (section.Has("workers")) {
    if (auto workers = section.Integer("workers", 1, kMaxWorkers)) {
      settings->workers = static_cast<int>(*workers);
    } else {
      usable = false;
    }
  }
  if (!kit::ReadHttpPolicy(section, settings->http)) usable = false;
  section.RejectUnknownKeys();
  if (!login || !password || !base_url || !auth_url || !usable) return nullptr;
  settings->login = std::move(*login);
  settings->password = std::move(*password);
  settings->base_url = *base_url;
  settings->auth_url = *auth_url;
  return settings;
}

}  // namespace tributary::connectors::allianz_trade
