// The quickbooks connector end to end: the real daemon, the QuickBooks double (HTTP on
// loopback, fake clock) and the fake core it pushes to. Consent through `tributary auth`,
// the initial load and incremental changes (deletes included) reaching the core, a kill -9
// right after a token refresh, a throttled sync, and 40 days off found by the sweep.
#include <signal.h>

#include <gtest/gtest.h>

#include "gateway/http/http_client.h"
#include "tests/integration/quickbooks_daemon.h"

namespace tributary::testing::qbo_e2e {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

class QuickBooksDaemonTest : public QuickBooksEndToEndTest {
 protected:
  void Configure(const QuickBooksSetup& setup = {}) { WriteQuickBooksConfig(*daemon_, *core_, *qbo_, setup); }

  // `tributary auth`, with the double's consent page standing in for the browser.
  void Consent() {
    auto browser = http::MakeCurlClient({});
    CommandResult result = RunAuthInteractively(*daemon_, [&](const std::string& url) {
      auto page = browser->Send({.method = "GET", .target = url});
      return page ? http::FindHeader(page->headers, "Location") : std::string();
    });
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("Connected: connector qbo"), std::string::npos) << result.output;
  }

  std::optional<FakeEntity> CoreEntity(const std::string& key) { return core_->entity(key); }
  bool CoreHas(const std::string& key) { return CoreEntity(key).has_value(); }
  bool CoreClosed(const std::string& key) {
    auto entity = CoreEntity(key);
    return entity && entity->closed;
  }
  std::string CoreField(const std::string& key, const std::string& field) {
    auto entity = CoreEntity(key);
    if (!entity || !entity->data.contains(field) || !entity->data[field].is_string()) return "";
    return entity->data[field].get<std::string>();
  }

};

TEST_F(QuickBooksDaemonTest, ConsentThenLoadThenChangesAndDeletesReachTheCore) {
  const std::string amy = qbo_->AddCustomer(kRealm, "Amy's Bird Sanctuary");
  const std::string inv1 = qbo_->AddInvoice(kRealm, amy, "1037", "362.07");
  const std::string inv2 = qbo_->AddInvoice(kRealm, amy, "1038", "100.00");
  const std::string payment = qbo_->AddPayment(kRealm, amy, "100.00", {{.txn_id = inv2, .amount = "100.00"}});
  Configure();
  daemon_->Start();

  // No grant yet: the connector says so, and asks no one.
  ASSERT_TRUE(WaitUntil([&] {
    auto status = ConnectorStatus(*daemon_);
    return status.is_object() && status["last_error"].get<std::string>().find("consent needed") != std::string::npos;
  }, seconds(20))) << daemon_->Log();
  EXPECT_EQ(qbo_->CountRequests("token"), 0);
  EXPECT_EQ(qbo_->CountRequests("query"), 0);

  Consent();
  ASSERT_TRUE(WaitUntil([&] { return CoreHas("qbo:allocation:" + payment + "-Invoice-" + inv2); }, seconds(30)))
      << daemon_->Log();
  EXPECT_EQ(CoreField("qbo:receivable:" + inv1, "open_amount"), "362.07");
  EXPECT_EQ(CoreField("qbo:receivable:" + inv1, "legal_entity"), "US01");
  EXPECT_EQ(CoreField("qbo:receivable:" + inv1, "tenant"), "acme");
  EXPECT_EQ(CoreField("qbo:receivable:" + inv2, "status"), "paid");
  EXPECT_EQ(CoreField("qbo:customer:" + amy, "name"), "Amy's Bird Sanctuary");
  EXPECT_EQ(CoreField("qbo:payment:" + payment, "amount"), "100.00");
  ASSERT_TRUE(WaitUntil([&] { return ConnectorStatus(*daemon_)["last_error"] == ""; }, seconds(10)));

  // Incremental: an update, a new invoice, a deleted payment.
  qbo_->Update(kRealm, "Invoice", inv1, [](nlohmann::ordered_json& invoice) { invoice["DueDate"] = "2026-12-31"; });
  const std::string inv3 = qbo_->AddInvoice(kRealm, amy, "1039", "0.30");
  qbo_->Delete(kRealm, "Payment", payment);
  ASSERT_TRUE(WaitUntil([&] { return CoreClosed("qbo:payment:" + payment); }, seconds(30))) << daemon_->Log();
  EXPECT_TRUE(CoreClosed("qbo:allocation:" + payment + "-Invoice-" + inv2));
  EXPECT_EQ(CoreField("qbo:receivable:" + inv3, "open_amount"), "0.30");
  EXPECT_EQ(CoreField("qbo:receivable:" + inv1, "due_date"), "2026-12-31");
  EXPECT_EQ(CoreField("qbo:receivable:" + inv2, "status"), "open");  // its payment is gone
  EXPECT_GE(qbo_->CountRequests("cdc"), 2);
  EXPECT_FALSE(core_->order_violated()) << core_->order_violation();

  auto metrics = daemon_->GetText("/metrics");
  EXPECT_NE(metrics.find("tributary_oauth_refresh_token_hard_expiry_timestamp_seconds{connector=\"qbo\"}"),
            std::string::npos);
  EXPECT_NE(metrics.find("tributary_api_request_budget_remaining{connector=\"qbo\"}"), std::string::npos);
  EXPECT_EQ(daemon_->StopWith(SIGTERM), 0) << daemon_->Log();
}

