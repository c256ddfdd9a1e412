// Intuit webhooks: the signature is checked on the raw bytes in constant time with each
// connector's verifier token, and only a verified payload (legacy or CloudEvents) is read.
#include <gtest/gtest.h>

#include "connectors/quickbooks/webhook.h"
#include "tests/testing/quickbooks_webhook_emitter.h"

namespace tributary::connectors::quickbooks {
namespace {

using testing::WebhookEmitter;
using testing::WebhookEvent;
using testing::WebhookFormat;

const std::vector<WebhookTarget> kTargets = {
    {.connector = "qbo-us", .realm_id = "310687", .verifier_token = "verifier-us"},
    {.connector = "qbo-ca", .realm_id = "9130357785543026", .verifier_token = "verifier-us"},
    {.connector = "qbo-other-app", .realm_id = "555", .verifier_token = "verifier-other"},
};

TEST(QuickBooksWebhook, SignatureMatchesIntuitsScheme) {
  // base64(HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog")), RFC 4231 style vector.
  EXPECT_EQ(WebhookSignature("key", "The quick brown fox jumps over the lazy dog"),
            "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
  EXPECT_EQ(WebhookSignature("k", "body"), WebhookEmitter::Sign("k", "body"));
}

TEST(QuickBooksWebhook, LegacyPayloadWakesTheNamedRealmsOfTheSigningApp) {
  const std::string body = WebhookEmitter::Body({{.realm = "310687", .id = "1234"}, {.realm = "9130357785543026", .id = "9"},
                                                 {.realm = "555", .id = "1"}},
                                                WebhookFormat::kLegacy);
  WebhookOutcome outcome = ReceiveWebhook(kTargets, WebhookSignature("verifier-us", body), body);
  EXPECT_EQ(outcome.status, 200);
  // Realm 555 is named, but its connector's app did not sign this post.
  EXPECT_EQ(outcome.connectors, (std::vector<std::string>{"qbo-us", "qbo-ca"}));
}

TEST(QuickBooksWebhook, CloudEventsPayload) {
  const std::string body = WebhookEmitter::Body({{.realm = "555", .entity = "Payment", .id = "7", .operation = "Delete"}},
                                                WebhookFormat::kCloudEvents);
  EXPECT_NE(body.find("qbo.payment.deleted.v1"), std::string::npos);
  WebhookOutcome outcome = ReceiveWebhook(kTargets, WebhookSignature("verifier-other", body), body);
  EXPECT_EQ(outcome.status, 200);
  EXPECT_EQ(outcome.connectors, (std::vector<std::string>{"qbo-other-app"}));
}

TEST(QuickBooksWebhook, BadOrMissingSignatureIsRefusedBeforeReading) {
  const std::string body = WebhookEmitter::Body({{.realm = "310687", .id = "1"}}, WebhookFormat::kLegacy);
  EXPECT_EQ(ReceiveWebhook(kTargets, WebhookSignature("wrong", body), body).status, 401);
  EXPECT_EQ(ReceiveWebhook(kTargets, "", body).status, 401);
  // A signature of other bytes (re-serialised JSON) does not match the raw body.
  EXPECT_EQ(ReceiveWebhook(kTargets, WebhookSignature("verifier-us", body + " "), body).status, 401);
  // Unreadable content is refused even when signed (but only then is it looked at).
  EXPECT_EQ(ReceiveWebhook(kTargets, WebhookSignature("verifier-us", "not json"), "not json").status, 400);
  // No verifier token configured: nothing can be verified.
  std::vector<WebhookTarget> none = {{.connector = "x", .realm_id = "310687", .verifier_token = ""}};
  EXPECT_EQ(ReceiveWebhook(none, WebhookSignature("", body), body).status, 401);
}

}  // namespace
}  // namespace tributary::connectors::quickbooks
