// The admin API routes of the quickbooks connector with the real daemon: Intuit webhooks
// (a bad signature is refused; a good one, legacy or CloudEvents, makes the named realm's
// connector sync at once) and the OAuth consent completed by /oauth/callback.
#include <signal.h>

#include <gtest/gtest.h>

#include "gateway/http/http_client.h"
#include "tests/integration/quickbooks_daemon.h"
#include "tests/testing/quickbooks_webhook_emitter.h"

namespace tributary::testing::qbo_e2e {
namespace {

using std::chrono::seconds;

class QuickBooksRoutesTest : public QuickBooksEndToEndTest {
 protected:
  void SetUp() override {
    QuickBooksEndToEndTest::SetUp();
    if (HasFatalFailure()) return;
    // Polls only once an hour: a sync seen after the start is the webhook's doing.
    WriteQuickBooksConfig(*daemon_, *core_, *qbo_, {.schedule = "1h"});
    browser_ = http::MakeCurlClient({});
  }

  std::string Url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(daemon_->admin_port()) + path; }

  // Starts a consent with `tributary auth --print-url`-less flow: the interactive command, with
  // the browser following the consent page's redirect to this daemon's /oauth/callback.
  void ConsentThroughTheCallback() {
    std::string page_body;
    CommandResult result = RunAuthInteractively(*daemon_, [&](const std::string& url) {
      auto consent = browser_->Send({.method = "GET", .target = url});
      const std::string callback = consent ? http::FindHeader(consent->headers, "Location") : "";
      auto page = browser_->Send({.method = "GET", .target = callback});
      page_body = page ? page->body : "";
      return std::string();  // nothing to paste: the daemon completed it
    });
    ASSERT_EQ(result.exit_code, 0) << result.output << daemon_->Log();
    EXPECT_NE(page_body.find("QuickBooks connected"), std::string::npos) << page_body;
  }

  std::unique_ptr<http::HttpClient> browser_;
};

TEST_F(QuickBooksRoutesTest, TheCallbackCompletesTheConsentAndTheConnectorStarts) {
  const std::string amy = qbo_->AddCustomer(kRealm, "Amy");
  daemon_->Start();
  ConsentThroughTheCallback();
  // The callback woke the connector (its schedule is an hour).
  ASSERT_TRUE(WaitUntil([&] { return core_->entity("qbo:customer:" + amy).has_value(); }, seconds(30))) << daemon_->Log();

  // A forged or replayed callback is refused.
  auto forged = browser_->Send({.method = "GET", .target = Url("/oauth/callback?code=x&state=forged&realmId=1")});
  ASSERT_TRUE(forged.has_value());
  EXPECT_EQ(forged->status, 400);
  EXPECT_NE(forged->body.find("unknown or expired consent state"), std::string::npos) << forged->body;
  EXPECT_EQ(daemon_->StopWith(SIGTERM), 0);
}

TEST_F(QuickBooksRoutesTest, ABadSignatureIsRefusedAGoodOneTriggersASync) {
  const std::string amy = qbo_->AddCustomer(kRealm, "Amy");
  daemon_->Start();
  ConsentThroughTheCallback();
  // The pass the callback started (load, then CDC) is over: polls counts it. The outbox
  // delivers to the core on its own schedule, so the customer is awaited too.
  ASSERT_TRUE(WaitUntil([&] {
    auto status = ConnectorStatus(*daemon_);
    return status.is_object() && status["polls"].get<int64_t>() >= 2 && status["state"] == "idle" &&
           core_->entity("qbo:customer:" + amy).has_value();
  }, seconds(30))) << daemon_->Log();
  const int cdc_before = qbo_->CountRequests("cdc");

  const std::string inv = qbo_->AddInvoice(kRealm, amy, "W-1", "42.00");
  WebhookEmitter emitter(Url("/webhooks/quickbooks"), kVerifier);
  const std::vector<WebhookEvent> events = {{.realm = kRealm, .entity = "Invoice", .id = inv, .operation = "Create"},
                                            {.realm = "4620816365037572", .entity = "Invoice", .id = "9"}};
  // Signed with another key: refused, and nothing happens.
  WebhookDelivery refused = emitter.SendRaw(WebhookEmitter::Body(events, WebhookFormat::kLegacy), "not-the-verifier");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.attempts, 1);
  EXPECT_EQ(qbo_->CountRequests("cdc"), cdc_before);

  // Properly signed (legacy payload, two realms in one post): a sync at once.
  const auto sent = std::chrono::steady_clock::now();
  WebhookDelivery accepted = emitter.Send(events, WebhookFormat::kLegacy);
  EXPECT_EQ(accepted.status, 200);
  ASSERT_TRUE(WaitUntil([&] { return core_->entity("qbo:receivable:" + inv).has_value(); }, seconds(10))) << daemon_->Log();
  std::cout << "webhook to change in the core: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent).count()
            << " ms\n";
  EXPECT_EQ(qbo_->CountRequests("cdc"), cdc_before + 1);

  // CloudEvents too. The webhook names an entity; the data comes from CDC, never from it.
  qbo_->Update(kRealm, "Invoice", inv, [](nlohmann::ordered_json& invoice) { invoice["DueDate"] = "2027-01-31"; });
  WebhookDelivery cloud = emitter.Send({{.realm = kRealm, .entity = "Invoice", .id = inv, .operation = "Update"}},
                                       WebhookFormat::kCloudEvents);
  EXPECT_EQ(cloud.status, 200);
  ASSERT_TRUE(WaitUntil([&] {
    auto entity = core_->entity("qbo:receivable:" + inv);
    return entity && entity->data.value("due_date", "") == "2027-01-31";
  }, seconds(10))) << daemon_->Log();

  auto metrics = daemon_->GetText("/metrics");
  EXPECT_NE(metrics.find("tributary_quickbooks_webhooks_total{outcome=\"bad_signature\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("tributary_quickbooks_webhooks_total{outcome=\"accepted\"} 2"), std::string::npos) << metrics;
  EXPECT_EQ(daemon_->StopWith(SIGTERM), 0);
}

}  // namespace
}  // namespace tributary::testing::qbo_e2e