TEST_F(QuickBooksDaemonTest, AKillRightAfterATokenRefreshLosesNoGrant) {
  const std::string amy = qbo_->AddCustomer(kRealm, "Amy");
  qbo_->AddInvoice(kRealm, amy, "1", "1.00");
  Configure();
  daemon_->Start();
  Consent();
  ASSERT_TRUE(WaitUntil([&] { return CoreHas("qbo:customer:" + amy); }, seconds(30))) << daemon_->Log();

  // QuickBooks' clock moves two hours: the next CDC gets a 401 and the daemon refreshes,
  // which rotates the refresh token.
  qbo_->Advance(hours(2));
  auto store = OpenDaemonStore(*daemon_);
  ASSERT_NE(store, nullptr);
  const store::GrantId grant_id{.provider = "quickbooks", .client_id = qbo_->options().client_id, .account = kRealm};
  ASSERT_TRUE(WaitUntil([&] {
    auto grant = store->api().GetGrant(grant_id);
    return grant && *grant && (*grant)->generation >= 2;
  }, seconds(30))) << daemon_->Log();
  daemon_->Kill();  // at once: the rotated token must already be safe
  EXPECT_EQ(qbo_->refresh_grants_answered(), 1);

  // Restarted, it works with the rotated token (another two hours force another refresh).
  qbo_->Advance(hours(2));
  const std::string inv2 = qbo_->AddInvoice(kRealm, amy, "2", "2.00");
  daemon_->Start();
  ASSERT_TRUE(WaitUntil([&] { return CoreHas("qbo:receivable:" + inv2); }, seconds(30))) << daemon_->Log();
  EXPECT_EQ(qbo_->refresh_grants_answered(), 2);
  EXPECT_EQ(qbo_->invalid_grants_answered(), 0);
  EXPECT_EQ(qbo_->superseded_refresh_attempts(), 0);
  EXPECT_EQ(daemon_->StopWith(SIGTERM), 0);
}

TEST_F(QuickBooksDaemonTest, ASyncThrottledHalfTheTimeCompletesSlowerWithoutAnErrorStatus) {
  const std::string amy = qbo_->AddCustomer(kRealm, "Amy");
  std::vector<std::string> invoices;
  for (int i = 0; i < 30; ++i) invoices.push_back(qbo_->AddInvoice(kRealm, amy, "T-" + std::to_string(i), "10.00"));
  Configure({.page_size = 5});
  Consent();  // before the start: the connector never has a reason to fail
  qbo_->ThrottleEveryNth(2);  // every other API request answers 429 with Fault 3001
  daemon_->Start();
  ASSERT_TRUE(WaitUntil([&] {
    return std::all_of(invoices.begin(), invoices.end(), [&](const std::string& id) { return CoreHas("qbo:receivable:" + id); });
  }, seconds(60))) << daemon_->Log();
  EXPECT_GT(qbo_->CountRequests("query", 429), 3);
  nlohmann::json status;
  ASSERT_TRUE(WaitUntil([&] {
    status = ConnectorStatus(*daemon_);
    return status.is_object() && status["polls"].get<int64_t>() >= 2;
  }, seconds(30))) << daemon_->Log();
  EXPECT_EQ(status["failures"], 0) << status.dump();
  EXPECT_EQ(status["last_error"], "") << status.dump();
  EXPECT_EQ(daemon_->StopWith(SIGTERM), 0);
}

TEST_F(QuickBooksDaemonTest, ADaemonOffForFortyDaysFindsTheDeletesBySweep) {
  const std::string amy = qbo_->AddCustomer(kRealm, "Amy");
  const std::string kept = qbo_->AddInvoice(kRealm, amy, "1", "1.00");
  const std::string gone = qbo_->AddInvoice(kRealm, amy, "2", "2.00");
  const std::string paid = qbo_->AddInvoice(kRealm, amy, "3", "3.00");
  const std::string payment = qbo_->AddPayment(kRealm, amy, "3.00", {{.txn_id = paid, .amount = "3.00"}});
  Configure();
  daemon_->Start();
  Consent();
  ASSERT_TRUE(WaitUntil([&] { return CoreHas("qbo:payment:" + payment); }, seconds(30))) << daemon_->Log();
  EXPECT_EQ(daemon_->StopWith(SIGTERM), 0);

  // Forty days pass: further back than change data capture can see.
  qbo_->Advance(hours(24 * 40));
  qbo_->Delete(kRealm, "Invoice", gone);
  qbo_->Delete(kRealm, "Payment", payment);
  daemon_->Start();
  ASSERT_TRUE(WaitUntil([&] { return CoreClosed("qbo:receivable:" + gone) && CoreClosed("qbo:payment:" + payment); },
                        seconds(30)))
      << daemon_->Log();
  EXPECT_TRUE(CoreClosed("qbo:allocation:" + payment + "-Invoice-" + paid));
  EXPECT_FALSE(CoreClosed("qbo:receivable:" + kept));
  EXPECT_EQ(CoreField("qbo:receivable:" + paid, "status"), "open");
  EXPECT_NE(daemon_->Log().find("sweep found 3 deleted record(s)"), std::string::npos) << daemon_->Log();
  EXPECT_EQ(qbo_->CountRequests("cdc", 400), 1);
  EXPECT_EQ(daemon_->StopWith(SIGTERM), 0);
}

}  // namespace
}  // namespace tributary::testing::qbo_e2e
