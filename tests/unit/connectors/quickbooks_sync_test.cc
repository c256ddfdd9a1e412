// RealmSync against the QuickBooks double with the shipped mappings and a real store:
// initial load, change data capture with deletes, the 1000-object cap, the 30-day window
// with its sweep, throttling and server errors.
#include <gtest/gtest.h>

#include "tests/unit/connectors/quickbooks_fixture.h"

namespace tributary::connectors::quickbooks::test {
namespace {

using std::chrono::hours;

class QuickBooksSyncTest : public QuickBooksFixture {
 protected:
  void SetUp() override {
    QuickBooksFixture::SetUp();
    SeedGrant();
  }

  void PassOk() {
    auto passed = sync_->Pass({});
    ASSERT_TRUE(passed.has_value()) << passed.error().message;
  }

  // Two customers, three invoices, a credit memo and a payment of two invoices.
  void SeedCompany() {
    amy_ = double_->AddCustomer(kRealm, "Amy's Bird Sanctuary");
    diner_ = double_->AddCustomer(kRealm, "Red Rock Diner");
    inv1_ = double_->AddInvoice(kRealm, amy_, "1037", "362.07");
    inv2_ = double_->AddInvoice(kRealm, amy_, "1038", "100.00", "2026-08-15");
    inv3_ = double_->AddInvoice(kRealm, diner_, "1039", "0.10");
    memo_ = double_->AddCreditMemo(kRealm, diner_, "CM-1", "25.50");
    payment_ = double_->AddPayment(kRealm, amy_, "162.07",
                                   {{.txn_id = inv1_, .amount = "62.07"}, {.txn_id = inv2_, .amount = "100.00"}});
  }

  std::string Key(const std::string& entity, const std::string& id) { return "qbo:" + entity + ":" + id; }

  std::string amy_, diner_, inv1_, inv2_, inv3_, memo_, payment_;
};

TEST_F(QuickBooksSyncTest, InitialLoadPagesEveryEntityThenCdcTakesOver) {
  SeedCompany();
  settings_.page_size = 2;  // several pages per entity
  Wire();
  PassOk();

  EXPECT_EQ(CountLive("qbo:customer:"), 2);
  EXPECT_EQ(CountLive("qbo:receivable:"), 4);
  EXPECT_EQ(CountLive("qbo:payment:"), 1);
  EXPECT_EQ(CountLive("qbo:allocation:"), 2);
  nlohmann::json invoice = Data(Key("receivable", inv1_));
  EXPECT_EQ(invoice["kind"], "invoice");
  EXPECT_EQ(invoice["number"], "1037");
  EXPECT_EQ(invoice["total"], "362.07");
  EXPECT_EQ(invoice["open_amount"], "300.00");  // 362.07 - 62.07 paid
  EXPECT_EQ(invoice["status"], "partially_paid");
  EXPECT_EQ(invoice["customer"], Key("customer", amy_));
  EXPECT_EQ(Data(Key("receivable", inv2_))["status"], "paid");
  EXPECT_EQ(Data(Key("receivable", inv2_))["due_date"], "2026-08-15");
  EXPECT_EQ(Data(Key("receivable", inv3_))["open_amount"], "0.10");
  nlohmann::json memo = Data(Key("receivable", memo_));
  EXPECT_EQ(memo["kind"], "credit_note");
  EXPECT_EQ(memo["open_amount"], "25.50");
  nlohmann::json payment = Data(Key("payment", payment_));
  EXPECT_EQ(payment["amount"], "162.07");
  EXPECT_EQ(payment["unapplied_amount"], "0.00");
  nlohmann::json allocation = Data("qbo:allocation:" + payment_ + "-Invoice-" + inv1_);
  EXPECT_EQ(allocation["from"], Key("payment", payment_));
  EXPECT_EQ(allocation["to"], Key("receivable", inv1_));
  EXPECT_EQ(allocation["amount"], "62.07");
  EXPECT_EQ(Data(Key("customer", diner_))["name"], "Red Rock Diner");
  EXPECT_EQ(CursorPhase(), "cdc");

  // Customers came before what they owe, payments last.
  auto changes = store_->ChangesAfter(0, 1000).value();
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.front().entity, "customer");
  EXPECT_EQ(changes.back().entity, "allocation");

  // Paged by keyset with MAXRESULTS 2; the load ends with change data capture.
  int queries = 0;
  for (const auto& request : double_->requests()) {
    if (request.kind != "query") continue;
    ++queries;
    EXPECT_NE(request.query.find("MAXRESULTS%202"), std::string::npos) << request.query;
    EXPECT_NE(request.query.find("minorversion=75"), std::string::npos) << request.query;
  }
  EXPECT_EQ(queries, 6);  // Customer 2+0, Invoice 2+1, CreditMemo 1, Payment 1
  EXPECT_EQ(double_->CountRequests("cdc"), 1);

