#include "connectors/salesforce/salesforce_config.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "gateway/config/values.h"

namespace tributary::connectors::salesforce {
namespace {

// An API name: letters, digits and underscores, starting with a letter (Account,
// blng__Invoice__c).
bool IsApiName(const std::string& name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

bool IsApiVersion(const std::string& version) {
  const size_t dot = version.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == version.size()) return false;
  return std::all_of(version.begin(), version.end(), [](unsigned char c) { return std::isdigit(c) || c == '.'; }) &&
         version.find('.', dot + 1) == std::string::npos;
}

void ReadParameters(config::ConfigNode node, SalesforceObject& object, bool& usable) {
  for (auto& [name, value] : node.Members()) {
    if (value.IsSequence()) {
      std::vector<std::string> values;
      for (config::ConfigNode item : value.Items()) {
        if (auto text = item.Scalar()) values.push_back(*text); else usable = false;
      }
      object.parameters[name] = std::move(values);
    } else if (auto text = value.Scalar()) {
      object.parameters[name] = {*text};
    } else {
      usable = false;
    }
  }
}

void ReadObjects(config::ConfigNode& section, SalesforceConfig& settings, bool& usable) {
  auto items = section.Sequence("objects", config::Presence::kRequired);
  if (items.empty()) {
    if (section.Has("objects")) section.Child("objects").Error("at least one object is required");
    usable = false;
    return;
  }
  for (config::ConfigNode item : items) {
    SalesforceObject object;
    std::optional<std::string> name = item.String("object", config::Presence::kRequired);
    if (name && !IsApiName(*name)) {
      item.Child("object").Error("invalid object name " + config::QuoteForMessage(*name) +
                                 " (expected an API name such as Account or blng__Invoice__c)");
      name.reset();
    }
    if (name && std::any_of(settings.objects.begin(), settings.objects.end(), [&](const SalesforceObject& other) {
          return std::equal(other.object.begin(), other.object.end(), name->begin(), name->end(),
                            [](char a, char b) { return std::tolower(a) == std::tolower(b); });
        })) {
      item.Child("object").Error("object " + *name + " is listed twice");
      name.reset();
    }
    std::optional<std::string> mapping = item.Path("mapping", config::Presence::kRequired);
    if (mapping) {
      std::error_code error;
      if (!std::filesystem::is_regular_file(*mapping, error) || access(mapping->c_str(), R_OK) != 0) {
        item.Child("mapping").Error("mapping not found or not readable: " + *mapping);
        mapping.reset();
      }
    }
    if (auto where = item.String("where")) {
      if (where->empty()) {
        item.Child("where").Error("where must not be empty (leave it out to read every record)");
        usable = false;
      }
      object.where = *where;
    }
    if (item.Has("parameters")) ReadParameters(item.Child("parameters"), object, usable);
    item.RejectUnknownKeys();
    if (!name || !mapping) {
      usable = false;
      continue;
    }
    object.object = *name;
    object.mapping = *mapping;
    settings.objects.push_back(std::move(object));
  }
}

}  // namespace

std::vector<std::string> SalesforceConfig::MappingPaths() const {
  std::vector<std::string> paths;
  for (const SalesforceObject& object : objects) paths.push_back(object.mapping);
  return paths;
}

std::vector<config::LocalPath> SalesforceConfig::LocalPaths() const {
  std::vector<config::LocalPath> paths = http.LocalPaths();
  paths.push_back({.key = "private_key_file", .what = "private key file", .path = private_key_file,
                   .kind = config::LocalPath::Kind::kFile});
  return paths;
}

std::vector<std::pair<std::string, std::string>> SalesforceConfig::DescribeFields() const {
  std::string object_list;
  for (const SalesforceObject& object : objects) {
    object_list += (object_list.empty() ? "" : ", ") + object.object + " -> " + object.mapping;
    if (!object.where.empty()) object_list += " where " + object.where;
  }
  std::vector<std::pair<std::string, std::string>> fields = {
      {"login_url", login_url},
      {"client_id", client_id},
      {"username", username},
      {"private_key_file", private_key_file},  // the path; the key itself is never read here
      {"api_version", api_version},
      {"max_api_share", std::to_string(max_api_share)},
      {"objects", "[" + object_list + "]"},
      {"bulk_threshold", std::to_string(bulk_threshold)},
      {"overlap", std::to_string(overlap.count()) + "ms"},
      {"page_size", std::to_string(page_size)}};
  for (auto& line : http.Describe()) fields.push_back(std::move(line));
  return fields;
}

std::unique_ptr<SalesforceConfig> ParseSalesforceConfig(config::ConfigNode section) {
  using config::Presence;
  auto settings = std::make_unique<SalesforceConfig>();
  bool usable = true;
  std::optional<std::string> login_url = kit::ReadServiceUrl(section, "login_url", settings->login_url);
  std::optional<std::string> client_id = section.String("client_id", Presence::kRequired);
  if (client_id && client_id->empty()) {
    section.Child("client_id").Error("client_id must not be empty");
    client_id.reset();
  }
  std::optional<std::string> username = section.String("username", Presence::kRequired);
  if (username && username->find('@') == std::string::npos) {
    section.Child("username").Error("invalid username " + config::QuoteForMessage(*username) +
                                    " (a Salesforce username looks like an email address)");
    username.reset();
  }
  std::optional<std::string> key_file = section.Path("private_key_file", Presence::kRequired);
  if (key_file && access(key_file->c_str(), R_OK) != 0) {
    section.Child("private_key_file").Error("private key file not found or not readable: " + *key_file);
    key_file.reset();
  }
  if (auto version = section.String("api_version")) {
    if (!IsApiVersion(*version)) {
      section.Child("api_version").Error("invalid api_version " + config::QuoteForMessage(*version) +
                                         " (expected a version such as \"62.0\"; quote it)");
      usable = false;
    } else {
      settings->api_version = *version;
    }
  }
  if (auto share = section.Ratio("max_api_share")) {
    if (*share <= 0) {
      section.Child("max_api_share").Error("max_api_share must be more than 0");
      usable = false;
    } else {
      settings->max_api_share = *share;
    }
  }
  ReadObjects(section, *settings, usable);
  if (auto threshold = section.Integer("bulk_threshold", 1, int64_t{1} << 40)) settings->bulk_threshold = *threshold;
  if (auto overlap = section.Duration("overlap")) settings->overlap = *overlap;
  if (auto page_size = section.Integer("page_size", 200, 2000)) settings->page_size = static_cast<int>(*page_size);
  if (!kit::ReadHttpPolicy(section, settings->http, {.max_requests_per_minute = 100000, .max_in_flight = 25})) {
    usable = false;
  }
  section.RejectUnknownKeys();
  if (!login_url || !client_id || !username || !key_file || !usable) return nullptr;
  settings->login_url = *login_url;
  settings->client_id = *client_id;
  settings->username = *username;
  settings->private_key_file = *key_file;
  return settings;
}

}  // namespace tributary::connectors::salesforce
