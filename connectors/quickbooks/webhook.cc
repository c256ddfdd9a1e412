#include "connectors/quickbooks/webhook.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

namespace tributary::connectors::quickbooks {
namespace {

// The realms a payload names, in either format; nullopt when it is neither.
std::optional<std::set<std::string>> RealmsNamed(std::string_view body) {
  nlohmann::json payload = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (payload.is_discarded()) return std::nullopt;
  std::set<std::string> realms;
  auto text = [](const nlohmann::json& object, const char* name) -> std::string {
    if (!object.is_object() || !object.contains(name)) return "";
    const auto& value = object[name];
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
    return "";
  };
  if (payload.is_object() && payload.contains("eventNotifications") && payload["eventNotifications"].is_array()) {
    for (const auto& notification : payload["eventNotifications"]) {
      if (std::string realm = text(notification, "realmId"); !realm.empty()) realms.insert(realm);
    }
    return realms;
  }
  if (payload.is_array()) {  // CloudEvents, possibly several realms
    for (const auto& event : payload) {
      if (std::string realm = text(event, "intuitaccountid"); !realm.empty()) realms.insert(realm);
    }
    return realms;
  }
  if (payload.is_object() && payload.contains("intuitaccountid")) {  // a single CloudEvent
    realms.insert(text(payload, "intuitaccountid"));
    return realms;
  }
  return std::nullopt;
}

}  // namespace

std::string WebhookSignature(std::string_view verifier_token, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), verifier_token.data(), static_cast<int>(verifier_token.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &size);
  std::string encoded(4 * ((size + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), digest, static_cast<int>(size));
  return encoded;
}

WebhookOutcome ReceiveWebhook(std::span<const WebhookTarget> targets, std::string_view signature,
                              std::string_view body) {
  std::vector<const WebhookTarget*> verified;
  for (const WebhookTarget& target : targets) {
    if (target.verifier_token.empty()) continue;
    const std::string expected = WebhookSignature(target.verifier_token, body);
    if (signature.size() == expected.size() && CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0) {
      verified.push_back(&target);
    }
  }
  if (verified.empty()) return {.status = 401, .message = "invalid or missing intuit-signature"};
  auto realms = RealmsNamed(body);
  if (!realms) return {.status = 400, .message = "not a QuickBooks webhook payload"};
  WebhookOutcome outcome{.status = 200, .message = "accepted"};
  for (const WebhookTarget* target : verified) {
    if (realms->contains(target->realm_id)) outcome.connectors.push_back(target->connector);
  }
  return outcome;
}

}  // namespace tributary::connectors::quickbooks