  // Nothing changed: a second pass is one CDC request and no change.
  const int64_t last_seq = store_->LastSeq().value();
  PassOk();
  EXPECT_EQ(store_->LastSeq().value(), last_seq);
  EXPECT_EQ(double_->CountRequests("cdc"), 2);
}

TEST_F(QuickBooksSyncTest, CdcBringsUpdatesCreatesAndDeletes) {
  SeedCompany();
  Wire();
  PassOk();
  const int64_t after_load = store_->LastSeq().value();

  double_->Update(kRealm, "Invoice", inv3_, [](nlohmann::ordered_json& invoice) {
    invoice["DueDate"] = "2026-09-30";
  });
  const std::string inv4 = double_->AddInvoice(kRealm, diner_, "1040", "123456789012345.67");
  double_->Delete(kRealm, "Payment", payment_);  // gives the invoices their balance back
  double_->Delete(kRealm, "CreditMemo", memo_);
  PassOk();

  EXPECT_EQ(Data(Key("receivable", inv3_))["due_date"], "2026-09-30");
  EXPECT_EQ(Data(Key("receivable", inv4))["open_amount"], "123456789012345.67");  // exact, never a double
  EXPECT_EQ(Data(Key("receivable", inv1_))["open_amount"], "362.07");
  EXPECT_EQ(Data(Key("receivable", inv2_))["status"], "open");
  EXPECT_EQ(Lifecycle(Key("payment", payment_)), "deleted");
  EXPECT_EQ(Lifecycle(Key("receivable", memo_)), "deleted");
  EXPECT_EQ(CountLive("qbo:allocation:"), 0);

  std::map<std::string, store::Change> latest;
  auto changes = store_->ChangesAfter(after_load, 1000).value();
  for (auto& change : changes) latest[change.key] = change;
  const store::Change& deleted = latest.at(Key("payment", payment_));
  EXPECT_EQ(deleted.op, "close");
  EXPECT_EQ(deleted.reason, store::kCloseReasonDeletedInSource);
  EXPECT_EQ(latest.at("qbo:allocation:" + payment_ + "-Invoice-" + inv2_).op, "close");

  // Replaying the same window (a crash before the cursor moved) changes nothing.
  const int64_t after_cdc = store_->LastSeq().value();
  PassOk();
  EXPECT_EQ(store_->LastSeq().value(), after_cdc);
}

TEST_F(QuickBooksSyncTest, APaymentThatLosesALineLosesThatAllocation) {
  SeedCompany();
  Wire();
  PassOk();
  double_->Update(kRealm, "Payment", payment_, [&](nlohmann::ordered_json& payment) {
    payment["Line"].erase(1);
    payment["TotalAmt"] = testing::QuickBooksDouble::Amount("62.07");
  });
  PassOk();
  EXPECT_EQ(Lifecycle("qbo:allocation:" + payment_ + "-Invoice-" + inv1_), "active");
  EXPECT_EQ(Lifecycle("qbo:allocation:" + payment_ + "-Invoice-" + inv2_), "deleted");
  EXPECT_EQ(Data(Key("payment", payment_))["amount"], "62.07");
}

TEST_F(QuickBooksSyncTest, AnEntityAddedToTheConfigIsLoadedNotOnlySyncedFromNowOn) {
  SeedCompany();
  settings_.entities = {"Customer", "Invoice"};
  Wire();
  PassOk();
  EXPECT_EQ(CountLive("qbo:payment:"), 0);
  settings_.entities = {"Customer", "Invoice", "Payment"};
  Wire();
  const int64_t before = store_->LastSeq().value();
  PassOk();
  EXPECT_EQ(CountLive("qbo:payment:"), 1);  // created long before: only a new load finds it
  EXPECT_EQ(CountLive("qbo:allocation:"), 2);
  // The reload changed nothing else.
  EXPECT_EQ(store_->LastSeq().value(), before + 3);
}

TEST_F(QuickBooksSyncTest, ACappedCdcAnswerNarrowsTheWindowUntilEverythingArrived) {
  const std::string customer = double_->AddCustomer(kRealm, "Bulk Buyer");
  Wire();
  PassOk();
  for (int i = 0; i < 2300; ++i) double_->AddInvoice(kRealm, customer, "B-" + std::to_string(i), "1.00");
  PassOk();
  EXPECT_EQ(CountLive("qbo:receivable:"), 2300);
  // 1000 + 1000 + 300 (and a little overlap at each cut).
  EXPECT_GE(double_->CountRequests("cdc"), 1 + 3);
  EXPECT_EQ(CursorPhase(), "cdc");
}

TEST_F(QuickBooksSyncTest, AGapLongerThanTheCdcWindowIsCaughtUpAndSweptForDeletes) {
  SeedCompany();
  Wire();
  PassOk();

  // The daemon is off for 40 days (the double's clock moves; ours does not).
  // The access token expired meanwhile by QuickBooks' clock: a 401, then a refresh.
  double_->Advance(hours(24 * 40));
  double_->Delete(kRealm, "Invoice", inv3_);
  double_->Delete(kRealm, "Payment", payment_);
  double_->Update(kRealm, "Customer", diner_, [](nlohmann::ordered_json& customer) { customer["Active"] = false; });
  const std::string inv4 = double_->AddInvoice(kRealm, amy_, "1041", "7.00");
  PassOk();

  EXPECT_EQ(double_->CountRequests("cdc", 400), 1);  // refused: changedSince older than 30 days
  EXPECT_EQ(double_->refresh_grants_answered(), 1);
  EXPECT_EQ(Lifecycle(Key("receivable", inv3_)), "deleted");
  EXPECT_EQ(Lifecycle(Key("payment", payment_)), "deleted");
  EXPECT_EQ(CountLive("qbo:allocation:"), 0);
  EXPECT_EQ(Data(Key("receivable", inv4))["open_amount"], "7.00");
  EXPECT_EQ(Data(Key("receivable", inv1_))["open_amount"], "362.07");  // updated when the payment went
  // An inactive customer is not a deleted one.
  EXPECT_EQ(Lifecycle(Key("customer", diner_)), "active");
  EXPECT_EQ(Data(Key("customer", diner_))["custom"]["active"], "false");
  EXPECT_EQ(CursorPhase(), "cdc");
  EXPECT_EQ(metrics_.Get("tributary_quickbooks_sweeps_total", {{"connector", "qbo"}}), 1);

  // CDC resumes from the catch-up's start: the next pass is one CDC request.
  const int cdc_before = double_->CountRequests("cdc");
  PassOk();
  EXPECT_EQ(double_->CountRequests("cdc"), cdc_before + 1);
  EXPECT_EQ(double_->CountRequests("cdc", 400), 1);
}

TEST_F(QuickBooksSyncTest, ThrottledHalfTheTimeTheSyncStillCompletes) {
  SeedCompany();
  settings_.page_size = 2;
  Wire();
  double_->ThrottleEveryNth(2);
  PassOk();
  EXPECT_EQ(CountLive("qbo:receivable:"), 4);
  EXPECT_GT(double_->CountRequests("query", 429), 3);
  EXPECT_GT(metrics_.Get("tributary_api_requests_total", {{"connector", "qbo"}, {"outcome", "throttled"}}), 3);
}

TEST_F(QuickBooksSyncTest, LegacyThrottle403AndServerErrorsAreRetried) {
  SeedCompany();
  Wire();
  double_->ThrottleEveryNth(3, /*legacy_403=*/true);
  double_->FailNextWith503(2);
  PassOk();
  EXPECT_EQ(CountLive("qbo:receivable:"), 4);
  EXPECT_GT(double_->CountRequests("query", 403), 0);
  EXPECT_EQ(double_->CountRequests("query", 503), 2);
}

TEST_F(QuickBooksSyncTest, ARefusalStopsThePassWithTheFaultAndKeepsTheCursor) {
  SeedCompany();
  settings_.http.max_attempts = 2;
  Wire();
  double_->ThrottleEveryNth(1);  // every request throttled: gives up after max_attempts
  auto passed = sync_->Pass({});
  ASSERT_FALSE(passed.has_value());
  EXPECT_EQ(passed.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(passed.error().message.find("gave up after 2 attempts"), std::string::npos) << passed.error().message;
  EXPECT_EQ(CountLive("qbo:customer:"), 0);
  double_->ThrottleEveryNth(0);
  PassOk();
  EXPECT_EQ(CountLive("qbo:customer:"), 2);

  settings_.realm_id = "123";  // a company this app may not read
  SeedGrant();
  Wire();
  passed = sync_->Pass({});
  ASSERT_FALSE(passed.has_value());
  EXPECT_EQ(passed.error().code, ErrorCode::kRejected);
  EXPECT_NE(passed.error().message.find("AuthorizationFault 3100"), std::string::npos) << passed.error().message;
}

}  // namespace
}  // namespace tributary::connectors::quickbooks::test
