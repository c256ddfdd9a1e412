// Intuit's webhook sender for tests: builds legacy (eventNotifications) or CloudEvents
// payloads, signs them like Intuit does (header `intuit-signature` = base64 of the
// HMAC-SHA256 of the raw body keyed with the app's verifier token) and POSTs them,
// retrying while the answer is not 2xx. A mode signs with the wrong key.
//
// Thread-safety: none needed; one emitter per test thread.
#pragma once

#include <string>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::testing {

struct WebhookEvent {
  std::string realm;
  std::string entity = "Invoice";  // QuickBooks entity name
  std::string id;
  std::string operation = "Update";  // Create | Update | Delete | Merge | Void | Emailed
  std::string last_updated = "2026-07-01T17:00:00.000Z";
};

enum class WebhookFormat { kLegacy, kCloudEvents };

struct WebhookDelivery {
  int status = 0;     // the last answer's status (0: no answer)
  int attempts = 0;
  std::string body;   // what was sent
  std::string signature;
};

class WebhookEmitter {
 public:
  WebhookEmitter(std::string url, std::string verifier_token) : url_(std::move(url)), verifier_token_(std::move(verifier_token)) {}

  // One POST carrying every event (several realms may share it); retried up to
  // `max_attempts` times while the answer is not 2xx.
  WebhookDelivery Send(const std::vector<WebhookEvent>& events, WebhookFormat format, int max_attempts = 3);
  // Sends `body` as is, signed with `signing_key` (the wrong one to test refusal).
  WebhookDelivery SendRaw(const std::string& body, const std::string& signing_key, int max_attempts = 1);

  static std::string Body(const std::vector<WebhookEvent>& events, WebhookFormat format);
  // base64(HMAC-SHA256(key, body)).
  static std::string Sign(const std::string& key, const std::string& body);

 private:
  std::string url_;
  std::string verifier_token_;
};

}  // namespace tributary::testing
