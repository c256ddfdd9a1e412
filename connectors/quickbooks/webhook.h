// Intuit's webhook notifications: the signature check and the realms a POST names.
// Webhooks are only hints: they never carry data into the store, they make the named
// companies' connectors run change data capture now.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::connectors::quickbooks {

struct WebhookTarget {
  std::string connector;
  std::string realm_id;
  std::string verifier_token;
};

struct WebhookOutcome {
  int status = 200;  // 200 accepted, 401 no valid signature, 400 signed but unreadable
  std::string message;
  std::vector<std::string> connectors;  // to sync now
};

// base64(HMAC-SHA256(key = verifier token, message = the raw body)), as Intuit signs.
std::string WebhookSignature(std::string_view verifier_token, std::string_view body);

// Verifies one POST: `signature` (the intuit-signature header) must match the raw body for
// the verifier token of at least one target (compared in constant time); only then is the
// body read, as a legacy (`eventNotifications[].realmId`) or CloudEvents
// (`[].intuitaccountid`) payload. The targets whose token matched and whose realm is named
// are returned. Several realms in one POST are fine.
WebhookOutcome ReceiveWebhook(std::span<const WebhookTarget> targets, std::string_view signature,
                              std::string_view body);

}  // namespace tributary::connectors::quickbooks
