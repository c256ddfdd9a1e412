#include "connectors/dnb/dnb_config.h"

#include <algorithm>
#include <cctype>

#include "gateway/config/values.h"

namespace tributary::connectors::dnb {
namespace {

// A data block id: `<name>_L<level>_v<version>`, the name in lower case letters, digits and
// underscores (companyinfo_L2_v1).
bool IsBlockId(const std::string& id) {
  const size_t level = id.rfind("_L");
  if (level == std::string::npos || level == 0) return false;
  const size_t version = id.find("_v", level + 2);
  if (version == std::string::npos || version == level + 2 || version + 2 == id.size()) return false;
  auto digits = [&](size_t from, size_t to) {
    return std::all_of(id.begin() + static_cast<std::ptrdiff_t>(from), id.begin() + static_cast<std::ptrdiff_t>(to),
                       [](unsigned char c) { return std::isdigit(c); });
  };
  return std::all_of(id.begin(), id.begin() + static_cast<std::ptrdiff_t>(level),
                     [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_'; }) &&
         digits(level + 2, version) && digits(version + 2, id.size());
}

void ReadBlocks(config::ConfigNode& section, DnbConfig& settings, bool& usable) {
  if (!section.Has("blocks")) return;
  auto items = section.Sequence("blocks");
  if (items.empty()) {
    section.Child("blocks").Error("at least one data block is required (leave blocks out for the default ones)");
    usable = false;
    return;
  }
  std::vector<std::string> blocks;
  for (config::ConfigNode item : items) {
    std::optional<std::string> id = item.Scalar();
    if (!id) {
      usable = false;
      continue;
    }
    if (!IsBlockId(*id)) {
      item.Error("invalid data block " + config::QuoteForMessage(*id) +
                 " (expected a block id such as financialstrengthinsight_L2_v1)");
      usable = false;
      continue;
    }
    if (std::find(blocks.begin(), blocks.end(), *id) != blocks.end()) {
      item.Error("data block " + *id + " is listed twice");
      usable = false;
      continue;
    }
    blocks.push_back(*id);
  }
  settings.blocks = std::move(blocks);
}

void ReadMonitoring(config::ConfigNode& section, DnbConfig& settings, bool& usable) {
  if (!section.Has("monitoring")) return;
  config::ConfigNode node = section.Child("monitoring");
  if (!node.IsMap()) {
    node.Error("expected a map with the key 'registration'");
    usable = false;
    return;
  }
  std::optional<std::string> registration = node.String("registration", config::Presence::kRequired);
  if (registration && (registration->empty() || registration->find_first_of("/?#% ") != std::string::npos)) {
    node.Child("registration").Error("invalid registration reference " + config::QuoteForMessage(*registration) +
                                     " (the reference given to D&B when the registration was made)");
    registration.reset();
  }
  node.RejectUnknownKeys();
  if (!registration) {
    usable = false;
    return;
  }
  settings.monitoring = DnbMonitoring{.registration = *registration};
}

std::optional<config::Secret> ReadCredential(config::ConfigNode& section, const char* key) {
  std::optional<config::Secret> secret = section.SecretValue(key, config::Presence::kRequired);
  if (secret && secret->resolved && secret->value.empty()) {
    section.Child(key).Error(std::string(key) + " must not be empty");
    secret.reset();
  }
  return secret;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> DnbConfig::DescribeFields() const {
  std::string block_list;
  for (const std::string& block : blocks) block_list += (block_list.empty() ? "" : ", ") + block;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"consumer_key", consumer_key.Redacted()},
      {"consumer_secret", consumer_secret.Redacted()},
      {"base_url", base_url},
      {"token_version", token_version},
      {"token_url", TokenUrl()},
      {"blocks", "[" + block_list + "]"},
      {"min_confidence", std::to_string(min_confidence)},
      {"cache_for", config::FormatDuration(cache_for)},
      {"monitoring", monitoring ? "registration " + monitoring->registration : "off"}};
  for (auto& line : http.Describe()) fields.push_back(std::move(line));
  return fields;
}

std::unique_ptr<DnbConfig> ParseDnbConfig(config::ConfigNode section) {
  auto settings = std::make_unique<DnbConfig>();
  bool usable = true;
  std::optional<config::Secret> consumer_key = ReadCredential(section, "consumer_key");
  std::optional<config::Secret> consumer_secret = ReadCredential(section, "consumer_secret");
  std::optional<std::string> base_url = kit::ReadServiceUrl(section, "base_url", settings->base_url);
  if (auto version = section.Enum("token_version", {"v2", "v3"})) settings->token_version = *version;
  std::optional<std::string> token_url;
  if (section.Has("token_url")) {
    token_url = kit::ReadServiceUrl(section, "token_url", "");
    if (!token_url) usable = false;
  }
  ReadBlocks(section, *settings, usable);
  if (auto confidence = section.Integer("min_confidence", 1, 10)) settings->min_confidence = static_cast<int>(*confidence);
  if (auto cache_for = section.Duration("cache_for")) {
    settings->cache_for = std::chrono::duration_cast<std::chrono::seconds>(*cache_for);
  }
  ReadMonitoring(section, *settings, usable);
  if (!kit::ReadHttpPolicy(section, settings->http, {.max_requests_per_minute = 100000, .max_in_flight = 25})) {
    usable = false;
  }
  section.RejectUnknownKeys();
  if (!consumer_key || !consumer_secret || !base_url || !usable) return nullptr;
  settings->consumer_key = *consumer_key;
  settings->consumer_secret = *consumer_secret;
  settings->base_url = *base_url;
  if (token_url) settings->token_url = *token_url;
  return settings;
}

}  // namespace tributary::connectors::dnb
