#include "tests/testing/quickbooks_webhook_emitter.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "gateway/http/http_client.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  return text;
}

std::string CloudEventVerb(const std::string& operation) {
  static const std::map<std::string, std::string> kVerbs = {{"Create", "created"}, {"Update", "updated"},
                                                            {"Delete", "deleted"}, {"Merge", "merged"},
                                                            {"Void", "voided"},    {"Emailed", "emailed"}};
  auto it = kVerbs.find(operation);
  return it == kVerbs.end() ? Lower(operation) : it->second;
}

}  // namespace

std::string WebhookEmitter::Sign(const std::string& key, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), digest, &size);
  std::string encoded(4 * ((size + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), digest, static_cast<int>(size));
  return encoded;
}

std::string WebhookEmitter::Body(const std::vector<WebhookEvent>& events, WebhookFormat format) {
  if (format == WebhookFormat::kCloudEvents) {
    ordered_json list = ordered_json::array();
    int n = 0;
    for (const WebhookEvent& event : events) {
      list.push_back({{"specversion", "1.0"},
                      {"id", "88cd52aa-33b6-4351-9aa4-" + std::to_string(100000000000 + ++n)},
                      {"source", "intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU="},
                      {"type", "qbo." + Lower(event.entity) + "." + CloudEventVerb(event.operation) + ".v1"},
                      {"datacontenttype", "application/json"},
                      {"time", event.last_updated},
                      {"intuitentityid", event.id},
                      {"intuitaccountid", event.realm},
                      {"data", ordered_json::object()}});
    }
    return list.dump();
  }
  // Legacy: one notification per realm, in the order realms first appear.
  ordered_json notifications = ordered_json::array();
  std::vector<std::string> realms;
  for (const WebhookEvent& event : events) {
    if (std::find(realms.begin(), realms.end(), event.realm) == realms.end()) realms.push_back(event.realm);
  }
  for (const std::string& realm : realms) {
    ordered_json entities = ordered_json::array();
    for (const WebhookEvent& event : events) {
      if (event.realm != realm) continue;
      entities.push_back({{"id", event.id}, {"operation", event.operation}, {"name", event.entity},
                          {"lastUpdated", event.last_updated}});
    }
    notifications.push_back({{"realmId", realm}, {"dataChangeEvent", {{"entities", entities}}}});
  }
  return ordered_json{{"eventNotifications", notifications}}.dump();
}

WebhookDelivery WebhookEmitter::Send(const std::vector<WebhookEvent>& events, WebhookFormat format,
                                     int max_attempts) {
  return SendRaw(Body(events, format), verifier_token_, max_attempts);
}

WebhookDelivery WebhookEmitter::SendRaw(const std::string& body, const std::string& signing_key, int max_attempts) {
  auto client = http::MakeCurlClient({});
  WebhookDelivery delivery{.body = body, .signature = Sign(signing_key, body)};
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    ++delivery.attempts;
    http::Request request{.method = "POST",
                          .target = url_,
                          .headers = {{"Content-Type", "application/json"},
                                      {"intuit-signature", delivery.signature},
                                      {"User-Agent", "Intuit-Webhooks/1.0"}},
                          .body = body};
    auto response = client->Send(request);
    delivery.status = response ? response->status : 0;
    if (delivery.status >= 200 && delivery.status < 300) break;
  }
  return delivery;
}

}  // namespace tributary::testing
